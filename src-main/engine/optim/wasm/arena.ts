/**
 * One WebAssembly memory holding everything the optimizer step touches — parameter tables,
 * moments, the batch's gradient rows and scratch — handed out as Float32Array/Int32Array views,
 * so ONNX Runtime reads and writes the same bytes the kernel updates (no copies either way).
 *
 * The memory never grows: growing a non-shared WebAssembly.Memory detaches every view handed
 * out, including those inside ONNX Runtime tensors. Its size is planned up front (bytesFor the
 * allocations its users will make); pages that are never written cost no resident memory.
 * Allocation is a bump pointer with no free: an arena lives as long as one training layout, and
 * a new layout (more users or items) gets a new arena.
 */
import { KERNEL_WASM_BASE64 } from './kernel-bytes.ts';

/** Bytes 0..63 are the kernel's scratch (kernel.wat); allocations start after them. */
const SCRATCH_BYTES = 64;
/** Every view starts on a 16-byte boundary (one f32x4). */
const ALIGN = 16;
const PAGE = 65536;
/** wasm32 addresses 4 GiB; stay below so offsets fit a signed i32 comfortably. */
export const MAX_ARENA_BYTES = 2 ** 31;

export interface KernelExports {
  set_hypers(keep: number, l2: number, lr: number, mom: number, damp1: number, sqrMom: number, damp2: number,
    stepSize: number, invDebias2: number, eps: number): void;
  step_dense(kind: number, p: number, g: number, m: number, v: number, n: number): void;
  step_rows(kind: number, p: number, m: number, v: number, sums: number, rows: number, count: number, rowSize: number, slotOf: number, nRows: number): void;
  accumulate_rows(rows: number, values: number, count: number, rowSize: number, nRows: number,
    slotOf: number, unique: number, sums: number): number;
  scatter_rows(rows: number, values: number, count: number, rowSize: number, nRows: number, dense: number): number;
}

let compiled: WebAssembly.Module | null = null;

/** Whether this runtime runs the kernel (wasm SIMD and bulk memory: Node ≥ 16.4, Electron). */
export function wasmSimdAvailable(): boolean {
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

function kernelModule(): WebAssembly.Module {
  // Synchronous compile: the module is 1.5 KB and Node imposes no size limit off the browser's main thread.
  compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

const aligned = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** Where the engine's tables and buffers come from: a WasmArena, or the ordinary JS heap. */
export interface Allocator {
  f32(n: number): Float32Array;
  i32(n: number): Int32Array;
}

export const heapAllocator: Allocator = {
  f32: (n) => new Float32Array(n),
  i32: (n) => new Int32Array(n),
};

export class WasmArena implements Allocator {
  readonly memory: WebAssembly.Memory;
  readonly kernel: KernelExports;
  private next = SCRATCH_BYTES;

  /** Bytes an arena needs for allocations of these element counts (4-byte elements). */
  static bytesFor(counts: readonly number[]): number {
    return counts.reduce((sum, n) => sum + aligned(4 * n), SCRATCH_BYTES);
  }

  constructor(readonly capacity: number) {
    if (!(capacity >= SCRATCH_BYTES && capacity <= MAX_ARENA_BYTES)) {
      throw new Error(`a wasm arena of ${capacity} bytes is outside ${SCRATCH_BYTES}..${MAX_ARENA_BYTES}`);
    }
    const pages = Math.ceil(capacity / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.memory } });
    this.kernel = instance.exports as unknown as KernelExports;
  }

  get used(): number {
    return this.next;
  }

  f32(n: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.take(n), n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(n), n);
  }

  /** The byte offset of a view into this arena (what the kernel takes as a pointer). */
  ptr(view: Float32Array | Int32Array): number {
    if (view.buffer !== this.memory.buffer) throw new Error('a buffer handed to the wasm kernel is not in its arena');
    return view.byteOffset;
  }

  owns(view: Float32Array | Int32Array): boolean {
    return view.buffer === this.memory.buffer;
  }

  private take(n: number): number {
    if (!(Number.isInteger(n) && n >= 0)) throw new Error(`cannot allocate ${n} elements`);
    const at = this.next;
    const end = at + aligned(4 * n);
    if (end > this.memory.buffer.byteLength) {
      throw new Error(`wasm arena full: ${n} more elements do not fit in ${this.capacity} bytes (${at} used) — its size was planned too small`);
    }
    this.next = end;
    return at;
  }
}
