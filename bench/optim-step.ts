/**
 * Micro-benchmark of the TS gradient step at ml-100k size (943 users + 1682 items, k = 50 plus a
 * bias: 133,875 floats): a dense Adam step over the whole table, and a lazy step from the sparse
 * gradient of one 1024-rating batch — each by the TypeScript steppers (the reference) and by the
 * WebAssembly SIMD kernel. Run alone: `node --import tsx bench/optim-step.ts`.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../src-main/data/random.ts';
import { createBackend, createOptimizer, type Grad, type Param, type SparseGrad } from '../src-main/engine/optim/index.ts';
import { WasmArena, wasmBackendPlan } from '../src-main/engine/optim/wasm/index.ts';

export interface StepTimes {
  denseAdamNsPerElement: number;
  lazyAdamMsPerBatch1024: number;
}

export interface OptimStepFigures {
  elements: number;
  ts: StepTimes;
  wasm: StepTimes;
}

const USERS = 943;
const ITEMS = 1682;
const K = 50;
const BATCH = 1024;
const TABLES = [
  { name: 'user_factors', rows: USERS, rowSize: K }, { name: 'item_factors', rows: ITEMS, rowSize: K },
  { name: 'user_bias', rows: USERS, rowSize: 1 }, { name: 'item_bias', rows: ITEMS, rowSize: 1 },
];
const CHOICE = { optimizer: 'adam', lr: 5e-3, wd: 0.1, wdMode: 'decoupled' } as const;

/** The fastest of ten rounds of calls, minMs in all: robust to a busy second core. */
function timePerCall(fn: () => void, minMs: number): number {
  for (let i = 0; i < 20; i++) fn(); // warm up the JIT
  let best = Infinity;
  for (let round = 0; round < 10; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs / 10) {
      fn();
      calls++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

type Alloc = { f32(n: number): Float32Array; i32(n: number): Int32Array };
const plain: Alloc = { f32: (n) => new Float32Array(n), i32: (n) => new Int32Array(n) };

/** Params, dense gradients and one batch's sparse gradients, filled from the same seed. */
function workload(alloc: Alloc) {
  const rand = mulberry32(1);
  const fill = (a: Float32Array, scale: number) => a.forEach((_, i) => (a[i] = (rand() - 0.5) * scale));
  const params: Param[] = TABLES.map((t) => ({ name: t.name, data: alloc.f32(t.rows * t.rowSize), rowSize: t.rowSize }));
  params.forEach((p) => fill(p.data, 0.02));
  const dense = params.map((p) => alloc.f32(p.data.length));
  dense.forEach((g) => fill(g, 1e-3));
  const sparse = TABLES.map((t): SparseGrad => {
    const rows = alloc.i32(BATCH);
    rows.forEach((_, i) => (rows[i] = Math.floor(rand() * t.rows)));
    const values = alloc.f32(BATCH * t.rowSize);
    fill(values, 1e-3);
    return { rows, values, count: BATCH };
  });
  return { params, dense: dense as Grad[], sparse: sparse as Grad[] };
}

function time(params: Param[], grads: Grad[], mode: 'dense' | 'lazy', minMs: number, arena: WasmArena | null): number {
  const opt = createOptimizer(params, CHOICE, { mode, ...(arena ? { backend: createBackend(CHOICE, { arena, rowsPerStep: BATCH }) } : {}) });
  return timePerCall(() => opt.step(grads), minMs);
}

function arenaFor(mode: 'dense' | 'lazy', sparse: boolean): WasmArena {
  const tables = TABLES.map((t) => ({ length: t.rows * t.rowSize, rowSize: t.rowSize, sparse }));
  return new WasmArena(WasmArena.bytesFor([
    ...tables.flatMap((t) => [t.length, t.length]), // params and dense gradients
    ...TABLES.flatMap((t) => [BATCH, BATCH * t.rowSize]), // sparse gradients
    ...wasmBackendPlan(tables, 'adam', mode, BATCH),
  ]));
}

export function benchOptimStep(minMs = 1000): OptimStepFigures {
  const js = workload(plain);
  const elements = js.params.reduce((n, p) => n + p.data.length, 0);
  const ts: StepTimes = {
    denseAdamNsPerElement: (time(js.params, js.dense, 'dense', minMs, null) * 1e6) / elements,
    lazyAdamMsPerBatch1024: time(js.params, js.sparse, 'lazy', minMs, null),
  };
  const denseArena = arenaFor('dense', false);
  const d = workload(denseArena);
  const lazyArena = arenaFor('lazy', true);
  const l = workload(lazyArena);
  const wasm: StepTimes = {
    denseAdamNsPerElement: (time(d.params, d.dense, 'dense', minMs, denseArena) * 1e6) / elements,
    lazyAdamMsPerBatch1024: time(l.params, l.sparse, 'lazy', minMs, lazyArena),
  };
  return { elements, ts, wasm };
}

export function describeOptimStep(f: OptimStepFigures): string[] {
  return (['ts', 'wasm'] as const).map((k) =>
    `${k === 'ts' ? 'TS steppers ' : 'wasm SIMD   '}: dense Adam ${f[k].denseAdamNsPerElement.toFixed(2)} ns/element ` +
    `(${((f[k].denseAdamNsPerElement * f.elements) / 1e6).toFixed(3)} ms/step over ${f.elements} floats); ` +
    `lazy Adam, one 1024-rating batch (4 tables) ${f[k].lazyAdamMsPerBatch1024.toFixed(3)} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of describeOptimStep(benchOptimStep())) console.log(line);
}
