/**
 * Where an optimizer's per-element arithmetic runs. The Optimizer decides what to update (dense
 * tables, the touched rows of a sparse gradient, the scatter of one for dense updates); a
 * backend does it. JsBackend runs the stepper list as written — the readable reference; the
 * WebAssembly SIMD backend (wasm/wasm-backend.ts) runs the same updates four lanes at a time
 * on buffers in its arena and is tested against this one.
 */
import { RowAccumulator } from './row-accumulator.ts';
import type { Param, SparseGrad, StepContext, Stepper } from './types.ts';

/** A sparse gradient summed per distinct row (see RowAccumulator). */
export interface RowSums {
  readonly uniqueRows: Int32Array;
  readonly sums: Float32Array;
  readonly size: number;
  accumulate(grad: SparseGrad, paramName: string): void;
}

export interface StepBackend {
  /** Called once at the start of each optimizer step, before the params are updated. */
  begin(ctx: StepContext): void;
  /** A zeroed state buffer of n elements. */
  f32(n: number): Float32Array;
  rowSums(nRows: number, rowSize: number): RowSums;
  /** One step of every element of `param` from a gradient of the same length. */
  dense(param: Param, grad: Float32Array, state: Readonly<Record<string, Float32Array>>, ctx: StepContext): void;
  /** One step of the rows in `rows` only (lazy updates). */
  rows(param: Param, rows: RowSums, state: Readonly<Record<string, Float32Array>>, ctx: StepContext): void;
  /** `into` = the table-sized gradient of `grad`: zero on rows it does not name. */
  scatter(param: Param, grad: SparseGrad, into: Float32Array): void;
}

export class JsBackend implements StepBackend {
  constructor(private readonly steppers: readonly Stepper[]) {}

  begin(): void {}

  f32(n: number): Float32Array {
    return new Float32Array(n);
  }

  rowSums(nRows: number, rowSize: number): RowSums {
    return new RowAccumulator(nRows, rowSize);
  }

  dense(param: Param, grad: Float32Array, state: Readonly<Record<string, Float32Array>>, ctx: StepContext): void {
    for (const s of this.steppers) s.apply(param.data, grad, 0, 0, param.data.length, ctx, state);
  }

  rows(param: Param, rows: RowSums, state: Readonly<Record<string, Float32Array>>, ctx: StepContext): void {
    const rs = param.rowSize;
    const { uniqueRows, sums, size } = rows;
    for (const s of this.steppers) {
      for (let k = 0; k < size; k++) s.apply(param.data, sums, uniqueRows[k] * rs, k * rs, rs, ctx, state);
    }
  }

  scatter(param: Param, grad: SparseGrad, into: Float32Array): void {
    into.fill(0);
    const { rows, values, count } = grad;
    const rs = param.rowSize;
    const nRows = param.data.length / rs;
    checkSparse(param, grad);
    for (let i = 0; i < count; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < nRows)) throw badRow(param.name, r, nRows);
      const dst = r * rs;
      const src = i * rs;
      for (let j = 0; j < rs; j++) into[dst + j] += values[src + j];
    }
  }
}

export function checkSparse(param: Pick<Param, 'name' | 'rowSize'>, grad: SparseGrad): void {
  if (grad.count > grad.rows.length || grad.count * param.rowSize > grad.values.length) {
    throw new Error(`sparse gradient of ${param.name}: count ${grad.count} exceeds its buffers`);
  }
}

export const badRow = (name: string, row: number, nRows: number) =>
  new Error(`sparse gradient of ${name}: row ${row} outside 0..${nRows - 1}`);
