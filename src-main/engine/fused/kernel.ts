/**
 * The fused kernel's memory and its instances. One shared WebAssembly.Memory holds everything a
 * training run touches: the control words of the block schedule, the per-block error sums, the
 * factor tables (rows padded to a multiple of 4 floats), the biases, the adaptive rule's per-row
 * state and the ratings as three columns (user slot, item slot, rating), blocked in place (blocks.ts). Every thread instantiates the
 * same module on it (kernel.wat); nothing is copied between threads. A row of a table is
 * `stride` floats: k factors padded to kp, then the bias and the two AdaGrad sums (ROW), so one
 * rating's reads and writes are two runs of adjacent cache lines; rows are whole 64-byte cache
 * lines, since neighbouring rows belong to different blocks, which other threads write at the
 * same time (shared lines: 25M ratings on 2 threads ran 4.5× slower than on one, load ~10).
 *
 * The memory (arena.ts) grows only before the threads start (growing later would need every
 * thread to re-view it), and is refused above 2 GiB (addresses are i32 in the kernel).
 */
import type { FusedArena, PlacedColumns } from './arena.ts';
import { setFlagsFromString } from 'node:v8';
import { KERNEL_PLAIN_WASM_BASE64, KERNEL_WASM_BASE64 } from './kernel-bytes.ts';

export interface KernelExports {
  configure(kp: number, stride: number, k: number, bias: number, range: number, lo: number, span: number, wd: number, opt: number,
    P: number, Q: number): void;
  train(users: number, items: number, ratings: number, count: number, lr: number, out: number): void;
  evaluate(users: number, items: number, ratings: number, count: number, out: number): void;
}

/** What the kernel computes (plain data: it travels to the workers). */
export interface KernelSettings {
  k: number;
  bias: boolean;
  yRange: [number, number] | null;
  wd: number;
  /** 0 sgd, 1 libmf's per-row AdaGrad (kernel.wat). */
  opt: 0 | 1;
}

/** Byte offsets of everything in the memory (plain data: it travels to the workers). */
export interface FusedLayout {
  k: number;
  /** k rounded up to a multiple of 4: a row's factor floats. */
  kp: number;
  /** A row's floats: kp + 4 (ROW) rounded up to a cache line (16 floats). */
  stride: number;
  nUsers: number;
  nItems: number;
  nTrain: number;
  nValid: number;
  /** Blocks of the grid (g × g); two sums slots (squared, absolute: 2 × f64) each: its training ratings' and its validation ratings'. */
  blocks: number;
  control: number;
  sums: number;
  /** The user rows, nUsers × stride floats; Q the item rows. */
  P: number;
  Q: number;
  /** The ratings' columns (arena.ts placeColumns). */
  train: PlacedColumns;
  valid: PlacedColumns;
}

/** Int32 words of the schedule's control area (rounds.ts): stop, barrier, one claim counter per round and one for validation. */
export const CONTROL_WORDS = (g: number): number => 4 + g + 1;
/** Where a row's extras are, in floats after its kp factors. */
export const ROW = { BIAS: 0, G_FACTORS: 1, G_BIAS: 2 } as const;

/**
 * The rest of the layout, taken from the arena after the ratings' columns: the control words,
 * the sums and the two tables. A message naming the sizes when it all does not fit in 2 GiB.
 */
export function planLayout(arena: FusedArena, sizes: { k: number; nUsers: number; nItems: number; g: number }, train: PlacedColumns, valid: PlacedColumns): FusedLayout {
  const { k, nUsers, nItems, g } = sizes;
  const kp = Math.ceil(k / 4) * 4;
  const stride = Math.ceil((kp + 4) / 16) * 16;
  const blocks = g * g;
  const parts = [4 * CONTROL_WORDS(g), 16 * 2 * blocks, 4 * nUsers * stride, 4 * nItems * stride];
  if (!arena.fits(parts)) {
    const gb = ((arena.used + parts.reduce((a, b) => a + b, 0)) / 2 ** 30).toFixed(2);
    throw new Error(`the fused engine needs ${gb} GiB for ${train.count + valid.count} ratings, ${nUsers} users and ${nItems} items at k = ${k}, above its 2 GiB; use fewer factors or the ONNX Runtime engine (--engine onnx)`);
  }
  const [control, sums, P, Q] = parts.map((bytes) => arena.take(bytes).offset);
  return { k, kp, stride, nUsers, nItems, nTrain: train.count, nValid: valid.count, blocks, control, sums, P, Q, train, valid };
}

let compiled: { module: WebAssembly.Module; fusedMultiplyAdd: boolean } | null = null;

/**
 * The kernel as written, with relaxed SIMD's multiply-adds (one rounding instead of two, and 10 %
 * faster a rating: 43 against 48 ns in cache, 67 against 75 on ml-25m-sized tables, one thread,
 * k 50), or its plain form where the runtime will not compile them. Node 20's V8 (11.3) has
 * relaxed SIMD behind a flag, which is set here before the compile (from V8 11.4 it is on by
 * default: Electron's runtime has it either way); the flag changes nothing else.
 */
function kernelModule(): { module: WebAssembly.Module; fusedMultiplyAdd: boolean } {
  if (compiled) return compiled;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  // Synchronous compile: the module is ~1.8 KB.
  try {
    compiled = { module: new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64')), fusedMultiplyAdd: true };
  } catch (error) {
    if (!(error instanceof Error && error.name === 'CompileError')) throw error;
    compiled = { module: new WebAssembly.Module(Buffer.from(KERNEL_PLAIN_WASM_BASE64, 'base64')), fusedMultiplyAdd: false };
  }
  return compiled;
}

/** Whether this process's kernel uses fused multiply-adds (kernelModule): said beside the fused engine's figures. */
export const kernelUsesFusedMultiplyAdd = (): boolean => kernelModule().fusedMultiplyAdd;

/** This thread's instance of the kernel on the shared memory, configured for the run. */
export function instantiate(memory: WebAssembly.Memory, layout: FusedLayout, s: KernelSettings): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule().module, { env: { memory } });
  const kernel = instance.exports as unknown as KernelExports;
  const [lo, hi] = s.yRange ?? [0, 1];
  kernel.configure(layout.kp, layout.stride, s.k, s.bias ? 1 : 0, s.yRange ? 1 : 0, lo, hi - lo, s.wd, s.opt, layout.P, layout.Q);
  return kernel;
}

/** A table's rows as floats: row r's factors at [r·stride, r·stride + k), its extras at r·stride + kp + ROW.*. */
export function tableView(memory: WebAssembly.Memory, layout: FusedLayout, side: 'user' | 'item'): Float32Array {
  const rows = side === 'user' ? layout.nUsers : layout.nItems;
  return new Float32Array(bufferOf(memory), side === 'user' ? layout.P : layout.Q, rows * layout.stride);
}

/** The memory's bytes (a SharedArrayBuffer: the kernel's memory is shared). */
export const bufferOf = (memory: WebAssembly.Memory): SharedArrayBuffer => memory.buffer as unknown as SharedArrayBuffer;
