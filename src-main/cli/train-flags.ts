/**
 * A config as `collabsheet train` flags: how sweep and tune print a run so that one command
 * reproduces it. Every setting is written out, defaults included, so the line means the same
 * thing if a default changes; parseTrainArgs reads it back to the same config.
 */
import type { RunEngine } from '../engine/experiments/run.ts';
import { FUSED_RUN_WORKERS } from '../engine/fused/config.ts';
import type { TrainConfig } from '../engine/types.ts';
import type { TrainCommand } from './args.ts';

export function trainFlags(c: TrainConfig): string[] {
  const { model: m, optim: o } = c;
  const flags = [
    '--model', m.kind, '--factors', String(m.factors), '--y-range', m.yRange === null ? 'none' : m.yRange.join(','),
    '--init', m.init, '--layers', m.layers.join(','), '--dropout', String(m.dropout),
    '--optimizer', o.optimizer, '--lr', String(o.lr), '--wd', String(o.wd), '--wd-mode', o.wdMode, '--schedule', o.schedule,
    ...(o.updates === undefined ? [] : ['--updates', o.updates]),
    '--epochs', String(c.epochs), '--bs', String(c.batchSize), '--seed', String(c.seed), '--threads', String(c.threads),
    '--device', c.device, '--patience', String(c.earlyStopPatience),
  ];
  // An empty --layers is not a value train takes; no layers is only meaningful for dot/dotbias, which ignore them.
  if (m.layers.length === 0) flags.splice(flags.indexOf('--layers'), 2);
  return flags;
}

/**
 * The whole `collabsheet train` line for a config trained on this command's data and split, in
 * the engine it trained in: a fused run names its engine and its one thread (run.ts), and its
 * lr and wd are then the per-rating optimizer's (given, so train keeps them).
 */
export function trainCommandLine(data: Pick<TrainCommand, 'ratings' | 'valid' | 'validPct' | 'splitSeed'>, c: TrainConfig, engine: RunEngine = 'onnx'): string {
  const split = data.valid !== null ? ['--valid', data.valid] : ['--valid-pct', String(data.validPct), '--split-seed', String(data.splitSeed)];
  const engineFlags = engine === 'fused' ? ['--engine', 'fused', '--cores', String(FUSED_RUN_WORKERS)] : [];
  return ['collabsheet', 'train', data.ratings, ...split, ...trainFlags(c), ...engineFlags].map(shellWord).join(' ');
}

/** Quoted for a POSIX shell when it holds anything but safe characters. */
const shellWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`);
