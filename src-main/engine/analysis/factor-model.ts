import type { ParamTensor } from '../types.ts';

/**
 * The learned parameters of a dot / dot+bias model as plain data: what interpretation,
 * recommendation, fold-in and export read. The trainer's exported parameters (`user_factors`,
 * `item_factors`, `user_bias`, `item_bias`) map onto it one to one (factorModelFromParams).
 */
export interface FactorModel {
  /** Latent factors per row. */
  k: number;
  /** nUsers × k, row-major. */
  userFactors: Float32Array;
  /** nItems × k, row-major. */
  itemFactors: Float32Array;
  /** nUsers, or null for the plain dot model. */
  userBias: Float32Array | null;
  /** nItems, or null for the plain dot model. */
  itemBias: Float32Array | null;
  /** prediction = sigmoid(raw) * (hi - lo) + lo when set; raw = dot + biases otherwise. */
  yRange: [number, number] | null;
}

/**
 * The FactorModel view of a trainer's exported parameters (Trainer.exportParams().params) — no
 * copies. The neural models have no per-row factors to read, and are refused with a reason.
 */
export function factorModelFromParams(params: Readonly<Record<string, ParamTensor>>, yRange: [number, number] | null): FactorModel {
  const users = params.user_factors;
  const items = params.item_factors;
  if (!users || !items) {
    throw new Error(`interpretation and export need a dot or dot+bias model (user_factors and item_factors); this one has ${Object.keys(params).join(', ')}`);
  }
  if (users.shape.length !== 2 || items.shape.length !== 2 || users.shape[1] !== items.shape[1]) {
    throw new Error(`user_factors [${users.shape}] and item_factors [${items.shape}] must be [n, k] with the same k`);
  }
  const model: FactorModel = {
    k: users.shape[1],
    userFactors: users.data,
    itemFactors: items.data,
    userBias: params.user_bias?.data ?? null,
    itemBias: params.item_bias?.data ?? null,
    yRange,
  };
  checkFactorModel(model);
  return model;
}

/** One row's parameters: a user's taste, or an item's profile. */
export interface Taste {
  /** k entries. */
  factors: Float32Array;
  /** 0 for the plain dot model. */
  bias: number;
}

export type Side = 'user' | 'item';

export const userRowCount = (m: FactorModel): number => m.userFactors.length / m.k;
export const itemRowCount = (m: FactorModel): number => m.itemFactors.length / m.k;
export const hasBias = (m: FactorModel): boolean => m.userBias !== null;

export const sideFactors = (m: FactorModel, side: Side): Float32Array =>
  side === 'user' ? m.userFactors : m.itemFactors;
export const sideBias = (m: FactorModel, side: Side): Float32Array | null =>
  side === 'user' ? m.userBias : m.itemBias;
export const sideRowCount = (m: FactorModel, side: Side): number => sideFactors(m, side).length / m.k;
export const otherSide = (side: Side): Side => (side === 'user' ? 'item' : 'user');

/** Throws a message naming the inconsistent array, so a bad project file is reported, not crashed on. */
export function checkFactorModel(m: FactorModel): void {
  if (!Number.isInteger(m.k) || m.k < 1) throw new Error(`factor model: k must be a positive integer, got ${m.k}`);
  for (const side of ['user', 'item'] as const) {
    const f = sideFactors(m, side);
    if (f.length % m.k !== 0) {
      throw new Error(`factor model: ${side}_factors has ${f.length} values, not a multiple of k=${m.k}`);
    }
    const b = sideBias(m, side);
    if (b && b.length !== f.length / m.k) {
      throw new Error(`factor model: ${side}_bias has ${b.length} values for ${f.length / m.k} ${side} rows`);
    }
  }
  if ((m.userBias === null) !== (m.itemBias === null)) {
    throw new Error('factor model: user_bias and item_bias must both be present or both absent');
  }
  if (m.yRange && !(m.yRange[1] > m.yRange[0])) {
    throw new Error(`factor model: y_range [${m.yRange.join(', ')}] must have lo < hi`);
  }
}

/** A row's parameters as a view (no copy). */
export function rowTaste(m: FactorModel, side: Side, row: number): Taste {
  const n = sideRowCount(m, side);
  if (!Number.isInteger(row) || row < 0 || row >= n) throw new Error(`${side} row ${row} is outside [0, ${n})`);
  const k = m.k;
  return { factors: sideFactors(m, side).subarray(row * k, row * k + k), bias: sideBias(m, side)?.[row] ?? 0 };
}

/*
 * The prediction, in one place: rating = sigmoid_range(dot(user, item) + user bias + item bias)
 * — what the training graph builds (models/dot-bias.ts), here in TypeScript and float64. The
 * serving model is built by that graph code, and dot-bias.test.ts checks the two agree.
 */

/**
 * The raw score: bias + Σ_f a[ao + f]·b[bo + f] (bias = the user's plus the item's, 0 for the
 * plain dot model), accumulated in float64, biases first. The rows are offsets into their
 * tables, so loops over every item or every rating call it with no views or closures.
 */
export function biasedDot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, k: number, bias: number): number {
  let s = bias;
  for (let f = 0; f < k; f++) s += a[ao + f] * b[bo + f];
  return s;
}

/** fastai's sigmoid_range on a number: lo + (hi − lo)·sigmoid(x), into (lo, hi). */
export const sigmoidRange = (x: number, lo: number, hi: number): number => (hi - lo) / (1 + Math.exp(-x)) + lo;

/** Maps the raw score (dot + biases) to the model's rating scale. */
export function toRating(m: FactorModel, raw: number): number {
  return m.yRange ? sigmoidRange(raw, m.yRange[0], m.yRange[1]) : raw;
}

/**
 * Raw score (dot + biases) of a taste against row `row` of `rowSide`: a user's taste against an
 * item row by default, or a new item's profile against a user row.
 */
export function rawScore(m: FactorModel, taste: Taste, row: number, rowSide: Side = 'item'): number {
  return biasedDot(taste.factors, 0, sideFactors(m, rowSide), row * m.k, m.k, taste.bias + (sideBias(m, rowSide)?.[row] ?? 0));
}

/** The model's predicted rating for (user row, item row). */
export function predictRating(m: FactorModel, user: number, item: number): number {
  return toRating(m, rawScore(m, rowTaste(m, 'user', user), item));
}

/** Raw scores (dot + biases) of a taste against every item: one pass over the item table. */
export function scoreAllItems(m: FactorModel, taste: Taste): Float32Array {
  const { k, itemFactors, itemBias } = m;
  const out = new Float32Array(itemRowCount(m));
  for (let i = 0; i < out.length; i++) out[i] = biasedDot(taste.factors, 0, itemFactors, i * k, k, taste.bias + (itemBias ? itemBias[i] : 0));
  return out;
}

/** Predicted ratings of a taste for every item, on the model's scale (a new row of the grid). */
export function predictAllItems(m: FactorModel, taste: Taste): Float32Array {
  return scoreAllItems(m, taste).map((raw) => toRating(m, raw));
}
