/** Train a fresh model to the end of its epoch budget: what benchmarks and scripts need. */
import type { RatingsDataset } from '../../data/dataset.ts';
import { type Fit, createTrainer } from './trainer.ts';
import type { EpochMetrics, StopReason, TrainConfig } from '../types.ts';

export interface FitResult {
  epochs: EpochMetrics[];
  stopped: StopReason | null;
  /** Sum of the epochs' seconds (training and per-epoch metrics; not session creation). */
  trainSeconds: number;
  /** Seconds to build the graphs and create the sessions. */
  setupSeconds: number;
  final: Fit;
}

export async function fitToEnd(
  train: RatingsDataset, valid: RatingsDataset | null, config: TrainConfig, onEpoch?: (m: EpochMetrics) => void,
): Promise<FitResult> {
  const t0 = performance.now();
  const trainer = await createTrainer(train, valid, config);
  const setupSeconds = (performance.now() - t0) / 1000;
  try {
    const epochs: EpochMetrics[] = [];
    let stopped: StopReason | null = null;
    while (!stopped && trainer.epochsDone < config.epochs) {
      const r = await trainer.runEpoch();
      if (r.metrics) {
        epochs.push(r.metrics);
        onEpoch?.(r.metrics);
      }
      stopped = r.stopped;
    }
    const trainSeconds = epochs.reduce((s, m) => s + m.seconds, 0);
    return { epochs, stopped, trainSeconds, setupSeconds, final: trainer.evaluate() };
  } finally {
    await trainer.dispose();
  }
}
