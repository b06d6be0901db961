/**
 * The parameter tables: allocated from the model's specs (in the optimizer's wasm arena, so
 * ONNX Runtime and the step share them), initialised by name, moved to a new arena when new
 * users or items arrive (old rows kept, new rows freshly initialised), exported as plain data,
 * and checkpointed into pre-allocated copies (the NaN guard's "last good" state and early
 * stopping's best epoch) without allocating per epoch.
 */
import { type ParamSpec, initParam, rowSize } from '../models/index.ts';
import type { Param } from '../optim/index.ts';
import type { Allocator } from '../optim/wasm/index.ts';
import type { InitKind, ParamTensor, StopReason } from '../types.ts';

export interface TableRows {
  users: number;
  items: number;
}

export class ParamStore {
  /** Optimizer-ready views (name, data, rowSize), in the model's parameter order. */
  params: Param[];
  private rows: TableRows;

  constructor(
    readonly specs: readonly ParamSpec[], rows: TableRows, private readonly init: InitKind, rand: () => number, alloc: Allocator,
  ) {
    this.rows = { ...rows };
    this.params = specs.map((spec) => ({
      name: spec.name,
      data: alloc.f32(rowCount(spec, rows) * rowSize(spec)),
      rowSize: rowSize(spec),
    }));
    this.reinit(rand);
  }

  /** Element counts of the tables for `rows` (for planning an arena). */
  static plan(specs: readonly ParamSpec[], rows: TableRows): number[] {
    return specs.map((spec) => rowCount(spec, rows) * rowSize(spec));
  }

  get tableRows(): TableRows {
    return { ...this.rows };
  }

  /** Full shape of parameter i: [rows, ...row shape] for tables, the declared shape otherwise. */
  shape(i: number): number[] {
    const spec = this.specs[i];
    return spec.lookup ? [this.rowCount(spec), ...spec.shape] : [...spec.shape];
  }

  reinit(rand: () => number): void {
    this.specs.forEach((spec, i) => initParam(this.params[i].data, spec.init, this.init, rand));
  }

  /** The rows the tables would have after grow(rows): tables never shrink, codes stay stable. */
  grownRows(rows: TableRows): TableRows {
    return { users: Math.max(rows.users, this.rows.users), items: Math.max(rows.items, this.rows.items) };
  }

  /**
   * Re-allocates every table from `alloc` (a new arena) with room for grownRows(rows): values
   * are kept, rows that are new get a fresh initialisation. Callers re-bind tensors and the
   * optimizer afterwards.
   */
  moveTo(alloc: Allocator, rows: TableRows, rand: () => number): void {
    this.rows = this.grownRows(rows);
    this.params = this.params.map((p, i) => {
      const spec = this.specs[i];
      const data = alloc.f32(rowCount(spec, this.rows) * rowSize(spec));
      if (data.length !== p.data.length) initParam(data, spec.init, this.init, rand);
      data.set(p.data);
      return { ...p, data };
    });
  }

  export(): Record<string, ParamTensor> {
    return Object.fromEntries(this.params.map((p, i) => [p.name, { shape: this.shape(i), data: p.data.slice() }]));
  }

  /**
   * Loads saved values. Tables may have been saved with fewer rows (users added since): those
   * rows are copied and the rest keep their current values. Anything else must match exactly.
   */
  import(saved: Readonly<Record<string, ParamTensor>>): void {
    this.params.forEach((p, i) => {
      const s = saved[p.name];
      if (!s) throw new Error(`saved parameters have no ${p.name}`);
      const want = this.shape(i);
      const spec = this.specs[i];
      const values = s.shape.reduce((a, b) => a * b, 1);
      // Said apart: "shape [943,50], the model needs [943,50]" (issue 13 finding 10) was a
      // tensor whose values did not fill its own shape.
      if (s.data.length !== values) throw new Error(`saved ${p.name} has ${s.data.length} values, but its shape [${s.shape}] needs ${values}`);
      const rowsOk = spec.lookup ? s.shape[0] <= want[0] : s.shape[0] === want[0];
      if (!rowsOk || s.shape.length !== want.length || s.shape.slice(1).some((d, j) => d !== want[j + 1])) {
        const rows = spec.lookup ? ` (at most ${want[0]} rows)` : '';
        throw new Error(`saved ${p.name} has shape [${s.shape}], the model needs [${want}]${rows}`);
      }
      p.data.set(s.data);
    });
  }

  private rowCount(spec: ParamSpec): number {
    return rowCount(spec, this.rows);
  }
}

const rowCount = (spec: ParamSpec, rows: TableRows): number =>
  spec.lookup === 'user' ? rows.users : spec.lookup === 'item' ? rows.items : 1;

/** A copy of every parameter, refreshed in place (reallocated only after the tables grew). */
export class Checkpoint {
  private copies: Float32Array[] = [];
  /** The epoch the copy was taken at (0 = before training). */
  epoch = -1;

  capture(params: readonly Param[], epoch: number): void {
    if (this.copies.length !== params.length || this.copies.some((c, i) => c.length !== params[i].data.length)) {
      this.copies = params.map((p) => new Float32Array(p.data.length));
    }
    params.forEach((p, i) => this.copies[i].set(p.data));
    this.epoch = epoch;
  }

  get captured(): boolean {
    return this.epoch >= 0;
  }

  restore(params: readonly Param[]): void {
    if (!this.captured) throw new Error('no checkpoint to restore');
    // After growth the copy covers the old rows; new rows keep their fresh initialisation.
    params.forEach((p, i) => p.data.set(this.copies[i].subarray(0, Math.min(this.copies[i].length, p.data.length))));
  }

  clear(): void {
    this.epoch = -1;
  }
}

/**
 * Early stopping (TrainConfig.earlyStopPatience): the parameters of the best valid RMSE so far are
 * kept, and after `patience` epochs without a better one they are put back and training stops.
 */
export class EarlyStop {
  private readonly best = new Checkpoint();
  private bestValid = Infinity;

  constructor(private readonly patience: number) {}

  /** After epoch `epochsDone`: null to go on, or the stop, with the best epoch's parameters back in `params`. */
  note(params: readonly Param[], epochsDone: number, validRmse: number | null): StopReason | null {
    if (this.patience <= 0 || validRmse === null) return null;
    if (validRmse < this.bestValid) {
      this.bestValid = validRmse;
      this.best.capture(params, epochsDone);
      return null;
    }
    if (epochsDone - this.best.epoch < this.patience) return null;
    this.best.restore(params);
    return { kind: 'early-stopped', bestEpoch: this.best.epoch };
  }

  /** New data or fresh parameters: a valid RMSE from before is not comparable. */
  forget(): void {
    this.best.clear();
    this.bestValid = Infinity;
  }
}
