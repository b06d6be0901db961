/**
 * Undo/redo of sheet edits. An edit is a list of cell changes (one for a typed rating, many for a
 * paste) and undoes as one step; a new edit drops the redo branch, as in every spreadsheet.
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

export class EditHistory {
  private readonly done: Edit[] = [];
  private readonly undone: Edit[] = [];

  constructor(private readonly limit = 500) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  record(edit: Edit): void {
    this.done.push(edit);
    if (this.done.length > this.limit) this.done.shift();
    this.undone.length = 0;
  }

  /** The changes that revert the last edit (after → before), or null when there is none. */
  undo(): Edit | null {
    const edit = this.done.pop();
    if (!edit) return null;
    this.undone.push(edit);
    return edit.map((c) => ({ ...c, before: c.after, after: c.before }));
  }

  /** The changes that re-apply the last undone edit, or null when there is none. */
  redo(): Edit | null {
    const edit = this.undone.pop();
    if (!edit) return null;
    this.done.push(edit);
    return edit;
  }

  clear(): void {
    this.done.length = 0;
    this.undone.length = 0;
  }
}
