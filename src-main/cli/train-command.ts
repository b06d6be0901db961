/**
 * `collabsheet train` and `collabsheet export`: read ratings, split or pair them with a
 * validation file, train with the engine's trainer and report each epoch — as a table for people
 * or JSON lines for machines — then write the parameters (train --out: CSV; export: the chosen
 * formats).
 */
import { blockWorkerFromSource } from '../engine/train/parallel/from-source.ts';
import { COLD_ITEM_MAX_RATINGS, coldValid } from '../engine/analysis/cold-items.ts';
import { rmse } from '../engine/metrics.ts';
import { createTrainer, type Trainer } from '../engine/train/trainer.ts';
import type { RatingsDataset } from '../data/dataset.ts';
import type { EpochMetrics, StopReason } from '../engine/types.ts';
import { configWarnings, type TrainCommand } from './args.ts';
import { loadDatasets } from './datasets.ts';
import { readSideFeatures } from './side-features.ts';
import { writeParams } from './export-params.ts';
import { type Column, fixed, formatHeader, formatRow } from './table.ts';

/** Where the command writes: stdout carries results (JSON lines with --json), stderr the rest. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const COLUMNS: Column[] = [
  { header: 'epoch', width: 5, align: 'right' },
  { header: 'train_rmse', width: 10, align: 'right' },
  { header: 'valid_rmse', width: 10, align: 'right' },
  { header: 'train_mae', width: 9, align: 'right' },
  { header: 'valid_mae', width: 9, align: 'right' },
  { header: 'lr', width: 9, align: 'right' },
  { header: 'seconds', width: 7, align: 'right' },
];

function epochLine(m: EpochMetrics, json: boolean): string {
  if (json) {
    return JSON.stringify({
      epoch: m.epoch, train_rmse: m.trainRmse, valid_rmse: m.validRmse, lr: m.lr, seconds: m.seconds,
    });
  }
  return formatRow(COLUMNS, [
    String(m.epoch), fixed(m.trainRmse), fixed(m.validRmse), fixed(m.trainMae), fixed(m.validMae),
    m.lr.toExponential(2), m.seconds.toFixed(2),
  ]);
}

function describeStop(s: StopReason): string {
  switch (s.kind) {
    case 'cancelled': return 'cancelled';
    case 'diverged': return `diverged: ${s.message}`;
    case 'early-stopped': return `early-stopped (best epoch ${s.bestEpoch})`;
    case 'converged': return `converged at epoch ${s.epoch}`;
  }
}

/** RMSE on the validation ratings of cold items (cold-items.ts); null without any. */
function coldFit(trainer: Trainer, train: RatingsDataset, valid: RatingsDataset | null): { ratings: number; rmse: number } | null {
  const cold = valid && coldValid(train, valid);
  if (!cold || cold.ratings.length === 0) return null;
  return { ratings: cold.ratings.length, rmse: rmse(trainer.predict(cold.users, cold.items), cold.ratings) };
}

/** Runs the command; resolves to the process exit code. */
export async function runTrain(cmd: TrainCommand, io: Output, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  const { train, valid, notes } = await loadDatasets(cmd.ratings, cmd.valid, cmd.validPct, cmd.splitSeed);
  for (const w of configWarnings(cmd.config)) io.err(`warning: ${w}`);
  // Read before training, so a bad features file fails fast.
  const side = await readSideFeatures(cmd, train, cmd.config.model.kind);
  if (!cmd.json) for (const n of [...notes, ...side.notes]) io.out(n);

  const trainer = await createTrainer(train, valid, cmd.config, {
    ...(cmd.cores === 2 ? { twoCores: { start: blockWorkerFromSource } } : {}),
    ...(side.features ? { features: side.features } : {}),
  });
  if (trainer.deviceNotice) io.err(`warning: ${trainer.deviceNotice.replace('device cpu', '--device cpu')}`);
  let stopped: StopReason | null = null;
  try {
    if (!cmd.json) io.out(formatHeader(COLUMNS));
    while (trainer.epochsDone < cmd.config.epochs && !stopped) {
      const result = await trainer.runEpoch({ shouldStop: () => signal?.aborted ?? false });
      if (result.metrics) io.out(epochLine(result.metrics, cmd.json));
      stopped = result.stopped;
    }
    const final = trainer.evaluate();
    const cold = coldFit(trainer, train, valid);
    // Written before the done line, so with --json it can list the files.
    const files = cmd.out === null ? null : await writeParams(cmd.out, trainer.exportParams().params, cmd.config, train, cmd.formats ?? ['csv'], side.features);
    const seconds = (performance.now() - started) / 1000;
    if (cmd.json) {
      io.out(JSON.stringify({
        done: true, epochs: trainer.epochsDone, train_rmse: final.trainRmse, valid_rmse: final.validRmse,
        cold_valid_rmse: cold?.rmse ?? null, cold_valid_ratings: cold?.ratings ?? 0, cold_item_max_ratings: COLD_ITEM_MAX_RATINGS,
        seconds, ...(stopped ? { stopped: describeStop(stopped) } : {}), ...(files ? { files } : {}), ...side.json,
      }));
    } else {
      io.out(`done: ${trainer.epochsDone} epochs, train RMSE ${fixed(final.trainRmse)}, valid RMSE ${fixed(final.validRmse)}, ${seconds.toFixed(2)} s` +
        (stopped ? ` (${describeStop(stopped)})` : ''));
      if (valid) io.out(`cold valid (items with ≤ ${COLD_ITEM_MAX_RATINGS} train ratings): ${cold ? `${cold.ratings} ratings, RMSE ${fixed(cold.rmse)}` : 'no ratings'}`);
      if (files) io.out(`wrote ${files.join(', ')}`);
    }
  } finally {
    await trainer.dispose();
  }
  if (stopped?.kind === 'diverged') {
    io.err(`training diverged: ${stopped.message} (--lr)`);
    return 1;
  }
  return stopped?.kind === 'cancelled' ? 130 : 0;
}
