/**
 * A run's settings in words (issue 12 item 1): each setting one short phrase ("k 5", "lr 0.005",
 * "no y_range"), in the Runs panel's order. The panel's legend shows the phrases that differ
 * between the picked runs, so they are made here once, beside the settings they describe, and the
 * renderer only compares them.
 */
import type { RunWord, SessionSettings, TrainConfig } from '../contract.ts';

/** Three significant digits, without trailing zeros: 0.005, 1e-7, 0.0123. */
export const shortNumber = (x: number): string => String(Number(x.toPrecision(3)));

export function runWords(config: TrainConfig, split: Pick<SessionSettings, 'validPct' | 'splitSeed'>): RunWord[] {
  const { model, optim } = config;
  const word = (key: string, text: string): RunWord => ({ key, text });
  const words = [word('model', model.kind), word('k', `k ${model.factors}`), word('optimizer', optim.optimizer)];
  // L-BFGS chooses its own steps: its lr, schedule and batch size mean nothing.
  if (optim.optimizer !== 'lbfgs') words.push(word('lr', `lr ${shortNumber(optim.lr)}`), word('schedule', optim.schedule));
  words.push(word('wd', `wd ${shortNumber(optim.wd)}${optim.wd > 0 && optim.wdMode === 'l2' ? ' (L2)' : ''}`), word('epochs', `${config.epochs} epochs`));
  if (optim.optimizer !== 'lbfgs') words.push(word('batch', config.batchSize === 'full' ? 'full batch' : `batch ${config.batchSize}`));
  words.push(word('yRange', model.yRange ? `y_range ${model.yRange[0]}–${model.yRange[1]}` : 'no y_range'));
  if (model.kind === 'nn') words.push(word('layers', `layers ${model.layers.join('-') || 'none'}`), word('dropout', `dropout ${shortNumber(model.dropout)}`));
  words.push(
    word('init', model.init),
    word('seed', `seed ${config.seed}`),
    word('valid', split.validPct > 0 ? `valid ${shortNumber(split.validPct * 100)}% (seed ${split.splitSeed})` : 'no validation split'),
  );
  return words;
}

/** The default name: what a person says of the run first ("dotbias k 5 adam lr 0.005"). */
export function runName(words: readonly RunWord[]): string {
  const named = new Set(['model', 'k', 'optimizer', 'lr']);
  return words.filter((w) => named.has(w.key)).map((w) => w.text).join(' ');
}
