import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FactorModel, predictAllItems, predictRating, rowTaste } from '../../engine/analysis/factor-model.ts';
import { plantedModel } from '../../engine/analysis/testing/planted-model.ts';
import { topN } from '../../engine/analysis/top-n.ts';
import { createSession, tensor } from '../../engine/runtime/session.ts';
import { renderEmbeddings } from './export-embeddings.ts';
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

/**
 * Runs the serving model in ONNX Runtime (1 thread) on users and (user, item) pairs; `rated`:
 * (position in `users`, item) pairs top_k leaves out.
 */
function serve(bytes: Uint8Array, users: number[], pairs: [number, number][], rated: [number, number][] = []) {
  const session = createSession(bytes, { threads: 1, device: 'cpu' });
  try {
    const out = session.run(
      {
        user_ids: ids(users),
        rated_rows: ids(rated.map((r) => r[0])),
        rated_items: ids(rated.map((r) => r[1])),
        pair_users: ids(pairs.map((p) => p[0])),
        pair_items: ids(pairs.map((p) => p[1])),
      },
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
      expect(out.inputs).toEqual(['user_ids', 'rated_rows', 'rated_items', 'pair_users', 'pair_items']);
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

  // Issue 13 item 8: the serving model's top-k leaves out what the user already rated, in one pass.
  it("top_k leaves out each user's rated items, and is the app's ranking of the unrated ones", () => {
    const model = variants[0][1];
    const unmasked = serve(buildServingModel(model, { topK: 7 }), users, []);
    // Each user has rated their own first three picks (what an unmasked top-k would return) and
    // a few others; user 7's list is given twice (a repeat counts once).
    const rated: [number, number][] = users.flatMap((_, n) => [
      ...unmasked.topIndices.slice(n * 7, n * 7 + 3).map((i): [number, number] => [n, i]),
      [n, 0], [n, 150],
    ]);
    rated.push([1, unmasked.topIndices[7]]);
    const out = serve(buildServingModel(model, { topK: 7 }), users, [], rated);
    expect(Array.from(out.scores)).toEqual(Array.from(unmasked.scores)); // scores stay every item's
    users.forEach((_, n) => {
      const seen = new Set(rated.filter((r) => r[0] === n).map((r) => r[1]));
      const picks = out.topIndices.slice(n * 7, (n + 1) * 7);
      for (const i of picks) expect(seen.has(i)).toBe(false);
      // The app's ranking with the rated items taken away: the same items, the same scores.
      const row = out.scores.slice(n * 300, (n + 1) * 300);
      for (const i of seen) row[i] = -Infinity;
      const want = topN(row, 7);
      expect(picks).toEqual(Array.from(want.indices));
      expect(Array.from(out.topScores.subarray(n * 7, (n + 1) * 7))).toEqual(Array.from(want.scores, Math.fround));
    });
  });

  it('on a whole sheet: the exported model.onnx, fed every rating, never recommends a rated movie', () => {
    const { data, model } = plantedModel({ users: 40, items: 60, ratings: 1500, rank: 4, noise: 0.3, seed: 8 });
    const onnx = renderEmbeddings(model, data, 'onnx', { topK: 10 }).find((f) => f.name === 'model.onnx')!;
    const everyone = Array.from({ length: 40 }, (_, u) => u);
    // Users are fed in their own order, so a rating's batch position is its user code.
    const rated = Array.from(data.users, (u, n): [number, number] => [u, data.items[n]]);
    const out = serve(onnx.bytes, everyone, [], rated);
    const ratedBy = everyone.map((u) => new Set(rated.filter((r) => r[0] === u).map((r) => r[1])));
    let picks = 0;
    everyone.forEach((u) => {
      for (const i of out.topIndices.slice(u * 10, (u + 1) * 10)) {
        expect(ratedBy[u].has(i)).toBe(false);
        if (i >= 0) picks++;
      }
    });
    // Each of the 40 users rated ~38 of 60 movies: every list still has 10 unrated picks.
    expect(picks).toBe(400);
    expect(Math.max(...ratedBy.map((r) => r.size))).toBeLessThanOrEqual(50);
  });

  it('a user who rated all but two of the items gets those two, then −1 (no item)', () => {
    const small = plantedModel({ users: 3, items: 5, ratings: 12, rank: 2, noise: 0.1, seed: 2 }).model;
    const out = serve(buildServingModel(small, { topK: 4 }), [2, 0], [], [[0, 0], [0, 3], [0, 4]]);
    const first = out.topIndices.slice(0, 4);
    expect([...first.slice(0, 2)].sort()).toEqual([1, 2]);
    expect(first.slice(2)).toEqual([-1, -1]);
    expect(Array.from(out.topScores.subarray(2, 4))).toEqual([-Infinity, -Infinity]);
    // The second user rated nothing: every one of their four picks is an item.
    expect(out.topIndices.slice(4).every((i) => i >= 0)).toBe(true);
  });

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
