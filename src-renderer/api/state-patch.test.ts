import { describe, expect, it } from 'vitest';
import { sampleState } from '../testing/sample-state.ts';
import { applyPatch } from './state-patch.ts';

describe('folding a changed event into the state', () => {
  it('an empty patch changes nothing', () => {
    const s = sampleState();
    expect(applyPatch(s, {})).toEqual(s);
  });

  it('edited cells land in their places with the totals and split after them, the rest untouched', () => {
    const s = sampleState();
    const totals = { users: 2, movies: 2, ratings: 2, validRatings: 1 };
    const split = { ...s.sheet.data.split, trainRows: 1 };
    const next = applyPatch(s, { cells: { updates: [{ row: 1, col: 0, rating: 2.5, heldOut: false }, { row: 0, col: 0, rating: null, heldOut: false }], totals, split } });
    expect(next.sheet.ratings).toEqual([[null, null], [2.5, null]]);
    expect(next.sheet.heldOut).toEqual([[false, false], [false, false]]);
    expect(next.sheet.totals).toEqual(totals);
    expect(next.sheet.data.split.trainRows).toBe(1);
    expect(next.sheet.users).toBe(s.sheet.users);
    // The state it came from is not mutated (views may still hold it).
    expect(s.sheet.ratings).toEqual([[4, null], [null, null]]);
  });

  it('history is kept across patches and dropped only when the patch says it was cleared', () => {
    const s = { ...sampleState(), history: [{ epoch: 1, trainRmse: 1, trainMae: 1, validRmse: null, validMae: null, lr: 0.1, seconds: 0 }] };
    expect(applyPatch(s, { status: 'training' }).history).toHaveLength(1);
    expect(applyPatch(s, { status: 'training' }).status).toBe('training');
    expect(applyPatch(s, { historyCleared: true }).history).toEqual([]);
  });

  it('a whole sheet replaces the old one before cell updates apply to it', () => {
    const s = sampleState();
    const sheet = { ...s.sheet, ratings: [[1, 1], [1, 1]] };
    const next = applyPatch(s, { sheet, cells: { updates: [{ row: 0, col: 1, rating: 3, heldOut: true }], totals: sheet.totals, split: sheet.data.split } });
    expect(next.sheet.ratings).toEqual([[1, 3], [1, 1]]);
    expect(next.sheet.heldOut[0][1]).toBe(true);
  });
});
