/**
 * The optimizer step in WebAssembly SIMD: an arena whose views the rest of the engine uses as
 * its tables and buffers, and the StepBackend that runs kernel.wat on them.
 */
export { WasmArena, MAX_ARENA_BYTES, wasmSimdAvailable, heapAllocator, type Allocator } from './arena.ts';
export {
  WasmBackend, WasmRowSums, wasmBackendPlan, KERNEL_STATE, type KernelKind, type KernelChoice, type PlannedParam,
} from './wasm-backend.ts';
