/**
 * Moves between parameter tables and the one flat float64 vector L-BFGS works on (params in
 * list order, each row-major). Float64 keeps the line search's curvature arithmetic stable even
 * though the model itself runs in float32.
 */
import type { Grad, Param } from './types.ts';

export function flatLength(params: readonly Param[]): number {
  let n = 0;
  for (const p of params) n += p.data.length;
  return n;
}

function checkLength(params: readonly Param[], flat: Float64Array, what: string): void {
  const n = flatLength(params);
  if (flat.length !== n) throw new Error(`${what}: flat vector has ${flat.length} values, params ${n}`);
}

/** Copy the params' values into `out`. */
export function packParams(params: readonly Param[], out: Float64Array): Float64Array {
  checkLength(params, out, 'packParams');
  let off = 0;
  for (const p of params) {
    out.set(p.data, off);
    off += p.data.length;
  }
  return out;
}

/** Copy the flat vector back into the params' tables (rounded to float32). */
export function unpackParams(x: Float64Array, params: readonly Param[]): void {
  checkLength(params, x, 'unpackParams');
  let off = 0;
  for (const p of params) {
    p.data.set(x.subarray(off, off + p.data.length));
    off += p.data.length;
  }
}

/**
 * Copy per-param gradients (same order as params) into `out`; a sparse gradient is summed into
 * its rows, the rows it does not name are zero.
 */
export function packGrads(params: readonly Param[], grads: readonly Grad[], out: Float64Array): Float64Array {
  checkLength(params, out, 'packGrads');
  let off = 0;
  for (let i = 0; i < params.length; i++) {
    const { name, data, rowSize } = params[i];
    const g = grads[i];
    if (g instanceof Float32Array) {
      if (g.length !== data.length) {
        throw new Error(`packGrads: gradient of ${name} has ${g.length} values, the param ${data.length}`);
      }
      out.set(g, off);
    } else {
      out.fill(0, off, off + data.length);
      const nRows = data.length / rowSize;
      for (let k = 0; k < g.count; k++) {
        const r = g.rows[k];
        if (!(r >= 0 && r < nRows)) throw new Error(`packGrads: row ${r} of ${name} outside 0..${nRows - 1}`);
        const dst = off + r * rowSize;
        const src = k * rowSize;
        for (let j = 0; j < rowSize; j++) out[dst + j] += g.values[src + j];
      }
    }
    off += data.length;
  }
  return out;
}
