/**
 * How the training curve names its second series (issue 16 item 4: "L-BFGS step length" was
 * jargon, on an axis nobody asked for). Mini-batch optimizers move by a learning rate, which the
 * one-cycle schedule changes each epoch; L-BFGS has none, its line search picks how far to go
 * along each direction, so the series is named for what it is there.
 */
import type { OptimizerKind } from '../../src-main/engine/types.ts';

export interface StepSeriesWords {
  /** The series in the legend and on the right axis. */
  name: string;
  /** The checkbox that shows it. */
  toggle: string;
  /** The checkbox's tooltip. */
  hint: string;
}

export function stepSeriesWords(optimizer: OptimizerKind): StepSeriesWords {
  if (optimizer === 'lbfgs') {
    return {
      name: 'step size',
      toggle: 'Show the step size of each iteration',
      hint: 'L-BFGS has no learning rate: each iteration it searches for how far to move, and this is how far it went (1 = the full step)',
    };
  }
  return { name: 'learning rate', toggle: 'Show the learning rate', hint: 'The learning rate at the end of each epoch, as the schedule set it' };
}
