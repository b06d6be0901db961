/**
 * fastai's Optimizer: a list of steppers run over each parameter with shared hyper-parameters
 * and per-element state. What it adds to fastai is the sparse path: an embedding table's
 * gradient may arrive as touched rows (see SparseGrad) and is applied either lazily (touched
 * rows only) or densely (every row, as PyTorch's dense Adam would) — see UpdateMode. The
 * arithmetic runs in a StepBackend: the stepper list itself (the default), or the WebAssembly
 * SIMD kernel doing the same updates.
 */
import { JsBackend, type RowSums, type StepBackend } from './backend.ts';
import type {
  Grad, Hypers, OptimizerState, Param, SparseGrad, StepContext, Stepper, UpdateMode,
} from './types.ts';

interface Slot {
  param: Param;
  state: Record<string, Float32Array>;
  /** Row sums of sparse gradients (allocated on first use). */
  rows: RowSums | null;
  /** Table-sized gradient buffer for dense updates from sparse gradients (allocated on first use). */
  denseGrad: Float32Array | null;
}

export class Optimizer {
  /** Mutable: schedules write lr and mom here before each step. */
  readonly hypers: Hypers;
  private readonly stateNames: string[];
  private slots: Slot[] = [];
  private stepCount = 0;
  /** Reused each step so the hot path allocates nothing. */
  private readonly ctx: StepContext;

  constructor(
    params: readonly Param[],
    readonly steppers: readonly Stepper[],
    hypers: Hypers,
    readonly mode: UpdateMode,
    private backend: StepBackend = new JsBackend(steppers),
  ) {
    this.hypers = { ...hypers };
    this.ctx = { ...hypers, step: 0, debias1: 1, debias2: 1 };
    this.stateNames = [...new Set(steppers.flatMap((s) => s.state))];
    this.setParams(params);
  }

  get params(): Param[] {
    return this.slots.map((s) => s.param);
  }

  get steps(): number {
    return this.stepCount;
  }

  /**
   * Continues the step count of another optimizer over the same tables (the workers of a
   * two-core epoch): Adam's bias correction depends on it.
   */
  set steps(n: number) {
    this.stepCount = n;
  }

  /** A param's per-element state (views laid out like its data), for moving rows between optimizers. */
  stateOf(name: string): Readonly<Record<string, Float32Array>> {
    const slot = this.slots.find((s) => s.param.name === name);
    if (!slot) throw new Error(`the optimizer has no param ${name}`);
    return slot.state;
  }

  /**
   * (Re)bind the parameter tables, e.g. after new users were added. State of a param with the
   * same name is kept for the elements both versions have; new elements start at zero. A new
   * backend (the tables moved to another wasm arena) allocates the state from then on.
   */
  setParams(params: readonly Param[], backend: StepBackend = this.backend): void {
    this.backend = backend;
    const old = new Map(this.slots.map((s) => [s.param.name, s.state]));
    this.slots = params.map((param) => {
      if (param.rowSize <= 0 || param.data.length % param.rowSize !== 0) {
        throw new Error(`param ${param.name}: length ${param.data.length} is not a multiple of rowSize ${param.rowSize}`);
      }
      const state: Record<string, Float32Array> = {};
      for (const name of this.stateNames) {
        const buf = this.backend.f32(param.data.length);
        const prev = old.get(param.name)?.[name];
        if (prev) buf.set(prev.subarray(0, Math.min(prev.length, buf.length)));
        state[name] = buf;
      }
      return { param, state, rows: null, denseGrad: null };
    });
  }

  /**
   * One optimizer step. grads[i] belongs to params[i]; null skips that param this step.
   * A dense gradient updates every row in either mode. With L2 (l2Reg) a dense gradient array
   * is modified in place (fastai does the same to p.grad); sparse values are never modified.
   */
  step(grads: ReadonlyArray<Grad | null>): void {
    if (grads.length !== this.slots.length) {
      throw new Error(`optimizer step: ${grads.length} gradients for ${this.slots.length} params`);
    }
    const ctx = this.prepareContext();
    this.backend.begin(ctx);
    for (let i = 0; i < this.slots.length; i++) {
      const grad = grads[i];
      if (grad == null) continue;
      const slot = this.slots[i];
      if (grad instanceof Float32Array) this.stepDense(slot, grad, ctx);
      else if (this.mode === 'lazy') this.stepLazy(slot, grad, ctx);
      else this.stepDense(slot, this.scatter(slot, grad), ctx);
    }
  }

  /** Zero all state and the step count (a fresh optimizer over the same params). */
  reset(): void {
    this.stepCount = 0;
    for (const slot of this.slots) for (const buf of Object.values(slot.state)) buf.fill(0);
  }

  exportState(): OptimizerState {
    const params: OptimizerState['params'] = {};
    for (const slot of this.slots) {
      params[slot.param.name] = Object.fromEntries(
        Object.entries(slot.state).map(([name, buf]) => [name, buf.slice()]),
      );
    }
    return { step: this.stepCount, hypers: { ...this.hypers }, params };
  }

  importState(saved: OptimizerState): void {
    for (const slot of this.slots) {
      const bufs = saved.params[slot.param.name];
      if (!bufs) throw new Error(`optimizer state has no entry for param ${slot.param.name}`);
      for (const name of this.stateNames) {
        const src = bufs[name];
        if (!src || src.length !== slot.param.data.length) {
          throw new Error(`optimizer state ${slot.param.name}.${name} is missing or has the wrong length`);
        }
        slot.state[name].set(src);
      }
    }
    this.stepCount = saved.step;
    Object.assign(this.hypers, saved.hypers);
  }

  private prepareContext(): StepContext {
    const ctx = this.ctx;
    Object.assign(ctx, this.hypers);
    ctx.step = ++this.stepCount;
    ctx.debias1 = 1 - ctx.mom ** ctx.step;
    ctx.debias2 = 1 - ctx.sqrMom ** ctx.step;
    return ctx;
  }

  private stepDense(slot: Slot, grad: Float32Array, ctx: StepContext): void {
    const { data } = slot.param;
    if (grad.length !== data.length) {
      throw new Error(`gradient of ${slot.param.name} has ${grad.length} values, the param ${data.length}`);
    }
    this.backend.dense(slot.param, grad, slot.state, ctx);
  }

  /** Lazy: only the distinct touched rows move; untouched rows keep params and moments as they are. */
  private stepLazy(slot: Slot, grad: SparseGrad, ctx: StepContext): void {
    const { param } = slot;
    const rows = (slot.rows ??= this.backend.rowSums(param.data.length / param.rowSize, param.rowSize));
    rows.accumulate(grad, param.name);
    this.backend.rows(param, rows, slot.state, ctx);
  }

  /** Dense from sparse: a table-sized gradient that is zero on untouched rows (PyTorch's view). */
  private scatter(slot: Slot, grad: SparseGrad): Float32Array {
    const dense = (slot.denseGrad ??= this.backend.f32(slot.param.data.length));
    this.backend.scatter(slot.param, grad, dense);
    return dense;
  }
}
