/**
 * Every model's generated backward graph against central finite differences in float64 — the
 * same builders the trainer uses, built in double precision. Embedding gradients come out as the
 * looked-up rows and are summed per table row (duplicates included) before the comparison.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../data/random.ts';
import type { ModelConfig } from '../types.ts';
import type { Feature } from '../../data/import/features.ts';
import { COUNT_TERM_PARAMS, type ModelFeatures, buildModelGraph, defineModel, encodeFeatures, featureTensors, rowSize, withItemCounts } from '../models/index.ts';
import type { TensorArray } from '../runtime/session.ts';
import type { Value } from '../graph/index.ts';
import { gradcheck } from './gradcheck.ts';

const USERS = 4;
const ITEMS = 5;
// Duplicate users and items in one batch: their gradient rows must add up.
const batchUsers = Int32Array.from([0, 3, 1, 0, 2, 3, 0]);
const batchItems = Int32Array.from([4, 4, 0, 2, 1, 3, 4]);
const batchRatings = Float64Array.from([4, 3, 1, 5, 2, 4, 5]);

const base: ModelConfig = { kind: 'dot', factors: 3, yRange: null, init: 'trunc-normal', layers: [6], dropout: 0 };
const configs: Record<string, ModelConfig> = {
  dot: base,
  'dot + sigmoid_range': { ...base, yRange: [0, 5.5] },
  dotbias: { ...base, kind: 'dotbias' },
  'dotbias + sigmoid_range': { ...base, kind: 'dotbias', yRange: [0, 5.5] },
  nn: { ...base, kind: 'nn', yRange: [0, 5.5], layers: [6, 5] },
  'nn + dropout': { ...base, kind: 'nn', yRange: [0, 5.5], layers: [6], dropout: 0.4 },
  classes: { ...base, kind: 'classes', layers: [6] },
};

/**
 * Issue 15 item 2: side features of every kind — a categorical code (occupation), a multi-valued
 * one averaged over a padded width (genres; item 4 has none, item 3 one, item 0 three), numbers
 * with an unknown (year of item 2, age of user 1).
 */
const vocabulary = (n: number) => ['(unknown)', ...Array.from({ length: n - 1 }, (_, k) => `v${k}`)];
const userFeatures: Feature[] = [
  { kind: 'categorical', name: 'occupation', unknown: 0, vocabulary: vocabulary(3), codes: Int32Array.from([1, 2, 0, 1]) },
  { kind: 'numeric', name: 'age', unknown: 1, values: Float32Array.from([20, NaN, 40, 31]), mean: 30, std: 8 },
];
const itemFeatures: Feature[] = [
  { kind: 'multi', name: 'genres', unknown: 1, vocabulary: vocabulary(4), offsets: Int32Array.from([0, 3, 5, 6, 7, 8]), codes: Int32Array.from([1, 2, 3, 2, 3, 1, 3, 0]) },
  { kind: 'numeric', name: 'year', unknown: 1, values: Float32Array.from([1990, 1995, NaN, 1970, 2000]), mean: 1990, std: 10 },
];
const features: ModelFeatures = { user: encodeFeatures('user', userFeatures, USERS), item: encodeFeatures('item', itemFeatures, ITEMS) };
const featureConfigs: Record<string, ModelConfig> = {
  'nn + side features': configs.nn,
  'nn + side features + dropout': configs['nn + dropout'],
  'classes + side features': configs.classes,
};
/** The trainer's item gate and counts (withItemCounts): item 4 unrated (gate 0), the others in (0, 1); the count terms' parameters are checked too. */
const trainItems = Int32Array.from([0, 0, 1, 2, 2, 2, 3, 1, 0, 3]);
const gatedFeatures: ModelFeatures = withItemCounts(features, trainItems, ITEMS);
/** The neural model without features as the trainer feeds it: the item counts alone (no gate, no columns). */
const countsAlone: ModelFeatures = withItemCounts(null, trainItems, ITEMS);

describe('every model backward matches finite differences (float64, 1e-5 relative)', () => {
  const cases = [
    ...Object.entries(configs).map(([name, config]) => [name, config, null] as const),
    ...Object.entries(featureConfigs).map(([name, config]) => [name, config, features] as const),
    ['nn + side features + item gate and counts', configs.nn, gatedFeatures] as const,
    ['nn + item counts, no features', configs.nn, countsAlone] as const,
  ];
  for (const [name, config, side] of cases) {
    it(name, () => {
      const rand = mulberry32(7);
      const { definition } = defineModel(config, { users: USERS, items: ITEMS, ratings: Float32Array.from(batchRatings), features: side });
      const m = buildModelGraph(definition, 'float64', 'train');
      const b = m.builder;
      const feeds = new Map<Value, TensorArray>([[b.users, batchUsers], [b.items, batchItems], [b.ratings, batchRatings]]);
      const tables = new Map([side?.user, side?.item].flatMap((set) => (set ? featureTensors(set) : [])).map((t) => [t.name, t]));
      expect(b.tables.length).toBe(tables.size);
      for (const { name: table, input } of b.tables) {
        const t = tables.get(table)!;
        feeds.set(input, t.type === 'int' ? t.data : Float64Array.from(t.data));
      }
      for (const { spec, input } of b.masks) {
        // A fixed inverted-dropout mask with both kept and dropped units.
        feeds.set(input, Float64Array.from({ length: batchUsers.length * spec.width }, () => (rand() < spec.p ? 0 : 1 / (1 - spec.p))));
      }
      for (const { spec, input } of b.params) {
        const rows = spec.lookup === 'user' ? USERS : spec.lookup === 'item' ? ITEMS : 1;
        // Scale 0.5, not fastai's 0.01: tiny weights give tiny gradients that test nothing.
        feeds.set(input, Float64Array.from({ length: rows * rowSize(spec) }, () => (rand() - 0.5)));
      }
      const report = gradcheck({
        loss: m.loss!,
        feeds,
        targets: b.params.map((p, i) => ({
          input: p.input,
          grad: m.grads![i],
          rowsIndexedBy: p.spec.lookup === 'user' ? batchUsers : p.spec.lookup === 'item' ? batchItems : undefined,
        })),
      });
      expect(report.checked).toBeGreaterThan(20);
      expect(report.maxRelError, report.worst).toBeLessThan(1e-5);
    });
  }
});

describe('the neural model without features', () => {
  it('takes the item counts table and has the count terms (their gradients checked above)', () => {
    const { definition } = defineModel(configs.nn, { users: USERS, items: ITEMS, ratings: Float32Array.from(batchRatings), features: countsAlone });
    const b = buildModelGraph(definition, 'float64', 'train').builder;
    expect(b.tables.map((t) => t.name)).toEqual(['item_counts']);
    expect(b.params.map((p) => p.spec.name)).toEqual(expect.arrayContaining([...COUNT_TERM_PARAMS]));
  });
});
