/**
 * `collabsheet train` and `collabsheet export`: read ratings, split or pair them with a
 * validation file, train with the engine's trainer and report each epoch — as a table for people
 * or JSON lines for machines — then write the parameters (train --out: CSV; export: the chosen
 * formats).
 */
import { COLD_ITEM_MAX_RATINGS } from '../engine/analysis/cold-items.ts';
import type { EpochMetrics, StopReason } from '../engine/types.ts';
import { CLI_ENGINE_WORDS, configWarnings, type TrainCommand } from './args.ts';
import { loadDatasets } from './datasets.ts';
import { chooseEngine } from '../engine/engine-choice.ts';
import { FusedArena, fusedUnsupported } from '../engine/fused/index.ts';
import { type RatingsDataset, withPlainColumns } from '../data/dataset.ts';
import { runOnEngine } from './engine-run.ts';
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

/** Runs the command; resolves to the process exit code. */
export async function runTrain(cmd: TrainCommand, io: Output, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  // Where the fused engine may train, the import writes into its memory (one copy of the ratings).
  const arena = cmd.engine !== 'onnx' && !fusedUnsupported(cmd.config) ? new FusedArena() : undefined;
  const loaded = await loadDatasets(cmd.ratings, cmd.valid, cmd.validPct, cmd.splitSeed, arena);
  const { notes } = loaded;
  for (const w of configWarnings(cmd.config)) io.err(`warning: ${w}`);
  // Read before training, so a bad features file fails fast.
  const side = await readSideFeatures(cmd, loaded.train, cmd.config.model.kind);
  if (!cmd.json) for (const n of [...notes, ...side.notes]) io.out(n);

  const choice = chooseEngine(cmd.config, loaded.train.ratings.length, cmd.engine, CLI_ENGINE_WORDS);
  // ONNX Runtime after all (small data): its tensors cannot be over shared memory.
  const onnxOwn = (d: RatingsDataset) => (arena && choice.engine === 'onnx' ? withPlainColumns(d) : d);
  const train = onnxOwn(loaded.train);
  const valid = loaded.valid && onnxOwn(loaded.valid);
  if (!cmd.json) {
    io.out(`engine: ${choice.engine} (${choice.reason})`);
    io.out(formatHeader(COLUMNS));
  }
  const run = await runOnEngine(choice.engine, cmd, train, valid, {
    onEpoch: (m) => io.out(epochLine(m, cmd.json)),
    warn: (line) => io.err(`warning: ${line}`),
    ...(signal ? { signal } : {}),
    ...(side.features ? { features: side.features } : {}),
    ...(arena ? { arena } : {}),
  });
  const { stopped, cold } = run;
  // Written before the done line, so with --json it can list the files.
  const files = cmd.out === null ? null : await writeParams(cmd.out, run.params, cmd.config, train, cmd.formats ?? ['csv'], side.features);
  const seconds = (performance.now() - started) / 1000;
  if (cmd.json) {
    io.out(JSON.stringify({
      done: true, engine: choice.engine, epochs: run.epochsDone, train_rmse: run.trainRmse, valid_rmse: run.validRmse,
      cold_valid_rmse: cold?.rmse ?? null, cold_valid_ratings: cold?.ratings ?? 0, cold_item_max_ratings: COLD_ITEM_MAX_RATINGS,
      seconds, ...(stopped ? { stopped: describeStop(stopped) } : {}), ...(files ? { files } : {}), ...side.json,
    }));
  } else {
    if (run.settings) io.out(run.settings);
    io.out(`done: ${run.epochsDone} epochs, train RMSE ${fixed(run.trainRmse)}, valid RMSE ${fixed(run.validRmse)}, ${seconds.toFixed(2)} s` +
      (stopped ? ` (${describeStop(stopped)})` : ''));
    if (valid) io.out(`cold valid (items with ≤ ${COLD_ITEM_MAX_RATINGS} train ratings): ${cold ? `${cold.ratings} ratings, RMSE ${fixed(cold.rmse)}` : 'no ratings'}`);
    if (files) io.out(`wrote ${files.join(', ')}`);
  }
  if (stopped?.kind === 'diverged') {
    io.err(`training diverged: ${stopped.message} (--lr)`);
    return 1;
  }
  return stopped?.kind === 'cancelled' ? 130 : 0;
}
