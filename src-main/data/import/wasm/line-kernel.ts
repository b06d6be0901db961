/**
 * The importer's fast line parser (line-kernel.wat) behind a small class: one instance per file
 * being parsed, owning a fixed 10 MB WebAssembly memory that holds the read buffer (the line
 * reader reads the file straight into it: no copy) and the raw columns of one parse call.
 *
 * Why WebAssembly: on 25M MovieLens rows (591 MB) the same byte loop in JavaScript took 3.3 s,
 * and a bare JS loop that only sums the bytes already takes 0.55 s; this kernel parses them in
 * well under a second (docs/scale.md, "Import").
 */
import { READ_BUFFER_BYTES } from '../line-reader.ts';
import { LINE_KERNEL_WASM_BASE64 } from './line-kernel-bytes.ts';

/** Bytes of the read buffer at the start of the memory. */
const KERNEL_READ_BYTES = READ_BUFFER_BYTES;
/** Rows one parse call writes at most. */
const CAP = 1 << 18;
const PAGE = 1 << 16;
const MEMORY_PAGES = 160;

export interface LineLayout {
  fieldCount: number;
  user: number;
  item: number;
  rating: number;
  /** -1 when no timestamp is read. */
  timestamp: number;
  /** 1 or 2 bytes (latin-1). */
  delimiter: Uint8Array;
  /** Ratings outside [lo, hi] are left to the general path (which refuses or skips them). */
  lo: number;
  hi: number;
}

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  configure(fieldCount: number, user: number, item: number, rating: number, ts: number, d0: number, d1: number,
    lo: number, hi: number, outUsers: number, outItems: number, outRatings: number, outTimestamps: number): void;
  parse(start: number, end: number, cap: number): number;
  stop(): number;
}

let compiled: WebAssembly.Module | null = null;

export class LineKernel {
  /** The read buffer: hand it to scanChunks, then parse ranges of it. */
  readonly buffer: Buffer;
  /** Raw ids and values of the rows the last parse call wrote. */
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratings: Float32Array;
  readonly timestamps: Float64Array;
  private readonly k: KernelExports;

  constructor(layout: LineLayout) {
    compiled ??= new WebAssembly.Module(Buffer.from(LINE_KERNEL_WASM_BASE64, 'base64'));
    this.k = new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
    const mem = this.k.memory.buffer;
    const users = KERNEL_READ_BYTES;
    const items = users + 4 * CAP;
    const ratings = items + 4 * CAP;
    const timestamps = ratings + 4 * CAP;
    if (timestamps + 8 * CAP > MEMORY_PAGES * PAGE || mem.byteLength !== MEMORY_PAGES * PAGE) throw new Error('line kernel memory layout does not fit');
    this.buffer = Buffer.from(mem, 0, KERNEL_READ_BYTES);
    this.users = new Int32Array(mem, users, CAP);
    this.items = new Int32Array(mem, items, CAP);
    this.ratings = new Float32Array(mem, ratings, CAP);
    this.timestamps = new Float64Array(mem, timestamps, CAP);
    const d = layout.delimiter;
    this.k.configure(layout.fieldCount, layout.user, layout.item, layout.rating, layout.timestamp, d[0], d.length === 2 ? d[1] : -1,
      layout.lo, layout.hi, users, items, ratings, timestamps);
  }

  /**
   * Parses fast-path lines of buffer[start, end) until one is not, or `cap` (at most `capacity`)
   * rows are written; returns the rows written. `stop` is then where the next line starts: `end`,
   * a line for the general path, or (when full) the line after the last row.
   */
  parse(start: number, end: number, cap = CAP): number {
    if (!(cap >= 1 && cap <= CAP)) throw new Error(`line kernel: cap ${cap} is outside 1..${CAP}`);
    return this.k.parse(start, end, cap);
  }

  get stop(): number {
    return this.k.stop();
  }

  get capacity(): number {
    return CAP;
  }
}
