/**
 * The training graph's feeds and fetches, allocated once: batch buffers (user and item codes,
 * ratings, dropout masks) and output buffers (the loss, gradient rows, dense gradients) that
 * ONNX Runtime writes into — in the optimizer's wasm arena, so the step reads the gradients
 * where ONNX Runtime wrote them. Tensors wrap these buffers; one set is built per distinct
 * batch length (the full batch and the last, shorter one), so the hot loop allocates nothing.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { type MaskSpec, type ParamSpec, gradOutputName, rowSize } from '../models/index.ts';
import type { Grad, Param, SparseGrad } from '../optim/index.ts';
import type { Allocator } from '../optim/wasm/index.ts';
import { type Session, type TensorHandle, tensor } from '../runtime/session.ts';

interface BoundRun {
  feeds: Record<string, TensorHandle>;
  fetches: Record<string, TensorHandle>;
}

export class Batches {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratings: Float32Array;
  private readonly masks: Float32Array[];
  private readonly loss: Float32Array;
  /** The batch's predictions (before the step): the epoch's running train metrics use them. */
  readonly predictions: Float32Array;
  private readonly gradBuffers: Float32Array[];
  /** What the optimizer steps with: SparseGrad views for tables, the dense buffers otherwise. */
  readonly grads: Grad[];
  private runs = new Map<number, BoundRun>();
  private paramTensors: TensorHandle[] = [];
  private tables: Record<string, TensorHandle> = {};

  constructor(
    readonly capacity: number,
    private readonly specs: readonly ParamSpec[],
    readonly maskSpecs: readonly MaskSpec[],
    alloc: Allocator,
  ) {
    const [users, items, ratings, predictions, loss, ...rest] = Batches.plan(capacity, specs, maskSpecs);
    this.users = alloc.i32(users);
    this.items = alloc.i32(items);
    this.ratings = alloc.f32(ratings);
    this.predictions = alloc.f32(predictions);
    this.loss = alloc.f32(loss);
    this.masks = maskSpecs.map((_, i) => alloc.f32(rest[i]));
    this.gradBuffers = specs.map((_, i) => alloc.f32(rest[maskSpecs.length + i]));
    this.grads = specs.map((s, i): Grad =>
      s.lookup
        ? ({ rows: s.lookup === 'user' ? this.users : this.items, values: this.gradBuffers[i], count: 0 } satisfies SparseGrad)
        : this.gradBuffers[i]);
  }

  /**
   * Element counts of the buffers, in allocation order: users, items, ratings, predictions,
   * loss, one per mask, one gradient buffer per param (rows × row size for tables).
   */
  static plan(capacity: number, specs: readonly ParamSpec[], maskSpecs: readonly MaskSpec[]): number[] {
    return [
      capacity, capacity, capacity, capacity, 1,
      ...maskSpecs.map((m) => capacity * m.width),
      ...specs.map((s) => (s.lookup ? capacity : 1) * rowSize(s)),
    ];
  }

  get hasMasks(): boolean {
    return this.maskSpecs.length > 0;
  }

  /**
   * Points the parameter feeds at (new) tables, and feeds the side-feature tables (fixed data,
   * by input name); call after the tables were reallocated.
   */
  bindParams(params: readonly Param[], shapes: readonly number[][], tables: Record<string, TensorHandle> = {}): void {
    this.paramTensors = params.map((p, i) => tensor(p.data, shapes[i]));
    this.tables = tables;
    this.runs.clear();
  }

  /** Copies rows [start, end) in their stored order (full-batch evaluation). */
  fillRange(data: RatingsDataset, start: number, end: number): number {
    const n = end - start;
    this.users.set(data.users.subarray(start, end));
    this.items.set(data.items.subarray(start, end));
    this.ratings.set(data.ratings.subarray(start, end));
    return n;
  }

  /** Inverted dropout masks for the first n rows: 0 with probability p, else 1/(1−p). */
  drawMasks(n: number, rand: () => number): void {
    this.maskSpecs.forEach((m, i) => {
      const mask = this.masks[i];
      const keep = 1 / (1 - m.p);
      for (let j = 0, end = n * m.width; j < end; j++) mask[j] = rand() < m.p ? 0 : keep;
    });
  }

  /** Masks that keep every unit (deterministic objectives: L-BFGS). */
  noDropout(n: number): void {
    this.maskSpecs.forEach((m, i) => this.masks[i].fill(1, 0, n * m.width));
  }

  /** Runs the training graph on the first n rows; gradients land in `grads`. Returns the loss. */
  run(session: Session, n: number): number {
    const bound = this.runs.get(n) ?? this.bind(n);
    session.run(bound.feeds, bound.fetches);
    for (const g of this.grads) if (!(g instanceof Float32Array)) g.count = n;
    return this.loss[0];
  }

  private bind(n: number): BoundRun {
    if (n > this.capacity) throw new Error(`batch of ${n} exceeds the buffers (${this.capacity})`);
    // Normally two lengths (full and last batch); edits change the last one, so forget old ones.
    if (this.runs.size >= 4) this.runs.clear();
    const feeds: Record<string, TensorHandle> = {
      users: tensor(this.users.subarray(0, n), [n]),
      items: tensor(this.items.subarray(0, n), [n]),
      ratings: tensor(this.ratings.subarray(0, n), [n]),
    };
    this.maskSpecs.forEach((m, i) => (feeds[m.name] = tensor(this.masks[i].subarray(0, n * m.width), [n, m.width])));
    this.specs.forEach((s, i) => (feeds[s.name] = this.paramTensors[i]));
    Object.assign(feeds, this.tables);
    const fetches: Record<string, TensorHandle> = {
      loss: tensor(this.loss, []),
      prediction: tensor(this.predictions.subarray(0, n), [n]),
    };
    this.specs.forEach((s, i) => {
      const dims = s.lookup ? [n, ...s.shape] : s.shape;
      const size = dims.reduce((a, b) => a * b, 1);
      fetches[gradOutputName(s.name)] = tensor(this.gradBuffers[i].subarray(0, size), dims);
    });
    const bound = { feeds, fetches };
    this.runs.set(n, bound);
    return bound;
  }
}
