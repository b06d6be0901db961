/**
 * Plain-data types of the TS gradient step. Everything here is structured-clone safe so the
 * optimizer state can be saved with a project and restored into a fresh optimizer.
 */

/** A trainable tensor, row-major. Embedding tables have rowSize = k; a bias table rowSize = 1. */
export interface Param {
  name: string;
  data: Float32Array;
  /** Elements per row (the unit of a sparse update). data.length must be a multiple of it. */
  rowSize: number;
}

/**
 * Gradient of an embedding table for the rows a batch touched, as an ONNX Gather backward
 * naturally produces it: one gradient row per looked-up index, duplicates allowed (a user who
 * rated twice in the batch appears twice). Only the first `count` entries are meaningful, so the
 * caller can reuse oversized buffers across batches.
 */
export interface SparseGrad {
  rows: Int32Array;
  /** count × rowSize values, row-major, in the order of `rows`. */
  values: Float32Array;
  count: number;
}

/** A dense gradient has the same length as the parameter. */
export type Grad = Float32Array | SparseGrad;

/**
 * How a sparse gradient updates a table:
 * - 'lazy': only the touched rows move; only their moments decay and only they get weight decay
 *   (like PyTorch's SparseAdam / TF LazyAdam). Cost O(rows in the batch).
 * - 'dense': exactly PyTorch's dense Adam fed a gradient that is zero on untouched rows: every
 *   row's moments decay and every row moves (momentum keeps carrying rows that were not in the
 *   batch), every row gets weight decay. Cost O(table).
 * Both agree whenever every row is touched at every step.
 */
export type UpdateMode = 'lazy' | 'dense';

/** Hyper-parameters read by the steppers; lr and mom are what schedules change per step. */
export interface Hypers {
  lr: number;
  /** Momentum / Adam β1 (fastai calls it mom). */
  mom: number;
  /** Adam β2 (fastai's sqr_mom). */
  sqrMom: number;
  eps: number;
  wd: number;
}

/** Per-step values the steppers share, computed once per step (not per row). */
export interface StepContext extends Hypers {
  /** 1-based count of steps taken, including the current one. */
  step: number;
  /** Adam bias corrections 1 - mom^step and 1 - sqrMom^step (fastai's debias with dampening). */
  debias1: number;
  debias2: number;
}

/**
 * One piece of an optimizer (fastai's optimizer callbacks). It updates a contiguous span of
 * `n` elements: param and state buffers at `pOff`, the gradient at `gOff`. Steppers run in list
 * order on each span; a stepper may rewrite the gradient in place (L2 adds wd·p to it).
 */
export interface Stepper {
  readonly name: string;
  /** Per-element state buffers this stepper needs (same length as the param), e.g. 'grad_avg'. */
  readonly state: readonly string[];
  apply(
    p: Float32Array, g: Float32Array, pOff: number, gOff: number, n: number,
    ctx: StepContext, state: Readonly<Record<string, Float32Array>>,
  ): void;
}

/** Saved optimizer state: the step count and every param's per-element buffers, by name. */
export interface OptimizerState {
  step: number;
  hypers: Hypers;
  params: Record<string, Record<string, Float32Array>>;
}
