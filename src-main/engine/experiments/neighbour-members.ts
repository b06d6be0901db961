/**
 * The tune's kNN blend members (engine/neighbours): item and user kNN on baseline residuals,
 * fitted once each (no epochs, no seed: the same data gives the same model), judged on the
 * validation split like a run. They are not runs — no TrainConfig, no factors — so they are
 * blend members only: `collabsheet train` cannot retrain one (the tune prints its settings
 * instead), and the app's blends, which open in the sheet and export as one ONNX serving model
 * from their members' factors or networks, are fitted without them (an ONNX form would need
 * the items × items similarity table and every user's residuals as tensors and a TopK over the
 * user's rated items — not built).
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { rmse } from '../metrics.ts';
import { KNN_DEFAULTS, type KnnSettings, fitKnn, knnUnsupported, predictKnn } from '../neighbours/knn.ts';
import type { CostModel } from './cost.ts';

export interface NeighbourMember {
  /** 'knn-item' or 'knn-user': blend members are named by id beside the runs' 'r1', 'r2', … */
  id: string;
  label: string;
  settings: KnnSettings;
  validRmse: number;
  seconds: number;
  validPredictions: Float32Array;
}

const ORIENTATIONS: readonly KnnSettings['by'][] = ['item', 'user'];

/** What fitting the members costs, from Σ n² over the rows whose pairs are summed and the table's cells. */
export function estimateNeighbourSeconds(train: RatingsDataset, cost: CostModel): number {
  let total = 0;
  for (const by of ORIENTATIONS) {
    if (knnUnsupported(train, by)) continue;
    const rows = by === 'item' ? train.users : train.items;
    const counts = new Float64Array(by === 'item' ? train.userIds.length : train.itemIds.length);
    for (let r = 0; r < rows.length; r++) counts[rows[r]]++;
    const pairs = counts.reduce((s, n) => s + n * n, 0);
    const size = by === 'item' ? train.itemIds.length : train.userIds.length;
    total += pairs * cost.knnPairSeconds + size * size * cost.knnCellSeconds;
  }
  return total;
}

/** Each orientation the data allows, in turn, until shouldStop. */
export function fitNeighbourMembers(train: RatingsDataset, valid: RatingsDataset, shouldStop: () => boolean): NeighbourMember[] {
  const members: NeighbourMember[] = [];
  for (const by of ORIENTATIONS) {
    if (shouldStop() || knnUnsupported(train, by)) continue;
    const started = performance.now();
    const settings = { ...KNN_DEFAULTS, by };
    const validPredictions = predictKnn(fitKnn(train, settings), valid.users, valid.items);
    members.push({
      id: `knn-${by}`, label: `${by} kNN`, settings, validPredictions,
      validRmse: rmse(validPredictions, valid.ratings), seconds: (performance.now() - started) / 1000,
    });
  }
  return members;
}

/** The member's settings in one line, for the CLI's blend listing. */
export function describeNeighbourMember(m: Pick<NeighbourMember, 'settings'>): string {
  const s = m.settings;
  return `${s.by} kNN on baseline residuals: ${s.neighbours} neighbours, shrink ${s.shrink}, bias λ ${s.itemBiasReg} (items) ${s.userBiasReg} (users), ` +
    `λ_d ${s.weightReg} — fitted by the tune (not a collabsheet train run; no ONNX serving form)`;
}
