import { describe, expect, it } from 'vitest';
import { ratingCounts } from '../data/crosstab.ts';
import type { RatingsDataset } from '../data/dataset.ts';
import { chooseVisibleBlock, visibleCells } from './visible-block.ts';

/** 4 users × 4 items; user 2 and item 3 are the most active; ties go to the smaller code. */
const d: RatingsDataset = {
  users: Int32Array.from([0, 1, 1, 2, 2, 2, 3, 3, 2]),
  items: Int32Array.from([0, 3, 1, 3, 1, 2, 3, 2, 0]),
  ratings: Float32Array.from([1, 2, 3, 4, 5, 1, 2, 3, 4]),
  userIds: ['a', 'b', 'c', 'd'],
  itemIds: ['w', 'x', 'y', 'z'],
};

describe('visible block', () => {
  const counts = ratingCounts(d);

  it('keeps a sheet that fits in its own order, and shows the most active first when it does not', () => {
    expect(chooseVisibleBlock(counts, { size: 4, pinUsers: [0], pinItems: [] })).toEqual({ userRows: [0, 1, 2, 3], itemRows: [0, 1, 2, 3] });
    expect(chooseVisibleBlock(counts, { size: 2, pinUsers: [], pinItems: [] })).toEqual({ userRows: [2, 1], itemRows: [3, 0] });
  });

  it('puts pinned codes first, then the most active others', () => {
    expect(chooseVisibleBlock(counts, { size: 2, pinUsers: [0], pinItems: [0, 0] })).toEqual({ userRows: [0, 2], itemRows: [0, 3] });
  });

  it('reads the visible cells from train and valid, marking the valid ones held out', () => {
    const valid: RatingsDataset = { ...d, users: Int32Array.from([2]), items: Int32Array.from([0]), ratings: Float32Array.from([4]) };
    const cells = visibleCells({ ...d, users: d.users.slice(0, 8), items: d.items.slice(0, 8), ratings: d.ratings.slice(0, 8) }, valid, { userRows: [2, 0], itemRows: [0, 3] });
    expect(cells.ratings).toEqual([[4, 4], [1, null]]);
    expect(cells.heldOut).toEqual([[true, false], [false, false]]);
  });
});
