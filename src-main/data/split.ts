import { type RatingsDataset, selectRows } from './dataset.ts';
import { mulberry32, shuffleInPlace } from './random.ts';

export interface Split {
  train: RatingsDataset;
  valid: RatingsDataset;
}

/**
 * The random split all our benchmarks use (ARCHITECTURE.md §3): shuffle row indices with
 * mulberry32(seed), the first floor(N * pct) shuffled indices are validation. Train and valid keep
 * their original row order, so a file written from them lists rows as the source did.
 */
export function randomSplit(d: RatingsDataset, validPct: number, seed: number): Split {
  const n = d.ratings.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, mulberry32(seed));
  const nValid = Math.floor(n * validPct);
  const isValid = new Uint8Array(n);
  for (let i = 0; i < nValid; i++) isValid[order[i]] = 1;
  const trainRows: number[] = [];
  const validRows: number[] = [];
  for (let i = 0; i < n; i++) (isValid[i] ? validRows : trainRows).push(i);
  return { train: selectRows(d, trainRows), valid: selectRows(d, validRows) };
}
