/**
 * A blend run opened in the sheet (issue 12 item 4): its members' models, each loaded from the
 * run store into a trainer of its own, answer the sheet's predictions as their weighted mean,
 * and the fit is that mean's on the sheet's split (the blend's own valid RMSE). It has no factors
 * of its own, so its snapshot has none. It lives in the training session's state, which sends
 * its numbers as it sends a single model's; any change to the model or the ratings ends it.
 */
import { addErrors, maeOf, noErrors, rmseOf } from '../../engine/metrics.ts';
import type { Trainer } from '../../engine/train/trainer.ts';
import type { Snapshot } from '../../engine/types.ts';
import type { Fit, SheetBlend } from '../contract.ts';
import type { TrainValid } from '../ratings-table.ts';

export interface BlendViewMember {
  weight: number;
  trainer: Trainer;
}

export class BlendView {
  readonly fit: Fit;

  constructor(
    readonly info: SheetBlend,
    private readonly members: readonly BlendViewMember[],
    sets: TrainValid,
  ) {
    const errors = (d: TrainValid['train']) => {
      const sums = noErrors();
      addErrors(sums, this.predict(d.users, d.items), d.ratings);
      return sums;
    };
    const train = errors(sets.train);
    const valid = sets.valid && sets.valid.ratings.length > 0 ? errors(sets.valid) : null;
    this.fit = { trainRmse: rmseOf(train), trainMae: maeOf(train), validRmse: valid && rmseOf(valid), validMae: valid && maeOf(valid) };
  }

  /** Σ weight × member's prediction, in float64 as the blend was fitted. */
  predict(users: Int32Array, items: Int32Array): Float32Array {
    const mean = new Float64Array(users.length);
    for (const m of this.members) {
      const p = m.trainer.predict(users, items);
      for (let i = 0; i < p.length; i++) mean[i] += m.weight * p[i];
    }
    return Float32Array.from(mean);
  }

  /** The visible block's predictions; no factors or biases: a blend has several models' of them. */
  snapshot(userRows: number[], itemRows: number[]): Snapshot {
    const users = Int32Array.from(userRows.flatMap((u) => itemRows.map(() => u)));
    const items = Int32Array.from(userRows.flatMap(() => itemRows));
    return { userRows: [...userRows], itemRows: [...itemRows], userFactors: [], itemFactors: [], userBias: [], itemBias: [], predictions: Array.from(this.predict(users, items)) };
  }

  async dispose(): Promise<void> {
    for (const m of this.members) await m.trainer.dispose();
  }
}
