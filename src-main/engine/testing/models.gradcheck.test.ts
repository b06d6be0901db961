/**
 * Every model's generated backward graph against central finite differences in float64 — the
 * same builders the trainer uses, built in double precision. Embedding gradients come out as the
 * looked-up rows and are summed per table row (duplicates included) before the comparison.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../data/random.ts';
import type { ModelConfig } from '../types.ts';
import { buildModelGraph, defineModel, rowSize } from '../models/index.ts';
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

describe('every model backward matches finite differences (float64, 1e-5 relative)', () => {
  for (const [name, config] of Object.entries(configs)) {
    it(name, () => {
      const rand = mulberry32(7);
      const { definition } = defineModel(config, { users: USERS, items: ITEMS, ratings: Float32Array.from(batchRatings) });
      const m = buildModelGraph(definition, 'float64', 'train');
      const b = m.builder;
      const feeds = new Map<Value, TensorArray>([[b.users, batchUsers], [b.items, batchItems], [b.ratings, batchRatings]]);
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
