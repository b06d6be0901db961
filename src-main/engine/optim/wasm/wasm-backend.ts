/**
 * The StepBackend that runs kernel.wat: the same updates as the stepper lists of presets.ts
 * (sgd, momentum, fused Adam; decoupled or L2 weight decay), in f32x4 lanes on views of one
 * WasmArena. Parameters, dense gradients and sparse gradients' values and rows must be views
 * into that arena; state and scratch buffers are allocated from it.
 *
 * Precision: the kernel computes in float32 where the JS steppers compute in float64 and round
 * on store; results agree to ~1e-6 relative (tested in wasm-backend.test.ts).
 */
import { badRow, checkSparse, type RowSums, type StepBackend } from '../backend.ts';
import type { Param, SparseGrad, StepContext } from '../types.ts';
import type { WasmArena } from './arena.ts';

/** The update kinds of kernel.wat (indices of its chunk functions). */
export const KERNEL_KIND = { sgd: 0, momentum: 1, adam: 2 } as const;
export type KernelKind = keyof typeof KERNEL_KIND;

/** The per-element state each kind keeps, by the stepper names of steppers.ts. */
export const KERNEL_STATE: Record<KernelKind, readonly string[]> = {
  sgd: [],
  momentum: ['grad_avg'],
  adam: ['grad_avg', 'sqr_avg'],
};

export interface KernelChoice {
  kind: KernelKind;
  /** Decoupled weight decay (p·(1 − lr·wd)) or L2 in the loss (g + wd·p). */
  decoupled: boolean;
}

/** Shape of one parameter for planning an arena: its length and, for a table, its rows. */
export interface PlannedParam {
  length: number;
  rowSize: number;
  /** Receives sparse gradients (an embedding table). */
  sparse: boolean;
}

/**
 * Element counts of every allocation a WasmBackend makes for these params (state, and for
 * sparse tables the row sums or the dense scatter buffer), for WasmArena.bytesFor.
 */
export function wasmBackendPlan(
  params: readonly PlannedParam[], kind: KernelKind, mode: 'lazy' | 'dense', rowsPerStep: number,
): number[] {
  return params.flatMap((p) => [
    ...KERNEL_STATE[kind].map(() => p.length),
    ...(!p.sparse ? [] : mode === 'dense' ? [p.length] : WasmRowSums.plan(p.length / p.rowSize, p.rowSize, rowsPerStep)),
  ]);
}

export class WasmBackend implements StepBackend {
  private readonly kind: number;
  private readonly stateNames: readonly string[];

  constructor(
    private readonly arena: WasmArena,
    private readonly choice: KernelChoice,
    /** The most rows a sparse gradient may name (the batch capacity). */
    private readonly rowsPerStep: number,
  ) {
    this.kind = KERNEL_KIND[choice.kind];
    this.stateNames = KERNEL_STATE[choice.kind];
  }

  f32(n: number): Float32Array {
    return this.arena.f32(n);
  }

  rowSums(nRows: number, rowSize: number): RowSums {
    return new WasmRowSums(this.arena, nRows, rowSize, this.rowsPerStep);
  }

  dense(param: Param, grad: Float32Array, state: Readonly<Record<string, Float32Array>>): void {
    const [m, v] = this.statePointers(state);
    const a = this.arena;
    a.kernel.step_dense(this.kind, a.ptr(param.data), a.ptr(grad), m, v, param.data.length);
  }

  rows(param: Param, rows: RowSums, state: Readonly<Record<string, Float32Array>>): void {
    if (!(rows instanceof WasmRowSums)) throw new Error(`${param.name}: the wasm step needs row sums from its own rowSums()`);
    const [m, v] = this.statePointers(state);
    const a = this.arena;
    a.kernel.step_rows(this.kind, a.ptr(param.data), m, v, a.ptr(rows.sums), a.ptr(rows.uniqueRows), rows.size, param.rowSize, a.ptr(rows.slotOf), rows.nRows);
  }

  scatter(param: Param, grad: SparseGrad, into: Float32Array): void {
    checkSparse(param, grad);
    const a = this.arena;
    const nRows = param.data.length / param.rowSize;
    const r = a.kernel.scatter_rows(a.ptr(grad.rows), a.ptr(grad.values), grad.count, param.rowSize, nRows, a.ptr(into));
    if (r < 0) throw badRow(param.name, grad.rows[-r - 1], nRows);
  }

  /** Pointers of the kind's moments; 0 (the kernel's scratch, never read) for ones it lacks. */
  private statePointers(state: Readonly<Record<string, Float32Array>>): [number, number] {
    const [m, v] = this.stateNames.map((name) => this.arena.ptr(state[name]));
    return [m ?? 0, v ?? 0];
  }

  /** The step's hyper-parameters, the same for every param: handed to the kernel once. */
  begin(ctx: StepContext): void {
    const { lr, wd, mom, sqrMom, eps } = ctx;
    const decoupled = this.choice.decoupled;
    this.arena.kernel.set_hypers(
      decoupled ? 1 - lr * wd : 1,
      decoupled ? 0 : wd,
      lr,
      mom,
      this.choice.kind === 'adam' ? 1 - mom : 1, // Adam's first moment is dampened, SGD momentum's is not
      sqrMom,
      1 - sqrMom,
      lr / ctx.debias1,
      1 / ctx.debias2,
      eps,
    );
  }
}

/** RowAccumulator's job done by the kernel, on fixed buffers in the arena. */
export class WasmRowSums implements RowSums {
  readonly uniqueRows: Int32Array;
  readonly sums: Float32Array;
  size = 0;
  /** Per table row: its slot in this step's sums, or -1 (kept -1 between kernel calls). */
  readonly slotOf: Int32Array;

  static plan(nRows: number, rowSize: number, capacity: number): number[] {
    return [nRows, capacity, capacity * rowSize];
  }

  constructor(private readonly arena: WasmArena, readonly nRows: number, private readonly rowSize: number, private readonly capacity: number) {
    this.slotOf = arena.i32(nRows).fill(-1);
    this.uniqueRows = arena.i32(capacity);
    this.sums = arena.f32(capacity * rowSize);
  }

  accumulate(grad: SparseGrad, paramName: string): void {
    checkSparse({ name: paramName, rowSize: this.rowSize }, grad);
    if (grad.count > this.capacity) {
      throw new Error(`sparse gradient of ${paramName}: ${grad.count} rows, the arena was planned for ${this.capacity}`);
    }
    const a = this.arena;
    const size = a.kernel.accumulate_rows(
      a.ptr(grad.rows), a.ptr(grad.values), grad.count, this.rowSize, this.nRows,
      a.ptr(this.slotOf), a.ptr(this.uniqueRows), a.ptr(this.sums),
    );
    if (size < 0) {
      this.size = 0;
      throw badRow(paramName, grad.rows[-size - 1], this.nRows);
    }
    this.size = size;
  }
}
