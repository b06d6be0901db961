/**
 * The fused kernel's memory and its instances. One shared WebAssembly.Memory holds everything a
 * training run touches: the control words of the block schedule, the per-block error sums, the
 * factor tables (rows padded to a multiple of 4 floats), the biases, the adaptive rule's per-row
 * state and the ratings as 12-byte records, blocked (blocks.ts). Every thread instantiates the
 * same module on it (kernel.wat); nothing is copied between threads. A row of a table is
 * `stride` floats: k factors padded to kp, then the bias and the two AdaGrad sums (ROW), so one
 * rating's reads and writes are two runs of adjacent cache lines; rows are whole 64-byte cache
 * lines, since neighbouring rows belong to different blocks, which other threads write at the
 * same time (shared lines: 25M ratings on 2 threads ran 4.5× slower than on one, load ~10).
 *
 * The memory never grows (growing would need every thread to re-view it): its size is planned
 * from the data up front, and refused above 2 GiB (addresses are i32 in the kernel).
 */
import { KERNEL_WASM_BASE64 } from './kernel-bytes.ts';

export interface KernelExports {
  configure(kp: number, stride: number, k: number, bias: number, range: number, lo: number, span: number, wd: number, opt: number,
    P: number, Q: number): void;
  train(rec: number, count: number, lr: number, out: number): void;
  evaluate(rec: number, count: number, out: number): void;
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
  train: number;
  valid: number;
  bytes: number;
}

/** Int32 words of the schedule's control area (rounds.ts): stop, barrier, one claim counter per round and one for validation. */
export const CONTROL_WORDS = (g: number): number => 4 + g + 1;
export const RECORD_BYTES = 12;
/** Where a row's extras are, in floats after its kp factors. */
export const ROW = { BIAS: 0, G_FACTORS: 1, G_BIAS: 2 } as const;
const PAGE = 65536;
/** The kernel's addresses are i32: stay below 2 GiB so none is negative in JS. */
export const MAX_FUSED_BYTES = 2 ** 31;
/** The import's declared maximum (kernel.wat): 32768 pages = 2 GiB. */
const MAX_PAGES = 32768;

/** Every region starts on a cache line (64 bytes), so rows own theirs. */
const alignLine = (bytes: number) => Math.ceil(bytes / 64) * 64;

export function planLayout(sizes: { k: number; nUsers: number; nItems: number; nTrain: number; nValid: number; g: number }): FusedLayout {
  const { k, nUsers, nItems, nTrain, nValid, g } = sizes;
  const kp = Math.ceil(k / 4) * 4;
  const stride = Math.ceil((kp + 4) / 16) * 16;
  const blocks = g * g;
  let at = 0;
  const take = (bytes: number) => {
    const start = at;
    at += alignLine(bytes);
    return start;
  };
  const control = take(4 * CONTROL_WORDS(g));
  const sums = take(16 * 2 * blocks);
  const P = take(4 * nUsers * stride);
  const Q = take(4 * nItems * stride);
  const train = take(RECORD_BYTES * nTrain);
  const valid = take(RECORD_BYTES * nValid);
  return { k, kp, stride, nUsers, nItems, nTrain, nValid, blocks, control, sums, P, Q, train, valid, bytes: at };
}

/** The shared memory for a layout; a message naming the sizes when it does not fit. */
export function createMemory(layout: FusedLayout): WebAssembly.Memory {
  if (layout.bytes > MAX_FUSED_BYTES) {
    const gb = (layout.bytes / 2 ** 30).toFixed(2);
    throw new Error(`the fused engine needs ${gb} GiB for ${layout.nTrain + layout.nValid} ratings, ${layout.nUsers} users and ${layout.nItems} items at k = ${layout.k}, above its 2 GiB; use fewer factors or the ONNX Runtime engine (--engine onnx)`);
  }
  const pages = Math.max(1, Math.ceil(layout.bytes / PAGE));
  if (pages > MAX_PAGES) throw new Error(`fused memory of ${pages} pages is above ${MAX_PAGES}`);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

let compiled: WebAssembly.Module | null = null;

function kernelModule(): WebAssembly.Module {
  // Synchronous compile: the module is ~1.6 KB.
  compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

/** This thread's instance of the kernel on the shared memory, configured for the run. */
export function instantiate(memory: WebAssembly.Memory, layout: FusedLayout, s: KernelSettings): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
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
