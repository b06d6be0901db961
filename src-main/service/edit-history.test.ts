import { describe, expect, it } from 'vitest';
import { EditHistory } from './edit-history.ts';

describe('EditHistory', () => {
  it('undoes a multi-cell edit as one step and redoes it', () => {
    const h = new EditHistory();
    h.record([
      { user: 0, item: 0, before: null, after: 4 },
      { user: 0, item: 1, before: 3, after: null },
    ]);
    expect(h.canUndo).toBe(true);
    expect(h.undo()).toEqual({
      kind: 'cells',
      changes: [
        { user: 0, item: 0, before: 4, after: null },
        { user: 0, item: 1, before: null, after: 3 },
      ],
    });
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toEqual({
      kind: 'cells',
      changes: [
        { user: 0, item: 0, before: null, after: 4 },
        { user: 0, item: 1, before: 3, after: null },
      ],
    });
    expect(h.redo()).toBeNull();
  });

  it('drops the redo branch on a new edit and forgets beyond its limit', () => {
    const h = new EditHistory(2);
    h.record([{ user: 0, item: 0, before: null, after: 1 }]);
    h.record([{ user: 0, item: 0, before: 1, after: 2 }]);
    h.record([{ user: 0, item: 0, before: 2, after: 3 }]);
    h.undo();
    h.record([{ user: 1, item: 1, before: null, after: 5 }]);
    expect(h.canRedo).toBe(false);
    const after = () => {
      const r = h.undo();
      return r?.kind === 'cells' ? r.changes[0].after : r;
    };
    expect(after()).toBeNull();
    expect(after()).toBe(1);
    expect(h.undo()).toBeNull();
  });

  // Issue 13 item 8: adding a user or movie row is undoable.
  it('undoes an added row as its removal after the ratings typed into it, and redoes it as an addition', () => {
    const h = new EditHistory();
    const row = { side: 'user' as const, id: 'new-user-1', label: 'New user 1' };
    h.recordRow(row);
    h.record([{ user: 15, item: 0, before: null, after: 4 }]);
    expect(h.undo()).toMatchObject({ kind: 'cells', changes: [{ user: 15, after: null }] });
    expect(h.undo()).toEqual({ kind: 'remove-row', row });
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toEqual({ kind: 'add-row', row });
    expect(h.redo()).toMatchObject({ kind: 'cells', changes: [{ user: 15, after: 4 }] });
  });

  it('undoes a hand-set factor as setting it back, between the cell edits around it (issue 16 item 3)', () => {
    const h = new EditHistory();
    h.record([{ user: 0, item: 0, before: null, after: 4 }]);
    const change = { name: 'item_factors', row: 3, index: 1, before: 0.25, after: 3 };
    h.recordParam(change);
    expect(h.undo()).toEqual({ kind: 'param', change: { ...change, before: 3, after: 0.25 } });
    expect(h.undo()).toMatchObject({ kind: 'cells' });
    expect(h.redo()).toMatchObject({ kind: 'cells' });
    expect(h.redo()).toEqual({ kind: 'param', change });
  });
});
