/**
 * Issue 11 item 6: one fused update on one rating equals the ONNX training graph's gradient (the
 * models' own builders, run by ONNX Runtime in this thread) followed by the same optimizer
 * arithmetic in TypeScript, to float32 rounding — for every model and optimizer the kernel has.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../data/random.ts';
import { buildModelGraph, gradOutputName, modelBytes } from '../models/builder.ts';
import { dotProductModel } from '../models/dot-bias.ts';
import { committedKernelModule, kernelModuleText, withoutRelaxedSimd } from '../optim/wasm/build-kernel.ts';
import { createSession, tensor } from '../runtime/session.ts';
import { FusedArena, NO_COLUMNS, placeColumns } from './arena.ts';
import { type KernelSettings, ROW, instantiate, kernelUsesFusedMultiplyAdd, planLayout, tableView } from './kernel.ts';

const FUSED_SOURCE = new URL('./kernel.wat', import.meta.url).pathname;
const N_USERS = 3;
const N_ITEMS = 4;
const USER = 1;
const ITEM = 2;
const RATING = 3.7;
const LR = 0.07;
const WD = 0.03;

interface Tables {
  P: Float32Array;
  Q: Float32Array;
  bu: Float32Array;
  bi: Float32Array;
  /** AdaGrad sums per row: (factors, bias). */
  GU: Float32Array;
  GI: Float32Array;
}

function randomTables(k: number, seed: number): Tables {
  const rand = mulberry32(seed);
  const f = (n: number, scale: number, offset = 0) => Float32Array.from({ length: n }, () => offset + (rand() - 0.5) * scale);
  return { P: f(N_USERS * k, 1), Q: f(N_ITEMS * k, 1), bu: f(N_USERS, 1), bi: f(N_ITEMS, 1), GU: f(2 * N_USERS, 1, 1.5), GI: f(2 * N_ITEMS, 1, 1.5) };
}

/** ONNX Runtime's gradient of (pred − r)² for the one rating: rows of the looked-up parameters. */
function onnxGradients(t: Tables, k: number, bias: boolean, yRange: [number, number] | null): { loss: number; grads: Record<string, Float32Array> } {
  const graph = buildModelGraph(dotProductModel({ factors: k, bias, yRange }), 'float32', 'train');
  const session = createSession(modelBytes(graph), { threads: 1, device: 'cpu' });
  try {
    const feeds = {
      users: tensor(Int32Array.of(USER), [1]),
      items: tensor(Int32Array.of(ITEM), [1]),
      ratings: tensor(Float32Array.of(RATING), [1]),
      user_factors: tensor(t.P, [N_USERS, k]),
      item_factors: tensor(t.Q, [N_ITEMS, k]),
      ...(bias ? { user_bias: tensor(t.bu, [N_USERS]), item_bias: tensor(t.bi, [N_ITEMS]) } : {}),
    };
    const names = ['user_factors', 'item_factors', ...(bias ? ['user_bias', 'item_bias'] : [])];
    const fetches = Object.fromEntries([['loss', null], ...names.map((n) => [gradOutputName(n), null])]);
    const out = session.run(feeds, fetches);
    return { loss: (out.loss.data as Float32Array)[0], grads: Object.fromEntries(names.map((n) => [n, out[gradOutputName(n)].data as Float32Array])) };
  } finally {
    session.dispose();
  }
}

/** The optimizer step of kernel.wat, in TypeScript: g = grad + wd·θ; SGD or libmf's per-row AdaGrad. */
function stepRow(theta: Float32Array, grad: ArrayLike<number>, G: Float32Array, slot: number, opt: 0 | 1, meanOver: number): void {
  const eta = opt === 0 ? LR : LR / Math.sqrt(G[slot]);
  let sq = 0;
  for (let d = 0; d < theta.length; d++) {
    const g = grad[d] + WD * theta[d];
    theta[d] -= eta * g;
    sq += g * g;
  }
  if (opt === 1) G[slot] += sq / meanOver;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let j = 0; j < want.length; j++) {
    expect(Math.abs(got[j] - want[j]), `${what}[${j}]: ${got[j]} vs ${want[j]}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(want[j])));
  }
}

describe('one fused update equals the ONNX gradient plus the optimizer step (issue 11 item 6)', () => {
  const cases: { model: 'dot' | 'dotbias'; yRange: [number, number] | null; opt: 0 | 1; k: number }[] = [];
  for (const model of ['dot', 'dotbias'] as const) {
    for (const yRange of [null, [0, 5.5]] as const) {
      for (const opt of [0, 1] as const) cases.push({ model, yRange: yRange ? [...yRange] : null, opt, k: 6 });
    }
  }
  // k a multiple of 4 (no padding) once per optimizer.
  cases.push({ model: 'dotbias', yRange: [0.5, 5], opt: 0, k: 8 }, { model: 'dotbias', yRange: [0.5, 5], opt: 1, k: 8 });
  // An odd number of f32x4s (k = 10: 3), which the dot product's two accumulators end on.
  cases.push({ model: 'dotbias', yRange: [0, 5.5], opt: 1, k: 10 }, { model: 'dot', yRange: null, opt: 0, k: 10 });

  for (const { model, yRange, opt, k } of cases) {
    const name = `${model}${yRange ? `, y_range (${yRange.join(', ')})` : ''}, ${opt === 0 ? 'sgd' : 'adagrad'}, k = ${k}`;
    it(name, () => {
      const bias = model === 'dotbias';
      const t = randomTables(k, 11 * k + opt);
      const { loss, grads } = onnxGradients(t, k, bias, yRange);

      // The TypeScript step on the looked-up rows.
      const want = structuredClone(t);
      stepRow(want.P.subarray(USER * k, (USER + 1) * k), grads.user_factors, want.GU, 2 * USER, opt, k);
      stepRow(want.Q.subarray(ITEM * k, (ITEM + 1) * k), grads.item_factors, want.GI, 2 * ITEM, opt, k);
      if (bias) {
        stepRow(want.bu.subarray(USER, USER + 1), grads.user_bias, want.GU, 2 * USER + 1, opt, 1);
        stepRow(want.bi.subarray(ITEM, ITEM + 1), grads.item_bias, want.GI, 2 * ITEM + 1, opt, 1);
      }

      // The kernel on the same tables, in its rows (factors padded, then bias and AdaGrad sums).
      const arena = new FusedArena();
      const one = placeColumns(arena, { users: Int32Array.of(USER), items: Int32Array.of(ITEM), ratings: Float32Array.of(RATING) }).at;
      const layout = planLayout(arena, { k, nUsers: N_USERS, nItems: N_ITEMS, g: 1 }, one, NO_COLUMNS);
      const memory = arena.memory;
      const buffer = arena.buffer;
      const rows = { user: tableView(memory, layout, 'user'), item: tableView(memory, layout, 'item') };
      const put = (table: Float32Array, factors: Float32Array, bias: Float32Array, G: Float32Array) => {
        for (let r = 0; r < bias.length; r++) {
          table.set(factors.subarray(r * k, (r + 1) * k), r * layout.stride);
          table[r * layout.stride + layout.kp + ROW.BIAS] = bias[r];
          table[r * layout.stride + layout.kp + ROW.G_FACTORS] = G[2 * r];
          table[r * layout.stride + layout.kp + ROW.G_BIAS] = G[2 * r + 1];
        }
      };
      put(rows.user, t.P, t.bu, t.GU);
      put(rows.item, t.Q, t.bi, t.GI);
      const settings: KernelSettings = { k, bias, yRange, wd: WD, opt };
      instantiate(memory, layout, settings).train(one.users, one.items, one.ratings, 1, LR, layout.sums);

      const column = (table: Float32Array, n: number, at: number) => Float32Array.from({ length: n }, (_, r) => table[r * layout.stride + at]);
      const factorsOf = (table: Float32Array, n: number) => Float32Array.from({ length: n * k }, (_, j) => table[Math.floor(j / k) * layout.stride + (j % k)]);
      const sumsOf = (table: Float32Array, n: number) => Float32Array.from({ length: 2 * n }, (_, j) => table[(j >> 1) * layout.stride + layout.kp + (j % 2 ? ROW.G_BIAS : ROW.G_FACTORS)]);
      expectClose(factorsOf(rows.user, N_USERS), want.P, 'user_factors');
      expectClose(factorsOf(rows.item, N_ITEMS), want.Q, 'item_factors');
      for (let r = 0; r < N_USERS; r++) expect(rows.user.subarray(r * layout.stride + k, r * layout.stride + layout.kp).every((x) => x === 0), 'padding stays 0').toBe(true);
      if (bias) {
        expectClose(column(rows.user, N_USERS, layout.kp + ROW.BIAS), want.bu, 'user_bias');
        expectClose(column(rows.item, N_ITEMS, layout.kp + ROW.BIAS), want.bi, 'item_bias');
      }
      expectClose(sumsOf(rows.user, N_USERS), want.GU, 'AdaGrad sums of the users');
      expectClose(sumsOf(rows.item, N_ITEMS), want.GI, 'AdaGrad sums of the items');
      // The error measured before the update is the graph's loss: (pred − r)².
      expectClose([new Float64Array(buffer, layout.sums, 1)[0]], [loss], 'squared error');
    });
  }
});

describe('the kernel\'s fused multiply-adds (relaxed SIMD) and its plain form', () => {
  it('this runtime compiles the multiply-add kernel (Node 20: behind the flag kernel.ts sets)', () => {
    expect(kernelUsesFusedMultiplyAdd()).toBe(true);
  });

  it('the plain form writes each multiply-add as a multiply and an add, nested ones too', () => {
    const wat = '(local.set $x (f32x4.relaxed_madd (local.get $a) (f32x4.relaxed_nmadd (local.get $b) (local.get $c) (local.get $d))\n  (local.get $e)))';
    expect(withoutRelaxedSimd(wat)).toBe(
      '(local.set $x (f32x4.add (local.get $e) (f32x4.mul (local.get $a) (f32x4.sub (local.get $d) (f32x4.mul (local.get $b) (local.get $c))))))');
    expect(() => withoutRelaxedSimd('(f32x4.relaxed_madd $a $b $c)')).toThrow(/takes three parenthesised operands/);
  });
});

describe('the committed fused kernel bytes', () => {
  it('are what fused/kernel.wat compiles to (run `npm run build:wasm` after editing it)', async () => {
    expect(committedKernelModule(FUSED_SOURCE)).toBe(await kernelModuleText(FUSED_SOURCE));
  });
});
