/**
 * Micro-benchmark of the TS gradient step at ml-100k size (943 users + 1682 items, k = 50 plus a
 * bias: 133,875 floats): a dense Adam step over the whole table, and a lazy step from the sparse
 * gradient of one 1024-rating batch. Run alone: `node --import tsx bench/optim-step.ts`.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../src-main/data/random.ts';
import { createOptimizer, type Param, type SparseGrad } from '../src-main/engine/optim/index.ts';

export interface OptimStepFigures {
  elements: number;
  denseAdamNsPerElement: number;
  lazyAdamMsPerBatch1024: number;
}

const USERS = 943;
const ITEMS = 1682;
const K = 50;

function table(name: string, rows: number, rowSize: number, rand: () => number): Param {
  return { name, data: Float32Array.from({ length: rows * rowSize }, () => (rand() - 0.5) * 0.02), rowSize };
}

function timePerCall(fn: () => void, minMs: number): number {
  for (let i = 0; i < 20; i++) fn(); // warm up the JIT
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    calls++;
    elapsed = performance.now() - start;
  }
  return elapsed / calls;
}

export function benchOptimStep(minMs = 1000): OptimStepFigures {
  const rand = mulberry32(1);
  const params = [
    table('user_factors', USERS, K, rand), table('item_factors', ITEMS, K, rand),
    table('user_bias', USERS, 1, rand), table('item_bias', ITEMS, 1, rand),
  ];
  const elements = params.reduce((n, p) => n + p.data.length, 0);
  const choice = { optimizer: 'adam', lr: 5e-3, wd: 0.1, wdMode: 'decoupled' } as const;

  const dense = createOptimizer(params, choice, { mode: 'dense' });
  const denseGrads = params.map((p) => Float32Array.from(p.data, () => (rand() - 0.5) * 1e-3));
  const denseMs = timePerCall(() => dense.step(denseGrads), minMs);

  const batch = 1024;
  const sparse = (nRows: number, rowSize: number): SparseGrad => ({
    rows: Int32Array.from({ length: batch }, () => Math.floor(rand() * nRows)),
    values: Float32Array.from({ length: batch * rowSize }, () => (rand() - 0.5) * 1e-3),
    count: batch,
  });
  const sparseGrads = [sparse(USERS, K), sparse(ITEMS, K), sparse(USERS, 1), sparse(ITEMS, 1)];
  const lazy = createOptimizer(params, choice, { mode: 'lazy' });
  const lazyMs = timePerCall(() => lazy.step(sparseGrads), minMs);

  return { elements, denseAdamNsPerElement: (denseMs * 1e6) / elements, lazyAdamMsPerBatch1024: lazyMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = benchOptimStep();
  console.log(`dense Adam over ${f.elements} floats: ${f.denseAdamNsPerElement.toFixed(2)} ns/element ` +
    `(${((f.denseAdamNsPerElement * f.elements) / 1e6).toFixed(3)} ms/step)`);
  console.log(`lazy Adam, batch of 1024 ratings (4 tables): ${f.lazyAdamMsPerBatch1024.toFixed(3)} ms/step`);
}
