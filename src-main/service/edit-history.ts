/**
 * Undo/redo of sheet edits. An edit is a list of cell changes (one for a typed rating, many for a
 * paste) and undoes as one step; so does adding a user or movie row, and a factor or bias typed
 * into the sheet. A new step drops the redo branch, as in every spreadsheet.
 * Cells are named by their dense user and item codes, not their sheet position, so an edit still
 * undoes after the crosstab moved (Find, another N) or when its cell is no longer shown.
 */
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
}

/** A factor or bias set by hand: `row` is the dense user or item code, `index` the factor (0 for a bias). */
export interface ParamChange {
  name: string;
  row: number;
  index: number;
  before: number;
  after: number;
}

type Step = { kind: 'cells'; changes: Edit } | { kind: 'row'; row: AddedRow } | { kind: 'param'; change: ParamChange };

/**
 * What undo or redo asks of the app. Steps are undone last first, so when a row's addition is
 * undone the ratings typed into it have been undone already: it is the last row of its side,
 * and empty.
 */
export type Replay = { kind: 'cells'; changes: Edit } | { kind: 'add-row' | 'remove-row'; row: AddedRow } | { kind: 'param'; change: ParamChange };

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

  /** What reverts the last step (cells after → before, an added row removed), or null when there is none. */
  undo(): Replay | null {
    const step = this.done.pop();
    if (!step) return null;
    this.undone.push(step);
    if (step.kind === 'row') return { kind: 'remove-row', row: step.row };
    if (step.kind === 'param') return { kind: 'param', change: { ...step.change, before: step.change.after, after: step.change.before } };
    return { kind: 'cells', changes: step.changes.map((c) => ({ ...c, before: c.after, after: c.before })) };
  }

  /** What re-applies the last undone step, or null when there is none. */
  redo(): Replay | null {
    const step = this.undone.pop();
    if (!step) return null;
    this.done.push(step);
    return step.kind === 'row' ? { kind: 'add-row', row: step.row } : step;
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
