import type { RatingsDataset } from '../../data/dataset.ts';
import type { FactorModel } from './factor-model.ts';
import { type RowLabel, checkModelFitsData, rowLabel } from './labels.ts';
import { symmetricEigen } from './linalg.ts';
import { type RowStats, rowStats } from './rating-stats.ts';
import { topN } from './top-n.ts';

export interface Pca {
  /** Column means subtracted before projecting (k). */
  mean: Float64Array;
  /** Principal axes, component c is row c (components × k), unit length. */
  axes: Float64Array;
  /** Variance along each axis (eigenvalues of the covariance), largest first. */
  variance: Float64Array;
  /** Share of the total variance per component. */
  varianceRatio: Float64Array;
  /** Coordinates of each input row on the axes (rows × components), row-major. */
  coords: Float64Array;
  components: number;
}

/**
 * PCA of `rows` (n × k, row-major) through the eigen-decomposition of the k×k covariance — the
 * same projection as fastai's `Tensor.pca` (centre, project on the top right-singular vectors).
 * Each axis is signed so that its largest-magnitude loading is positive: eigenvectors have no
 * sign of their own, and a fixed rule keeps charts from flipping between runs.
 */
export function pca(rows: Float32Array, n: number, k: number, components: number): Pca {
  if (n < 2) throw new Error(`PCA needs at least 2 rows, got ${n}`);
  const c = Math.min(components, k);
  const mean = new Float64Array(k);
  for (let r = 0; r < n; r++) for (let f = 0; f < k; f++) mean[f] += rows[r * k + f];
  for (let f = 0; f < k; f++) mean[f] /= n;
  const cov = new Float64Array(k * k);
  const centred = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < k; f++) centred[f] = rows[r * k + f] - mean[f];
    for (let a = 0; a < k; a++) {
      const x = centred[a];
      for (let b = a; b < k; b++) cov[a * k + b] += x * centred[b];
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) cov[b * k + a] = cov[a * k + b] /= n - 1;
  }
  const eig = symmetricEigen(cov, k);
  let total = 0;
  for (let i = 0; i < k; i++) total += Math.max(0, eig.values[i]);
  const axes = eig.vectors.slice(0, c * k);
  for (let comp = 0; comp < c; comp++) {
    let big = 0;
    for (let f = 0; f < k; f++) if (Math.abs(axes[comp * k + f]) > Math.abs(big)) big = axes[comp * k + f];
    if (big < 0) for (let f = 0; f < k; f++) axes[comp * k + f] = -axes[comp * k + f];
  }
  const variance = eig.values.slice(0, c);
  const varianceRatio = variance.map((v) => (total > 0 ? Math.max(0, v) / total : 0));
  const coords = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    for (let comp = 0; comp < c; comp++) {
      let s = 0;
      for (let f = 0; f < k; f++) s += (rows[r * k + f] - mean[f]) * axes[comp * k + f];
      coords[r * c + comp] = s;
    }
  }
  return { mean, axes, variance, varianceRatio, coords, components: c };
}

export interface PcaPoint extends RowLabel {
  count: number;
  /** Coordinate on each component. */
  coords: number[];
}

export interface ComponentExtremes {
  component: number;
  /** Most negative coordinate first. */
  lowest: PcaPoint[];
  /** Most positive coordinate first. */
  highest: PcaPoint[];
}

/** Plain data (numbers, strings, arrays), so it crosses IPC and JSON unchanged. */
export interface ItemPca {
  /** The analysed items (the most rated, most first) with their coordinates. */
  points: PcaPoint[];
  /** Share of the variance of the analysed item factors along each component. */
  varianceRatio: number[];
  /** fastbook's fac0 / fac1 / fac2 tables: the items at both ends of each component. */
  extremes: ComponentExtremes[];
}

/**
 * PCA of the item factors of the `topItems` most rated items (fastbook ch. 8 uses 1000 and 3
 * components), with the extremes of each component for the interpretation tables.
 */
export function itemFactorPca(
  model: FactorModel,
  data: RatingsDataset,
  options: { topItems?: number; components?: number; extremes?: number; stats?: RowStats } = {},
): ItemPca {
  checkModelFitsData(model, data);
  const stats = options.stats ?? rowStats(data, 'item');
  const k = model.k;
  const chosen = topN(stats.count, options.topItems ?? 1000, { skip: (i) => stats.count[i] === 0 }).indices;
  const rows = new Float32Array(chosen.length * k);
  chosen.forEach((item, r) => rows.set(model.itemFactors.subarray(item * k, item * k + k), r * k));
  const result = pca(rows, chosen.length, k, options.components ?? 3);
  const c = result.components;
  const points = Array.from(chosen, (item, r): PcaPoint => ({
    ...rowLabel(data, 'item', item),
    count: stats.count[item],
    coords: Array.from(result.coords.subarray(r * c, r * c + c)),
  }));
  const nExtremes = options.extremes ?? 10;
  const extremes = Array.from({ length: c }, (_, comp): ComponentExtremes => {
    const along = points.map((p) => p.coords[comp]);
    const pick = (order: 'asc' | 'desc') => Array.from(topN(along, nExtremes, { order }).indices, (r) => points[r]);
    return { component: comp, lowest: pick('asc'), highest: pick('desc') };
  });
  return { points, varianceRatio: Array.from(result.varianceRatio), extremes };
}
