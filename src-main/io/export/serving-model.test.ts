import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FactorModel, predictAllItems, predictRating, rowTaste } from '../../engine/analysis/factor-model.ts';
import { plantedModel } from '../../engine/analysis/testing/planted-model.ts';
import { topN } from '../../engine/analysis/top-n.ts';
import { createSession, tensor } from '../../engine/runtime/session.ts';
import { buildServingModel } from './serving-model.ts';
import { pythonWith, runPython } from './testing/python.ts';

const { model: planted } = plantedModel({ users: 40, items: 300, ratings: 3000, rank: 6, noise: 0.3, seed: 3 });
const variants: [string, FactorModel][] = [
  ['dot + bias', planted],
  // fastbook's recipe: biases centred so the sigmoid is not saturated, y_range (0, 5.5).
  ['dot + bias, y_range (0, 5.5)', { ...planted, userBias: planted.userBias!.map((b) => b - 3.5), yRange: [0, 5.5] }],
  ['plain dot', { ...planted, userBias: null, itemBias: null }],
];

const ids = (xs: number[]) => tensor(BigInt64Array.from(xs, BigInt), [xs.length]);

/** Runs the serving model in ONNX Runtime (1 thread) on users and (user, item) pairs. */
function serve(bytes: Uint8Array, users: number[], pairs: [number, number][]) {
  const session = createSession(bytes, { threads: 1, device: 'cpu' });
  try {
    const out = session.run(
      { user_ids: ids(users), pair_users: ids(pairs.map((p) => p[0])), pair_items: ids(pairs.map((p) => p[1])) },
      { scores: null, top_k_indices: null, top_k_scores: null, predictions: null },
    );
    return {
      inputs: session.inputNames,
      scores: out.scores.data as Float32Array,
      scoresDims: out.scores.dims,
      topIndices: Array.from(out.top_k_indices.data as BigInt64Array, Number),
      topDims: out.top_k_indices.dims,
      topScores: out.top_k_scores.data as Float32Array,
      predictions: out.predictions.data as Float32Array,
    };
  } finally {
    session.dispose();
  }
}

describe('ONNX serving model in onnxruntime', () => {
  const users = [0, 7, 39];
  const pairs: [number, number][] = [[0, 0], [7, 299], [39, 150], [12, 42], [12, 42]];
  for (const [name, model] of variants) {
    it(`${name}: scores, predictions and top_k match the app to 1e-5`, () => {
      const out = serve(buildServingModel(model, { topK: 7 }), users, pairs);
      expect(out.inputs).toEqual(['user_ids', 'pair_users', 'pair_items']);
      expect(out.scoresDims).toEqual([3, 300]);
      let worst = 0;
      users.forEach((u, n) => {
        const app = predictAllItems(model, rowTaste(model, 'user', u));
        for (let i = 0; i < 300; i++) worst = Math.max(worst, Math.abs(out.scores[n * 300 + i] - predictRating(model, u, i)));
        // The app's ranking of the same scores (ties to the lower index on both sides).
        const want = topN(out.scores.subarray(n * 300, (n + 1) * 300), 7);
        expect(out.topIndices.slice(n * 7, (n + 1) * 7)).toEqual(Array.from(want.indices));
        expect(Array.from(out.topScores.subarray(n * 7, (n + 1) * 7))).toEqual(Array.from(want.scores, Math.fround));
        // And the app's own ranking of its own predictions picks the same items.
        expect(Array.from(topN(app, 7).indices)).toEqual(Array.from(want.indices));
      });
      pairs.forEach(([u, i], p) => (worst = Math.max(worst, Math.abs(out.predictions[p] - predictRating(model, u, i)))));
      expect(out.topDims).toEqual([3, 7]);
      console.log(`${name}: max |ONNX − app| = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('answers one half with an empty batch for the other', () => {
    const out = serve(buildServingModel(planted), [], [[3, 4]]);
    expect(out.scores.length).toBe(0);
    expect(out.predictions[0]).toBeCloseTo(predictRating(planted, 3, 4), 5);
  });

  it('caps top_k at the item count and rejects nonsense', () => {
    const small = plantedModel({ users: 3, items: 4, ratings: 10, rank: 2, noise: 0.1, seed: 1 }).model;
    const out = serve(buildServingModel(small, { topK: 10 }), [1], []);
    expect(out.topDims).toEqual([1, 4]);
    expect([...out.topIndices].sort()).toEqual([0, 1, 2, 3]);
    expect(() => buildServingModel(small, { topK: 0 })).toThrow(/top_k must be a positive integer, got 0/);
  });
});

describe('ONNX serving model, the onnx checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes onnx.checker.check_model(full_check=True)', (ctx) => {
    const py = pythonWith('onnx');
    if ('reason' in py) {
      console.log(`skipped: ${py.reason} (apt-get install python3-onnx)`);
      ctx.skip();
      return;
    }
    const paths = variants.map(([, model], i) => {
      const path = join(dir, `m${i}.onnx`);
      writeFileSync(path, buildServingModel(model));
      return path;
    });
    const script = `
import sys, onnx
for path in sys.argv[1:]:
    onnx.checker.check_model(onnx.load(path), full_check=True)
print(onnx.__version__)`;
    const version = runPython(py.python, script, paths).trim();
    console.log(`onnx ${version} checker: ${paths.length} serving models pass`);
  });
});
