/**
 * Undo/redo of sheet edits. An edit is a list of cell changes (one for a typed rating, many for a
 * paste) and undoes as one step; so does adding a user or movie row, and a factor or bias typed
 * into the sheet. A new step drops the redo branch, as in every spreadsheet.
 * Cells are named by their dense user and item codes, not their sheet position, so an edit still
 * undoes after the crosstab moved (Find, another N) or when its cell is no longer shown.
 * A model change that set the trained factors aside (another k or model kind) is a step too: it
 * holds the model it replaced, and undo swaps the two back (issue 16 item 2).
 */
import type { EpochMetrics, ModelParams, TrainConfig } from '../engine/types.ts';
import type { FeatureValues } from './insight-contract.ts';
import type { EngineName } from '../engine/engine-choice.ts';

export interface CellChange {
  user: number;
  item: number;
  before: number | null;
  after: number | null;
}

export type Edit = readonly CellChange[];

/** A user (row) or movie (column) added at the end of the sheet, as the session named it. */
export interface AddedRow {
  side: 'user' | 'item';
  id: string;
  label: string;
  /** The side features it was given (issue 15 item 3): redo gives them again. */
  features?: FeatureValues;
}

/** A factor or bias set by hand: `row` is the dense user or item code, `index` the factor (0 for a bias). */
export interface ParamChange {
  name: string;
  row: number;
  index: number;
  before: number;
  after: number;
}

/** A trained model as a settings change found it: what undoing (or redoing) that change puts back. */
export interface ModelState {
  config: TrainConfig;
  params: ModelParams;
  /** The chart's history and epoch count that went with it. */
  history: EpochMetrics[];
  epochs: number;
  /** The engine that trained it (null: untrained). */
  engine: EngineName | null;
}

/**
 * The model on the other side of a model change: undo puts `state` back and stores the model it
 * replaced here, for redo (and the other way round).
 */
export interface ModelSwap {
  state: ModelState;
}

/** Factors are big (k × (users + items) floats): only the latest few model changes stay undoable. */
export const MODEL_STEPS_KEPT = 3;

type Step =
  | { kind: 'cells'; changes: Edit }
  | { kind: 'row'; row: AddedRow }
  | { kind: 'param'; change: ParamChange }
  | { kind: 'model'; swap: ModelSwap };

/**
 * What undo or redo asks of the app. Steps are undone last first, so when a row's addition is
 * undone the ratings typed into it have been undone already: it is the last row of its side,
 * and empty.
 */
export type Replay =
  | { kind: 'cells'; changes: Edit }
  | { kind: 'add-row' | 'remove-row'; row: AddedRow }
  | { kind: 'param'; change: ParamChange }
  | { kind: 'model'; swap: ModelSwap };

export class EditHistory {
  private readonly done: Step[] = [];
  private readonly undone: Step[] = [];

  constructor(private readonly limit = 500) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  record(edit: Edit): void {
    this.push({ kind: 'cells', changes: edit });
  }

  recordRow(row: AddedRow): void {
    this.push({ kind: 'row', row });
  }

  recordParam(change: ParamChange): void {
    this.push({ kind: 'param', change });
  }

  /** A model change; `before` is the model it replaced. */
  recordModel(before: ModelState): void {
    this.push({ kind: 'model', swap: { state: before } });
    // The oldest model change beyond the few kept leaves the stack (it is undone by nothing else:
    // cell edits and rows do not depend on the model).
    const models = this.done.filter((s) => s.kind === 'model');
    if (models.length > MODEL_STEPS_KEPT) this.done.splice(this.done.indexOf(models[0]), 1);
  }

  /** What reverts the last step (cells after → before, an added row removed), or null when there is none. */
  undo(): Replay | null {
    const step = this.done.pop();
    if (!step) return null;
    this.undone.push(step);
    if (step.kind === 'row') return { kind: 'remove-row', row: step.row };
    if (step.kind === 'param') return { kind: 'param', change: { ...step.change, before: step.change.after, after: step.change.before } };
    if (step.kind === 'model') return step;
    return { kind: 'cells', changes: step.changes.map((c) => ({ ...c, before: c.after, after: c.before })) };
  }

  /** What re-applies the last undone step, or null when there is none. */
  redo(): Replay | null {
    const step = this.undone.pop();
    if (!step) return null;
    this.done.push(step);
    return step.kind === 'row' ? { kind: 'add-row', row: step.row } : step; // a model step swaps back the same way
  }

  clear(): void {
    this.done.length = 0;
    this.undone.length = 0;
  }

  private push(step: Step): void {
    this.done.push(step);
    if (this.done.length > this.limit) this.done.shift();
    this.undone.length = 0;
  }
}
