import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../data/random.ts';
import { createBackend, createOptimizer, type OptimizerChoice } from '../presets.ts';
import type { Grad, Param, SparseGrad, UpdateMode } from '../types.ts';
import { WasmArena } from './arena.ts';
import { committedKernelModule, kernelModuleText } from './build-kernel.ts';
import { wasmBackendPlan } from './wasm-backend.ts';

const CHOICES: OptimizerChoice[] = [
  { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'decoupled' },
  { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'l2' },
  { optimizer: 'momentum', lr: 0.05, wd: 0.01, wdMode: 'decoupled' },
  { optimizer: 'momentum', lr: 0.05, wd: 0.01, wdMode: 'l2' },
  { optimizer: 'sgd', lr: 0.1, wd: 0.01, wdMode: 'decoupled' },
  { optimizer: 'sgd', lr: 0.1, wd: 0.01, wdMode: 'l2' },
];

/**
 * Tables of several row widths: 50 (12 chunks of 4 and a tail of 2), 1 (a bias), 7, 8, 3. The
 * small tables get a batch naming many of their rows (the kernel visits them in table order);
 * the 400-row ones few (it visits them in the batch's order): both of step_rows' paths.
 */
const TABLES = [
  { rows: 30, rowSize: 50 }, { rows: 30, rowSize: 1 }, { rows: 11, rowSize: 7 }, { rows: 5, rowSize: 8 },
  { rows: 400, rowSize: 50 }, { rows: 400, rowSize: 3 },
];
const BATCH = 40;
const STEPS = 6;

/**
 * float32 arithmetic (the kernel) vs float64 rounded on store (the steppers), over several
 * steps: |a − b| ≤ 1e-6 · max(|b|, 0.1). The floor is the tables' scale (values ~0.1–0.5): a
 * value that nearly cancelled (0.3 − 0.29) carries the rounding of its operands, ~1 float32 ulp
 * at 0.3 (3e-8), which is no meaningful relative error of the small result.
 */
function expectBitClose(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 0.1));
  expect(worst, `${what}: worst relative difference`).toBeLessThan(1e-6);
}

interface Problem {
  init: Float32Array[];
  /** Per step, per table: a sparse gradient (rows with duplicates) or a dense one. */
  grads: { rows: Int32Array; values: Float32Array; dense: Float32Array }[][];
}

function problem(seed: number): Problem {
  const rand = mulberry32(seed);
  const init = TABLES.map((t) => Float32Array.from({ length: t.rows * t.rowSize }, () => (rand() - 0.5) * 0.2));
  const grads = Array.from({ length: STEPS }, () => TABLES.map((t) => ({
    rows: Int32Array.from({ length: BATCH }, () => Math.floor(rand() * rand() * t.rows)), // skewed: duplicates
    values: Float32Array.from({ length: BATCH * t.rowSize }, () => rand() - 0.5),
    dense: Float32Array.from({ length: t.rows * t.rowSize }, () => rand() - 0.5),
  })));
  return { init, grads };
}

function runJs(p: Problem, choice: OptimizerChoice, mode: UpdateMode, sparse: boolean): Float32Array[] {
  const params: Param[] = TABLES.map((t, i) => ({ name: `t${i}`, data: p.init[i].slice(), rowSize: t.rowSize }));
  const opt = createOptimizer(params, choice, { mode });
  for (const step of p.grads) {
    opt.step(step.map((g): Grad => (sparse ? { rows: g.rows, values: g.values, count: BATCH } : g.dense.slice())));
  }
  return params.map((q) => q.data);
}

function runWasm(p: Problem, choice: OptimizerChoice, mode: UpdateMode, sparse: boolean): { data: Float32Array[]; arena: WasmArena; planned: number } {
  const planned = WasmArena.bytesFor([
    ...TABLES.map((t) => t.rows * t.rowSize),
    ...wasmBackendPlan(TABLES.map((t) => ({ length: t.rows * t.rowSize, rowSize: t.rowSize, sparse })), choice.optimizer as 'adam', mode, BATCH),
    ...TABLES.flatMap((t) => [BATCH, BATCH * t.rowSize, t.rows * t.rowSize]),
  ]);
  const arena = new WasmArena(planned);
  const params: Param[] = TABLES.map((t, i) => ({ name: `t${i}`, data: arena.f32(t.rows * t.rowSize), rowSize: t.rowSize }));
  params.forEach((q, i) => q.data.set(p.init[i]));
  const buffers = TABLES.map((t) => ({ rows: arena.i32(BATCH), values: arena.f32(BATCH * t.rowSize), dense: arena.f32(t.rows * t.rowSize) }));
  const opt = createOptimizer(params, choice, { mode, backend: createBackend(choice, { arena, rowsPerStep: BATCH }) });
  for (const step of p.grads) {
    const grads = step.map((g, i): Grad => {
      const b = buffers[i];
      b.rows.set(g.rows);
      b.values.set(g.values);
      b.dense.set(g.dense);
      return sparse ? ({ rows: b.rows, values: b.values, count: BATCH } satisfies SparseGrad) : b.dense;
    });
    opt.step(grads);
  }
  return { data: params.map((q) => q.data), arena, planned };
}

describe('the wasm SIMD step equals the TypeScript steppers', () => {
  const cases = CHOICES.flatMap((choice) => [
    { choice, mode: 'lazy' as const, sparse: true },
    { choice, mode: 'dense' as const, sparse: true },
    { choice, mode: 'lazy' as const, sparse: false },
  ]);
  it.each(cases)('$choice.optimizer $choice.wdMode, $mode updates, sparse gradients: $sparse', ({ choice, mode, sparse }) => {
    const p = problem(3);
    const want = runJs(p, choice, mode, sparse);
    const { data, arena, planned } = runWasm(p, choice, mode, sparse);
    want.forEach((w, i) => expectBitClose(data[i], w, `table ${i} (row size ${TABLES[i].rowSize})`));
    // Something moved, and the arena held exactly what was planned for it.
    expect(data[0].some((v, i) => v !== p.init[0][i])).toBe(true);
    expect(arena.used).toBe(planned);
  });

  it('lazy updates leave untouched rows and their moments alone', () => {
    const arena = new WasmArena(1 << 16);
    const param: Param = { name: 'item_factors', data: arena.f32(4 * 6), rowSize: 6 };
    param.data.fill(0.5);
    const rows = arena.i32(3);
    rows.set([2, 0, 2]);
    const values = arena.f32(3 * 6).fill(1);
    const opt = createOptimizer([param], CHOICES[0], { backend: createBackend(CHOICES[0], { arena, rowsPerStep: 3 }) });
    opt.step([{ rows, values, count: 3 }]);
    const row = (r: number) => Array.from(param.data.subarray(r * 6, r * 6 + 6));
    expect(row(1)).toEqual(Array(6).fill(0.5));
    expect(row(3)).toEqual(Array(6).fill(0.5));
    expect(row(0)[0]).toBeLessThan(0.5);
    // Row 2 was named twice: its gradient is the sum (2), and Adam's first step moves it by ≈ lr either way.
    expect(row(2)[5]).toBeCloseTo(0.5 * (1 - 0.01 * 0.1) - 0.01, 5);
    expect(opt.exportState().params.item_factors.grad_avg[1 * 6]).toBe(0);
    expect(opt.exportState().params.item_factors.grad_avg[2 * 6]).toBeCloseTo(0.2, 6);
  });

  it('a row outside the table is refused with its name, and the next step is unaffected', () => {
    const arena = new WasmArena(1 << 16);
    const param: Param = { name: 'user_factors', data: arena.f32(3 * 4), rowSize: 4 };
    const rows = arena.i32(2);
    const values = arena.f32(8).fill(1);
    for (const mode of ['lazy', 'dense'] as const) {
      const opt = createOptimizer([param], CHOICES[0], { mode, backend: createBackend(CHOICES[0], { arena, rowsPerStep: 2 }) });
      rows.set([1, 3]);
      expect(() => opt.step([{ rows, values, count: 2 }])).toThrow('sparse gradient of user_factors: row 3 outside 0..2');
      rows.set([1, 1]);
      opt.step([{ rows, values, count: 2 }]);
      expect(param.data[4]).toBeLessThan(0);
      expect(param.data[0]).toBe(0);
    }
  });

  it('refuses buffers that are not in its arena', () => {
    const arena = new WasmArena(1 << 16);
    const param: Param = { name: 'w', data: new Float32Array(4), rowSize: 4 };
    const opt = createOptimizer([param], CHOICES[0], { backend: createBackend(CHOICES[0], { arena, rowsPerStep: 1 }) });
    expect(() => opt.step([new Float32Array(4)])).toThrow(/not in its arena/);
  });
});

describe('the committed kernel bytes', () => {
  it('are what kernel.wat compiles to (run `npm run build:wasm` after editing it)', async () => {
    expect(committedKernelModule()).toBe(await kernelModuleText());
  });
});
