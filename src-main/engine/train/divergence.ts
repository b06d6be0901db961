/**
 * The divergence guard's judgement: is this epoch's fit still training, or has it blown up?
 * Non-finite numbers always have; a finite train RMSE has when it is far above where training
 * started (SGD at lr 100 on the demo sheet climbs 3.5 → 87 → 8,030 → 7e13 before it reaches
 * NaN). The trainer restores the last good parameters either way (trainer.ts, diverge()).
 */
/** An RMSE this many times the yardstick is divergence, not noise. */
export const DIVERGENCE_FACTOR = 10;

/**
 * The yardstick: the train RMSE of the parameters training started from, but never below the
 * ratings' spread (their standard deviation), so that a start fitted almost perfectly (the demo
 * sheet memorised to RMSE 0.07) does not make an ordinary wobble look like divergence.
 */
export class DivergenceGuard {
  private start: number | null = null;
  private spread: number;

  constructor(ratings: Float32Array) {
    this.spread = spreadOf(ratings);
  }

  /** New training ratings: the spread follows them; the start stays (the parameters did not change). */
  setData(ratings: Float32Array): void {
    this.spread = spreadOf(ratings);
  }

  /** The parameters were replaced (reinit, import): the next epoch measures its start again. */
  forgetStart(): void {
    this.start = null;
  }

  get needsStart(): boolean {
    return this.start === null;
  }

  /** The train RMSE before the first epoch from the current parameters. */
  noteStart(trainRmse: number): void {
    this.start = Number.isFinite(trainRmse) ? trainRmse : 0;
  }

  /** What is wrong with an epoch's fit (for the diverged message), or null when it is training. */
  problem(fit: { trainRmse: number; validRmse: number | null }, epoch: number): string | null {
    if (!Number.isFinite(fit.trainRmse)) return `train RMSE became ${fit.trainRmse} in epoch ${epoch}`;
    if (fit.validRmse !== null && !Number.isFinite(fit.validRmse)) return `valid RMSE became ${fit.validRmse} in epoch ${epoch}`;
    const yardstick = Math.max(this.start ?? 0, this.spread);
    if (yardstick > 0 && fit.trainRmse > DIVERGENCE_FACTOR * yardstick) {
      const from = (this.start ?? 0) >= this.spread ? `the starting ${round(yardstick)}` : `the ratings' spread ${round(yardstick)}`;
      return `train RMSE ${round(fit.trainRmse)} in epoch ${epoch} is more than ${DIVERGENCE_FACTOR}× ${from}`;
    }
    return null;
  }
}

/** Standard deviation of the ratings (one pass, float64 sums). */
function spreadOf(ratings: Float32Array): number {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < ratings.length; i++) {
    sum += ratings[i];
    squares += ratings[i] * ratings[i];
  }
  const n = Math.max(1, ratings.length);
  return Math.sqrt(Math.max(0, squares / n - (sum / n) ** 2));
}

/** What a diverged run says: what went wrong, which parameters it kept (those after epoch `lastGood`), and what to change. */
export function divergedMessage(what: string, lastGood: number, lr: number): string {
  const when = lastGood === 0 ? 'their values before training' : `their values after epoch ${lastGood}`;
  return `${what}; parameters restored to ${when} and the optimizer state reset — the learning rate ${round(lr)} is too high: try ${round(lr / 10)} or lower`;
}

/** Three significant digits, grouped: 86.8, 28,400, 0.0712. */
export const round = (x: number): string => x.toLocaleString('en-US', { maximumSignificantDigits: 3 });
