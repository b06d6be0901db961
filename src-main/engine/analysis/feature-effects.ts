/**
 * What a neural model learned about one value of an item feature (issue 15 item 4: "what the
 * model learned about Sci-Fi"): for each movie that has the value, how far its mean predicted
 * rating over the given users moves when the value is taken from it (its other values kept; none
 * left: unknown). Measured through the network rather than read off the value's embedding: the
 * feature embeddings are concatenated beside the id embeddings (8 numbers for genres beside 102
 * for a movie on ml-100k), not added to them, so they share no basis a map could project both on.
 */
import { type ModelFeatures, type SideFeatureSet } from '../models/index.ts';

/** The trainer, as far as this needs it. */
export interface FeaturePredictor {
  readonly features: ModelFeatures | null;
  setFeatures(features: ModelFeatures): void;
  predict(users: Int32Array, items: Int32Array): Float32Array;
}

export interface ValueEffect {
  item: number;
  /** Mean prediction with the value minus without it: positive, the value raises the movie's predictions. */
  effect: number;
}

/** The set with vocabulary code `code` of column `name` taken from `rows` (a multi-valued column's weights renormalised). */
export function withoutValue(set: SideFeatureSet, name: string, code: number, rows: readonly number[]): SideFeatureSet {
  const columns = set.columns.map((c) => {
    if (c.name !== name) return c;
    if (c.kind === 'categorical') {
      const codes = c.codes.slice();
      for (const r of rows) if (codes[r] === code) codes[r] = 0;
      return { ...c, codes };
    }
    if (c.kind !== 'multi') throw new Error(`feature ${c.name} is numeric: it has no values to take away`);
    const codes = c.codes.slice();
    const weights = c.weights.slice();
    for (const r of rows) {
      const at = r * c.width;
      const kept = Array.from(codes.subarray(at, at + c.width)).filter((k, j) => weights[at + j] > 0 && k !== code);
      codes.fill(0, at, at + c.width);
      weights.fill(0, at, at + c.width);
      if (kept.length === 0) weights[at] = 1; // nothing left: unknown
      kept.forEach((k, j) => { codes[at + j] = k; weights[at + j] = 1 / kept.length; });
    }
    return { ...c, codes, weights };
  });
  if (columns.every((c, i) => c === set.columns[i])) throw new Error(`no ${set.side} feature named ${name}`);
  return { ...set, columns };
}

/** The items whose feature `name` holds `code`. */
export function itemsWithValue(set: SideFeatureSet, name: string, code: number): number[] {
  const c = set.columns.find((col) => col.name === name);
  if (!c || c.kind === 'numeric') throw new Error(`no categorical or multi-valued ${set.side} feature named ${name}`);
  const rows: number[] = [];
  for (let r = 0; r < set.rows; r++) {
    const has = c.kind === 'categorical' ? c.codes[r] === code : c.codes.subarray(r * c.width, (r + 1) * c.width).some((k, j) => k === code && c.weights[r * c.width + j] > 0);
    if (has) rows.push(r);
  }
  return rows;
}

/**
 * Each item with the value, its effect over `users`, largest |effect| first. The model's
 * features are put back as they were, also when prediction fails.
 */
export function itemValueEffects(model: FeaturePredictor, name: string, code: number, users: Int32Array): ValueEffect[] {
  const features = model.features;
  if (!features?.item) throw new Error('the model takes no item features');
  const items = itemsWithValue(features.item, name, code);
  const meanOf = () => items.map((i) => model.predict(users, new Int32Array(users.length).fill(i)).reduce((a, b) => a + b, 0) / users.length);
  const withIt = meanOf();
  model.setFeatures({ ...features, item: withoutValue(features.item, name, code, items) });
  try {
    const without = meanOf();
    return items.map((item, n) => ({ item, effect: withIt[n] - without[n] })).sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  } finally {
    model.setFeatures(features);
  }
}
