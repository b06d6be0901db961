/**
 * Sums the duplicate rows of a sparse gradient (a user rated several movies in one batch) into
 * one gradient row per distinct table row, without allocating: the buffers grow to the largest
 * batch seen and are reused from then on.
 */
import { badRow, checkSparse, type RowSums } from './backend.ts';
import type { SparseGrad } from './types.ts';

export class RowAccumulator implements RowSums {
  /** Distinct rows of the last accumulate(), in first-seen order; valid up to `size`. */
  uniqueRows: Int32Array = new Int32Array(0);
  /** size × rowSize summed gradient rows, slot-aligned with uniqueRows. */
  sums: Float32Array = new Float32Array(0);
  size = 0;
  /** Table row → slot in uniqueRows, -1 when not in the current batch (reset after each use). */
  private readonly slotOf: Int32Array;

  constructor(private readonly nRows: number, private readonly rowSize: number) {
    this.slotOf = new Int32Array(nRows).fill(-1);
  }

  accumulate(grad: SparseGrad, paramName: string): void {
    this.clear();
    const { rows, values, count } = grad;
    const rs = this.rowSize;
    checkSparse({ name: paramName, rowSize: rs }, grad);
    this.reserve(count);
    const { slotOf, uniqueRows, sums } = this;
    let size = 0;
    for (let i = 0; i < count; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < this.nRows)) {
        this.size = size;
        throw badRow(paramName, r, this.nRows);
      }
      let slot = slotOf[r];
      const src = i * rs;
      if (slot < 0) {
        slot = size++;
        slotOf[r] = slot;
        uniqueRows[slot] = r;
        const dst = slot * rs;
        for (let j = 0; j < rs; j++) sums[dst + j] = values[src + j];
      } else {
        const dst = slot * rs;
        for (let j = 0; j < rs; j++) sums[dst + j] += values[src + j];
      }
    }
    this.size = size;
  }

  /** Forget the current batch's rows, touching only them (O(batch), not O(table)). */
  clear(): void {
    for (let s = 0; s < this.size; s++) this.slotOf[this.uniqueRows[s]] = -1;
    this.size = 0;
  }

  private reserve(count: number): void {
    if (count <= this.uniqueRows.length) return;
    const capacity = Math.max(count, this.uniqueRows.length * 2);
    this.uniqueRows = new Int32Array(capacity);
    this.sums = new Float32Array(capacity * this.rowSize);
  }
}
