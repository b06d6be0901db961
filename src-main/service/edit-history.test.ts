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
    expect(h.undo()).toEqual([
      { user: 0, item: 0, before: 4, after: null },
      { user: 0, item: 1, before: null, after: 3 },
    ]);
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toEqual([
      { user: 0, item: 0, before: null, after: 4 },
      { user: 0, item: 1, before: 3, after: null },
    ]);
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
    expect(h.undo()?.[0].after).toBeNull();
    expect(h.undo()?.[0].after).toBe(1);
    expect(h.undo()).toBeNull();
  });
});
