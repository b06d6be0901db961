/**
 * Partial selection of the n best of m scores with a size-n binary heap: O(m log n) time and O(n)
 * memory, so picking 10 of 59k items never sorts all 59k. Ties go to the lower index, so results
 * are deterministic.
 */

export interface Ranked {
  /** Indices into the scored array, best first. */
  indices: Int32Array;
  scores: Float64Array;
}

export interface TopNOptions {
  /** 'desc' (default): largest scores are best; 'asc': smallest are best (distances). */
  order?: 'desc' | 'asc';
  /** Index i takes part only when skip(i) is false (already rated, the query item, too few ratings…). */
  skip?: (i: number) => boolean;
}

export function topN(scores: ArrayLike<number>, n: number, options: TopNOptions = {}): Ranked {
  const sign = options.order === 'asc' ? -1 : 1;
  const skip = options.skip;
  const cap = Math.max(0, Math.min(n, scores.length));
  // Min-heap on (sign * score, then higher index) — its root is the worst of the kept ones.
  const heapIdx = new Int32Array(cap);
  const heapVal = new Float64Array(cap);
  let size = 0;
  const worse = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && ia > ib);
  const siftDown = (pos: number) => {
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= size) return;
      const r = l + 1;
      let w = l;
      if (r < size && worse(heapVal[r], heapIdx[r], heapVal[l], heapIdx[l])) w = r;
      if (!worse(heapVal[w], heapIdx[w], heapVal[pos], heapIdx[pos])) return;
      swap(pos, w);
      pos = w;
    }
  };
  const swap = (a: number, b: number) => {
    const ti = heapIdx[a];
    heapIdx[a] = heapIdx[b];
    heapIdx[b] = ti;
    const tv = heapVal[a];
    heapVal[a] = heapVal[b];
    heapVal[b] = tv;
  };
  if (cap > 0) {
    for (let i = 0; i < scores.length; i++) {
      const raw = scores[i];
      if (Number.isNaN(raw) || (skip && skip(i))) continue;
      const v = sign * raw;
      if (size < cap) {
        let pos = size++;
        heapIdx[pos] = i;
        heapVal[pos] = v;
        while (pos > 0) {
          const parent = (pos - 1) >> 1;
          if (!worse(heapVal[pos], heapIdx[pos], heapVal[parent], heapIdx[parent])) break;
          swap(pos, parent);
          pos = parent;
        }
      } else if (worse(heapVal[0], heapIdx[0], v, i)) {
        heapIdx[0] = i;
        heapVal[0] = v;
        siftDown(0);
      }
    }
  }
  // Pop worst-first into the back of the output, so the output is best-first.
  const indices = new Int32Array(size);
  const out = new Float64Array(size);
  for (let k = size - 1; k >= 0; k--) {
    indices[k] = heapIdx[0];
    out[k] = sign * heapVal[0];
    size--;
    if (size > 0) {
      heapIdx[0] = heapIdx[size];
      heapVal[0] = heapVal[size];
      siftDown(0);
    }
  }
  return { indices, scores: out };
}
