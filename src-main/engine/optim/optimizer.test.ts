import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../data/random.ts';
import { Optimizer } from './optimizer.ts';
import { adamSteppers, createOptimizer, FASTAI_ADAM, type OptimizerChoice } from './presets.ts';
import { fusedAdam } from './steppers.ts';
import type { Param, SparseGrad, UpdateMode } from './types.ts';

const param = (name: string, values: number[], rowSize = 1): Param =>
  ({ name, data: Float32Array.from(values), rowSize });

/** Run steps of dense gradients on a one-row param, returning its values after each step. */
function trajectory(choice: OptimizerChoice, p0: number[], grads: number[][], mom?: number): number[][] {
  const p = param('w', p0, p0.length);
  const opt = createOptimizer([p], choice, { mom });
  return grads.map((g) => {
    opt.step([Float32Array.from(g)]);
    return Array.from(p.data);
  });
}

function expectClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) => row.forEach((v, i) => expect(v).toBeCloseTo(expected[t][i], digits)));
}

/** The same reference written per element in float64, straight from PyTorch's documented updates. */
function torchReference(
  kind: 'sgd' | 'sgd-momentum' | 'adamw' | 'adam-l2',
  p0: number[], grads: number[][], lr: number, wd: number, mom = 0.9, sqrMom = 0.99, eps = 1e-5,
): number[][] {
  const p = [...p0];
  const m = p0.map(() => 0);
  const v = p0.map(() => 0);
  return grads.map((gRaw, step) => {
    const t = step + 1;
    for (let i = 0; i < p.length; i++) {
      let g = gRaw[i];
      if (kind === 'adamw') p[i] *= 1 - lr * wd;
      else g += wd * p[i]; // torch.optim.SGD/Adam weight_decay is L2 added to the gradient
      if (kind === 'sgd') p[i] -= lr * g;
      else if (kind === 'sgd-momentum') {
        m[i] = mom * m[i] + g; // torch SGD, dampening 0
        p[i] -= lr * m[i];
      } else {
        m[i] = mom * m[i] + (1 - mom) * g;
        v[i] = sqrMom * v[i] + (1 - sqrMom) * g * g;
        const denom = Math.sqrt(v[i]) / Math.sqrt(1 - sqrMom ** t) + eps;
        p[i] -= (lr / (1 - mom ** t)) * (m[i] / denom);
      }
    }
    return [...p];
  });
}

const G3 = [[0.5, -1.0], [0.1, 0.3], [-0.2, 0.05]];

describe('steppers against PyTorch/fastai formulas', () => {
  it('AdamW (fastai Adam, decoupled wd 0.1): three steps match hand-computed values', () => {
    const got = trajectory({ optimizer: 'adam', lr: 0.1, wd: 0.1, wdMode: 'decoupled' }, [1, -2], G3);
    // Computed in float64 with the formulas above (python), then compared at float32 precision.
    expectClose(got, [
      [0.8900019999600007, -1.88000099999],
      [0.8006318065847142, -1.8183356359838252],
      [0.7580818018973925, -1.770052142100414],
    ]);
    expectClose(got, torchReference('adamw', [1, -2], G3, 0.1, 0.1));
  });

  it('Adam with L2 (fastai l2_reg: grad += wd·p) equals torch Adam(weight_decay=wd)', () => {
    const got = trajectory({ optimizer: 'adam', lr: 0.05, wd: 0.3, wdMode: 'l2' }, [1, -2], G3);
    expectClose(got, torchReference('adam-l2', [1, -2], G3, 0.05, 0.3));
  });

  it('plain SGD with decoupled wd and with L2 (identical for SGD: p(1-lr·wd) - lr·g)', () => {
    const dec = trajectory({ optimizer: 'sgd', lr: 0.1, wd: 0.2, wdMode: 'decoupled' }, [1, -2], G3);
    const l2 = trajectory({ optimizer: 'sgd', lr: 0.1, wd: 0.2, wdMode: 'l2' }, [1, -2], G3);
    // Step 1 by hand: 1·(1 - 0.02) - 0.1·0.5 = 0.93 ; -2·0.98 + 0.1 = -1.86.
    expect(dec[0][0]).toBeCloseTo(0.93, 6);
    expect(dec[0][1]).toBeCloseTo(-1.86, 6);
    expectClose(dec, torchReference('sgd', [1, -2], G3, 0.1, 0.2));
    expectClose(l2, dec);
  });

  it('momentum: fastai SGD(mom) = torch SGD(momentum, dampening 0)', () => {
    const got = trajectory({ optimizer: 'momentum', lr: 0.1, wd: 0, wdMode: 'decoupled' }, [1, -2], G3, 0.9);
    // Step 2 by hand: buf = 0.9·0.5 + 0.1 = 0.55, p = 1 - 0.05 - 0.055 = 0.895.
    expect(got[1][0]).toBeCloseTo(0.895, 6);
    expectClose(got, torchReference('sgd-momentum', [1, -2], G3, 0.1, 0));
  });

  it.each(['decoupled', 'l2'] as const)('fused Adam equals its four pieces (%s)', (wdMode) => {
    const rand = mulberry32(5);
    const init = Float32Array.from({ length: 40 }, () => rand() - 0.5);
    const hypers = { lr: 0.02, wd: 0.1, ...FASTAI_ADAM };
    const a: Param = { name: 'w', data: init.slice(), rowSize: 4 };
    const b: Param = { name: 'w', data: init.slice(), rowSize: 4 };
    const pieces = new Optimizer([a], adamSteppers(wdMode), hypers, 'lazy');
    const fused = new Optimizer([b], [fusedAdam(wdMode === 'decoupled')], hypers, 'lazy');
    for (let t = 0; t < 5; t++) {
      const g = Float32Array.from({ length: 40 }, () => rand() - 0.5);
      pieces.step([g.slice()]);
      fused.step([g.slice()]);
    }
    for (let i = 0; i < 40; i++) expect(b.data[i]).toBeCloseTo(a.data[i], 6);
  });

  it('the first Adam step moves every element by about lr in the direction of -grad', () => {
    const got = trajectory({ optimizer: 'adam', lr: 0.01, wd: 0, wdMode: 'decoupled' }, [0, 0], [[3, -0.002]]);
    expect(got[0][0]).toBeCloseTo(-0.01, 5);
    expect(got[0][1]).toBeCloseTo(0.01 * 0.002 / (0.002 + 1e-5), 6);
  });
});

/** A random embedding-table problem: nRows × k, a batch of `count` looked-up rows with duplicates. */
function randomBatches(nRows: number, k: number, steps: number, count: number, everyRow: boolean, seed: number) {
  const rand = mulberry32(seed);
  return Array.from({ length: steps }, () => {
    const rows = new Int32Array(count);
    for (let i = 0; i < count; i++) rows[i] = everyRow && i < nRows ? i : Math.floor(rand() * nRows);
    // Shuffle so duplicates and order are arbitrary, as in a real batch.
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const values = Float32Array.from({ length: count * k }, () => rand() - 0.5);
    return { rows, values, count } satisfies SparseGrad;
  });
}

function runSparse(
  choice: OptimizerChoice, mode: UpdateMode, init: Float32Array, k: number, batches: SparseGrad[],
): Float32Array {
  const p: Param = { name: 'item_factors', data: init.slice(), rowSize: k };
  const opt = createOptimizer([p], choice, { mode });
  for (const b of batches) opt.step([b]);
  return p.data;
}

describe('sparse row gradients', () => {
  const nRows = 7;
  const k = 3;
  const init = Float32Array.from({ length: nRows * k }, (_, i) => Math.sin(i));
  const choices: OptimizerChoice[] = [
    { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'decoupled' },
    { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'l2' },
    { optimizer: 'momentum', lr: 0.05, wd: 0.01, wdMode: 'decoupled' },
    { optimizer: 'sgd', lr: 0.1, wd: 0.01, wdMode: 'l2' },
  ];

  it.each(choices)('lazy == dense when every row is touched every step ($optimizer, $wdMode)', (choice) => {
    const batches = randomBatches(nRows, k, 5, 12, true, 1);
    const lazy = runSparse(choice, 'lazy', init, k, batches);
    const dense = runSparse(choice, 'dense', init, k, batches);
    for (let i = 0; i < lazy.length; i++) expect(lazy[i]).toBeCloseTo(dense[i], 6);
  });

  it('duplicate rows are summed: a sparse gradient equals its dense scatter-add', () => {
    const batches = randomBatches(nRows, k, 4, 10, false, 2);
    const choice: OptimizerChoice = { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'decoupled' };
    const viaSparse = runSparse(choice, 'dense', init, k, batches);
    const p: Param = { name: 'item_factors', data: init.slice(), rowSize: k };
    const opt = createOptimizer([p], choice);
    for (const b of batches) {
      const g = new Float32Array(nRows * k);
      for (let i = 0; i < b.count; i++) for (let j = 0; j < k; j++) g[b.rows[i] * k + j] += b.values[i * k + j];
      opt.step([g]);
    }
    for (let i = 0; i < p.data.length; i++) expect(viaSparse[i]).toBeCloseTo(p.data[i], 6);
  });

  it('lazy leaves untouched rows alone; dense keeps moving them by momentum and decay', () => {
    const choice: OptimizerChoice = { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'decoupled' };
    const touchAll = { rows: Int32Array.from({ length: nRows }, (_, i) => i), values: new Float32Array(nRows * k).fill(1), count: nRows };
    const onlyRow0 = { rows: Int32Array.of(0, 0), values: new Float32Array(2 * k).fill(0.5), count: 2 };
    const lazy = runSparse(choice, 'lazy', init, k, [touchAll, onlyRow0]);
    const dense = runSparse(choice, 'dense', init, k, [touchAll, onlyRow0]);
    const afterFirst = runSparse(choice, 'lazy', init, k, [touchAll]);
    // Row 3 was not in the second batch: lazy keeps it, dense moved it further.
    for (let j = 0; j < k; j++) {
      expect(lazy[3 * k + j]).toBe(afterFirst[3 * k + j]);
      expect(dense[3 * k + j]).toBeLessThan(afterFirst[3 * k + j] - 1e-3);
    }
    // Row 0 saw the same gradients in both modes and global step count: identical.
    for (let j = 0; j < k; j++) expect(lazy[j]).toBeCloseTo(dense[j], 6);
  });

  it('only the first `count` entries of reused, oversized buffers count', () => {
    const choice: OptimizerChoice = { optimizer: 'sgd', lr: 1, wd: 0, wdMode: 'decoupled' };
    const big = { rows: Int32Array.of(1, 2, 3, 4), values: Float32Array.of(1, 1, 1, 1), count: 1 };
    const out = runSparse(choice, 'lazy', new Float32Array(5), 1, [big]);
    expect(Array.from(out)).toEqual([0, -1, 0, 0, 0]);
  });

  it('rejects a row outside the table, naming the param', () => {
    const choice: OptimizerChoice = { optimizer: 'sgd', lr: 1, wd: 0, wdMode: 'decoupled' };
    const bad = { rows: Int32Array.of(5), values: Float32Array.of(1), count: 1 };
    expect(() => runSparse(choice, 'lazy', new Float32Array(5), 1, [bad])).toThrow(/item_factors: row 5 outside 0\.\.4/);
  });
});

describe('optimizer state', () => {
  it('saved and restored state continues exactly like an uninterrupted run', () => {
    const choice: OptimizerChoice = { optimizer: 'adam', lr: 0.01, wd: 0.1, wdMode: 'decoupled' };
    const k = 2;
    const batches = randomBatches(6, k, 6, 5, false, 3);
    const init = Float32Array.from({ length: 12 }, (_, i) => i / 10);
    const straight = runSparse(choice, 'lazy', init, k, batches);

    const p: Param = { name: 'user_factors', data: init.slice(), rowSize: k };
    const first = createOptimizer([p], choice);
    for (const b of batches.slice(0, 3)) first.step([b]);
    const saved = structuredClone(first.exportState());
    const second = createOptimizer([p], choice);
    second.importState(saved);
    for (const b of batches.slice(3)) second.step([b]);
    expect(Array.from(p.data)).toEqual(Array.from(straight));
  });

  it('setParams keeps the state of existing rows when a table grows', () => {
    const choice: OptimizerChoice = { optimizer: 'momentum', lr: 0.1, wd: 0, wdMode: 'decoupled' };
    const p = param('user_bias', [0, 0]);
    const opt = createOptimizer([p], choice, { mom: 0.5 });
    opt.step([Float32Array.of(1, 1)]);
    const grown = param('user_bias', [p.data[0], p.data[1], 0]);
    opt.setParams([grown]);
    opt.step([Float32Array.of(0, 0, 0)]);
    // Row 0 keeps coasting on its momentum (0.5 · 1); the new row has none.
    expect(grown.data[0]).toBeCloseTo(-0.1 - 0.05, 6);
    expect(grown.data[2]).toBe(0);
  });
});
