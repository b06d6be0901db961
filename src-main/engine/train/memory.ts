/**
 * Where a trainer's big buffers live: parameter tables, batch buffers (ONNX Runtime's inputs and
 * outputs) and optimizer state all in one wasm arena, so the SIMD step updates the tables ONNX
 * Runtime reads and consumes the gradients it wrote, with no copies. The arena is planned to the
 * exact allocations of ParamStore, Batches and the wasm backend, and re-planned when tables grow
 * or the batch capacity changes. Where it cannot be had (too big for wasm32, no wasm SIMD), the
 * buffers come from the JS heap and the TypeScript steppers do the step.
 */
import { type MaskSpec, type ParamSpec, rowSize } from '../models/index.ts';
import { createBackend, type StepBackend, type UpdateMode } from '../optim/index.ts';
import {
  type Allocator, heapAllocator, MAX_ARENA_BYTES, WasmArena, wasmBackendPlan, wasmSimdAvailable,
} from '../optim/wasm/index.ts';
import { Batches } from './batches.ts';
import { ParamStore, type TableRows } from './params.ts';
import type { OptimConfig } from '../types.ts';

export interface MemoryNeeds {
  specs: readonly ParamSpec[];
  maskSpecs: readonly MaskSpec[];
  rows: TableRows;
  /** Ratings per batch. */
  capacity: number;
  optim: OptimConfig;
  mode: UpdateMode;
}

export interface TrainingMemory {
  alloc: Allocator;
  /** The arena, when the buffers are in one (null: the JS heap). */
  arena: WasmArena | null;
  /** The optimizer's backend for these buffers (null for L-BFGS, which has none). */
  backend: StepBackend | null;
}

export function trainingMemory(n: MemoryNeeds): TrainingMemory {
  const tables = ParamStore.plan(n.specs, n.rows);
  const stepped = n.optim.optimizer !== 'lbfgs';
  const optimizer = stepped
    ? wasmBackendPlan(
      tables.map((length, i) => ({ length, rowSize: rowSize(n.specs[i]), sparse: n.specs[i].lookup !== null })),
      n.optim.optimizer as 'sgd' | 'momentum' | 'adam', n.mode, n.capacity,
    )
    : [];
  const bytes = WasmArena.bytesFor([...tables, ...Batches.plan(n.capacity, n.specs, n.maskSpecs), ...optimizer]);
  if (bytes > MAX_ARENA_BYTES || !wasmSimdAvailable()) {
    return { alloc: heapAllocator, arena: null, backend: stepped ? createBackend(n.optim) : null };
  }
  const arena = new WasmArena(bytes);
  return { alloc: arena, arena, backend: stepped ? createBackend(n.optim, { arena, rowsPerStep: n.capacity }) : null };
}
