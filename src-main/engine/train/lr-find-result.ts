/**
 * What lr_find (lr-find.ts) answers, as plain data: on its own so that the app's contract, and
 * through it the renderer, can name it without the trainer's types.
 */

/** One batch of the sweep. */
export interface LrPoint {
  /** The learning rate the batch stepped with. */
  lr: number;
  /** The batch's loss, measured before its step. */
  loss: number;
  /** The debiased moving average of the losses up to this one: what is plotted and read. */
  smoothed: number;
}

/** Suggested learning rates; null where the curve is too short to read one from. */
export interface LrSuggestions {
  valley: number | null;
  steep: number | null;
  minimum: number | null;
}

export interface LrFindResult {
  points: LrPoint[];
  suggestions: LrSuggestions;
  /** Why the sweep ended before numIt batches; null when it ran them all. */
  stopped: 'diverged' | 'not-finite' | 'cancelled' | null;
  /** The learning rate of the batch it stopped at; null when it ran them all. */
  stoppedAt: number | null;
}
