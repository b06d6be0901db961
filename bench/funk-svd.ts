/**
 * The reference every recommender tutorial starts from: biased matrix factorisation trained by
 * per-rating SGD (Simon Funk's SVD as Surprise's SVD implements it), written as a plain TS loop.
 * pred = μ + b_u + b_i + p_u·q_i, each rating nudges b_u, b_i, p_u, q_i along its error.
 * Defaults are Surprise's (k 100, 20 epochs, lr 0.005, reg 0.02, init N(0, 0.1)), so the figure
 * is comparable with Surprise SVD's published one.
 */
import type { RatingsDataset } from '../src-main/data/dataset.ts';
import { mulberry32, normalSampler, shuffleInPlace } from '../src-main/data/random.ts';

export interface FunkSvdOptions {
  factors: number;
  epochs: number;
  lr: number;
  reg: number;
  initStd: number;
  seed: number;
}

export const SURPRISE_SVD: FunkSvdOptions = { factors: 100, epochs: 20, lr: 0.005, reg: 0.02, initStd: 0.1, seed: 42 };

export interface FunkSvdResult {
  trainRmse: number;
  validRmse: number;
  seconds: number;
}

/** Called after each epoch with its training seconds (the valid RMSE is computed outside them). */
export type FunkSvdEpoch = (epoch: number, seconds: number, validRmse: number) => void;

export function funkSvd(train: RatingsDataset, valid: RatingsDataset, o: FunkSvdOptions, onEpoch?: FunkSvdEpoch): FunkSvdResult {
  const started = performance.now();
  const k = o.factors;
  const nUsers = train.userIds.length;
  const nItems = train.itemIds.length;
  const rand = mulberry32(o.seed);
  const normal = normalSampler(rand);
  const P = Float64Array.from({ length: nUsers * k }, () => normal() * o.initStd);
  const Q = Float64Array.from({ length: nItems * k }, () => normal() * o.initStd);
  const bu = new Float64Array(nUsers);
  const bi = new Float64Array(nItems);
  let mu = 0;
  for (const r of train.ratings) mu += r;
  mu /= train.ratings.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of train.ratings) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }

  // Surprise clips predictions to the rating scale; users/items unseen in training get μ + known biases.
  const seenU = new Uint8Array(nUsers);
  const seenI = new Uint8Array(nItems);
  for (let n = 0; n < train.ratings.length; n++) {
    seenU[train.users[n]] = 1;
    seenI[train.items[n]] = 1;
  }
  const rmse = (d: RatingsDataset): number => {
    let se = 0;
    for (let n = 0; n < d.ratings.length; n++) {
      const u = d.users[n];
      const i = d.items[n];
      let pred = mu;
      const knownU = seenU[u] === 1;
      const knownI = seenI[i] === 1;
      if (knownU) pred += bu[u];
      if (knownI) pred += bi[i];
      if (knownU && knownI) for (let f = 0; f < k; f++) pred += P[u * k + f] * Q[i * k + f];
      const e = d.ratings[n] - Math.min(hi, Math.max(lo, pred));
      se += e * e;
    }
    return Math.sqrt(se / d.ratings.length);
  };
  const order = new Int32Array(train.ratings.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const { lr, reg } = o;
  let evalMs = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const epochStart = performance.now();
    shuffleInPlace(order, rand);
    for (let n = 0; n < order.length; n++) {
      const idx = order[n];
      const u = train.users[idx];
      const i = train.items[idx];
      const pu = u * k;
      const qi = i * k;
      let dot = 0;
      for (let f = 0; f < k; f++) dot += P[pu + f] * Q[qi + f];
      const err = train.ratings[idx] - (mu + bu[u] + bi[i] + dot);
      bu[u] += lr * (err - reg * bu[u]);
      bi[i] += lr * (err - reg * bi[i]);
      for (let f = 0; f < k; f++) {
        const p = P[pu + f];
        const q = Q[qi + f];
        P[pu + f] += lr * (err * q - reg * p);
        Q[qi + f] += lr * (err * p - reg * q);
      }
    }
    if (onEpoch) {
      const trained = performance.now();
      onEpoch(epoch + 1, (trained - epochStart) / 1000, rmse(valid));
      evalMs += performance.now() - trained;
    }
  }

  return { trainRmse: rmse(train), validRmse: rmse(valid), seconds: (performance.now() - started - evalMs) / 1000 };
}
