/**
 * `collabsheet lr-find`: read and split the ratings as `train` does, build the trainer for the
 * flags' model and optimizer, sweep the learning rate (engine/train/lr-find.ts) and report the
 * curve — a short table for people, every batch as a JSON line for machines — and the
 * suggestions.
 */
import { type LrFindResult, type LrPoint, lrFind } from '../engine/train/lr-find.ts';
import { createTrainer } from '../engine/train/trainer.ts';
import { configWarnings, type LrFindCommand } from './args.ts';
import { loadDatasets } from './datasets.ts';
import { type Column, fixed, formatHeader, formatRow } from './table.ts';
import type { Output } from './train-command.ts';

const COLUMNS: Column[] = [
  { header: 'batch', width: 5, align: 'right' },
  { header: 'lr', width: 9, align: 'right' },
  { header: 'loss', width: 9, align: 'right' },
  { header: 'smoothed', width: 9, align: 'right' },
];

/** The table shows about this many of the sweep's batches (and always its last). */
const TABLE_ROWS = 20;

/** Three significant digits in JavaScript's own notation (0.0229, 6.31e-7): what --lr takes back. */
const short = (x: number): string => String(Number(x.toPrecision(3)));

const row = (batch: number, p: LrPoint) => formatRow(COLUMNS, [String(batch), p.lr.toExponential(2), fixed(p.loss), fixed(p.smoothed)]);

/** Runs the command; resolves to the process exit code. */
export async function runLrFind(cmd: LrFindCommand, io: Output, signal?: AbortSignal): Promise<number> {
  const { train, valid, notes } = await loadDatasets(cmd.ratings, cmd.valid, cmd.validPct, cmd.splitSeed);
  for (const w of configWarnings(cmd.config)) io.err(`warning: ${w}`);
  if (!cmd.json) for (const n of notes) io.out(n);

  const trainer = await createTrainer(train, valid, cmd.config);
  if (trainer.deviceNotice) io.err(`warning: ${trainer.deviceNotice.replace('device cpu', '--device cpu')}`);
  const every = Math.ceil(cmd.numIt / TABLE_ROWS);
  let shown = 0;
  let last: LrPoint | null = null;
  let result: LrFindResult;
  try {
    if (!cmd.json) io.out(formatHeader(COLUMNS));
    result = await lrFind(trainer, {
      startLr: cmd.startLr,
      endLr: cmd.endLr,
      numIt: cmd.numIt,
      shouldStop: () => signal?.aborted ?? false,
      onPoint: (p) => {
        shown++;
        last = p;
        if (cmd.json) io.out(JSON.stringify({ lr: p.lr, loss: p.loss, smoothed: p.smoothed }));
        else if ((shown - 1) % every === 0) io.out(row(shown, p));
      },
    });
  } finally {
    await trainer.dispose();
  }
  if (!cmd.json && last && (shown - 1) % every !== 0) io.out(row(shown, last));

  const { suggestions: s, stoppedAt } = result;
  if (cmd.json) {
    io.out(JSON.stringify({
      suggestions: { valley: s.valley, steep: s.steep, minimum: s.minimum },
      stopped_at: stoppedAt, stopped: result.stopped, iterations: result.points.length,
    }));
  } else {
    io.out(endLine(result, cmd.numIt));
    const lr = (x: number | null) => (x === null ? '- (too few batches to read one)' : short(x));
    io.out(`suggested learning rates: valley ${lr(s.valley)} (fastai's default), steep ${lr(s.steep)}, minimum/10 ${lr(s.minimum)}`);
    if (s.valley !== null) io.out(`try: collabsheet train ${cmd.ratings} --lr ${short(s.valley)} (with the same options)`);
  }
  return result.stopped === 'cancelled' ? 130 : 0;
}

function endLine(r: LrFindResult, numIt: number): string {
  const at = r.stoppedAt === null ? '' : short(r.stoppedAt);
  switch (r.stopped) {
    case null: return `ran all ${numIt} batches without the loss diverging (a higher --end-lr would show where it does)`;
    case 'diverged': return `stopped at batch ${r.points.length}, lr ${at}: the smoothed loss passed 4× its best`;
    case 'not-finite': return `stopped at batch ${r.points.length + 1}, lr ${at}: the loss became infinite or NaN`;
    case 'cancelled': return `cancelled at batch ${r.points.length}, lr ${at}`;
  }
}
