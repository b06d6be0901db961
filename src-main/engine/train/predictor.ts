/**
 * The forward-only graph: predictions for any (user, item) pairs and the RMSE/MAE of a dataset,
 * run in large chunks so an evaluation costs a handful of ONNX Runtime calls.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { type Errors, addErrors, errorsOf, noErrors } from '../metrics.ts';
import type { ParamSpec } from '../models/index.ts';
import type { Param } from '../optim/index.ts';
import { type Session, type TensorHandle, tensor } from '../runtime/session.ts';

/** Pairs per run: big enough to amortise the call, small enough to keep buffers in cache. */
const CHUNK = 16384;

export class Predictor {
  private readonly out = new Float32Array(CHUNK);
  private feeds: Record<string, TensorHandle> = {};

  constructor(private readonly session: Session, private readonly specs: readonly ParamSpec[]) {}

  /** The parameter tables, and the side-feature tables by input name. */
  bindParams(params: readonly Param[], shapes: readonly number[][], tables: Record<string, TensorHandle> = {}): void {
    this.feeds = { ...tables };
    this.specs.forEach((s, i) => (this.feeds[s.name] = tensor(params[i].data, shapes[i])));
  }

  predict(users: Int32Array, items: Int32Array): Float32Array {
    if (users.length !== items.length) throw new Error(`predict: ${users.length} users but ${items.length} items`);
    const result = new Float32Array(users.length);
    this.forEachChunk(users, items, (start, pred) => result.set(pred, start));
    return result;
  }

  /** RMSE and MAE over a dataset (float64 sums); NaN for an empty one. */
  errors(data: RatingsDataset): Errors {
    const sums = noErrors();
    this.forEachChunk(data.users, data.items, (start, pred) => addErrors(sums, pred, data.ratings, pred.length, start));
    return errorsOf(sums);
  }

  private forEachChunk(users: Int32Array, items: Int32Array, use: (start: number, pred: Float32Array) => void): void {
    const feeds = this.feeds;
    for (let start = 0; start < users.length; start += CHUNK) {
      const end = Math.min(users.length, start + CHUNK);
      const n = end - start;
      feeds.users = tensor(users.subarray(start, end), [n]);
      feeds.items = tensor(items.subarray(start, end), [n]);
      const pred = this.out.subarray(0, n);
      this.session.run(feeds, { prediction: tensor(pred, [n]) });
      use(start, pred);
    }
  }
}
