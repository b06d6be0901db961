import { describe, expect, it } from 'vitest';
import { jumpTarget, type SheetShape } from './sheet-keys.ts';

// Issue 16 item 3: Home/End/Ctrl+Home/Ctrl+End as in Excel with frozen panes (ag-grid's Home
// and End went to the grid's corners).
describe('Home, End, Ctrl+Home, Ctrl+End', () => {
  const shape: SheetShape = { columns: ['label', 'uf0', 'uf1', 'ub', 'm0', 'm1', 'm2'], firstRatingColumn: 4, users: 15 };
  const at = (rowIndex: number, colId: string, pinned = false) => ({ rowIndex, pinned, colId });

  it('End goes to the last column of the same row, a user row or a pinned parameter row', () => {
    expect(jumpTarget('End', false, at(6, 'm1'), shape)).toEqual(at(6, 'm2'));
    expect(jumpTarget('End', false, at(1, 'uf0', true), shape)).toEqual(at(1, 'm2', true));
  });

  it("Home goes to the row's first rating, and from there (or left of it) to the row's first cell", () => {
    expect(jumpTarget('Home', false, at(6, 'm2'), shape)).toEqual(at(6, 'm0'));
    expect(jumpTarget('Home', false, at(6, 'm0'), shape)).toEqual(at(6, 'label'));
    expect(jumpTarget('Home', false, at(6, 'ub'), shape)).toEqual(at(6, 'label'));
    expect(jumpTarget('Home', false, at(0, 'm2', true), shape)).toEqual(at(0, 'm0', true));
  });

  it("Ctrl+Home goes to the sheet's first rating, Ctrl+End to its last, from anywhere", () => {
    expect(jumpTarget('Home', true, at(9, 'm2'), shape)).toEqual(at(0, 'm0'));
    expect(jumpTarget('End', true, at(0, 'label', true), shape)).toEqual(at(14, 'm2'));
  });

  it('an empty sheet has nowhere to go', () => {
    expect(jumpTarget('End', true, at(0, 'label'), { ...shape, users: 0 })).toBeNull();
    expect(jumpTarget('Home', false, at(0, 'label'), { ...shape, columns: [] })).toBeNull();
  });
});
