/**
 * The status bar's line while training: which epoch, how far through it, and an estimate of the
 * time left in it (elapsed / fraction − elapsed). A 25M-rating epoch takes tens of seconds, so the
 * estimate is what tells a user whether to wait or press Stop.
 */
import type { TrainProgress } from '../../src-main/service/contract.ts';

/** Estimates from under this much of an epoch swing too much to show. */
const MIN_FRACTION_FOR_ETA = 0.02;

export function trainingProgressText(p: TrainProgress): string {
  const done = `epoch ${p.epoch} · ${Math.round(p.fraction * 100)}%`;
  if (p.fraction < MIN_FRACTION_FOR_ETA || p.fraction >= 1 || p.elapsedSeconds <= 0) return done;
  const left = p.elapsedSeconds / p.fraction - p.elapsedSeconds;
  return `${done} · ${duration(left)} left in this epoch`;
}

function duration(seconds: number): string {
  if (seconds < 1) return 'under 1 s';
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  return `about ${Math.round(seconds / 60)} min`;
}

/**
 * What the status line says after "epoch N · train … · valid …" when idle (issue 16 item 4): a
 * Solve that stopped on convergence adds " · converged at epoch 69" until the sheet trains on.
 * At the end, where the progress is while training, so the line still starts "Ready · epoch N".
 */
export function idleTail(convergedAtEpoch: number | null, lastEpoch: number | undefined): string {
  return convergedAtEpoch !== null && convergedAtEpoch === lastEpoch ? ` · converged at epoch ${convergedAtEpoch}` : '';
}
