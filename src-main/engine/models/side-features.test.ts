/** Issue 15 item 2: side features laid out as the model's tables. */
import { describe, expect, it } from 'vitest';
import type { Feature } from '../../data/import/features.ts';
import { encodeFeatures, featureTensors, growColumns } from './side-features.ts';

const genres: Feature = {
  kind: 'multi', name: 'genres', unknown: 1, vocabulary: ['(unknown)', 'Action', 'Comedy', 'Drama'],
  offsets: Int32Array.from([0, 2, 3, 4]), codes: Int32Array.from([1, 2, 3, 0]),
};
const year: Feature = { kind: 'numeric', name: 'year', unknown: 1, values: Float32Array.from([1990, NaN, 2000]), mean: 1995, std: 5 };
const occupation: Feature = { kind: 'categorical', name: 'Occupation (main)', unknown: 1, vocabulary: ['(unknown)', 'writer', 'artist'], codes: Int32Array.from([2, 0, 1]) };

describe('side features as model tables (issue 15 item 2)', () => {
  it('pads multi-valued codes to the widest row, with 1/count weights that average them', () => {
    const [c] = encodeFeatures('item', [genres], 3).columns;
    if (c.kind !== 'multi') throw new Error('expected a multi column');
    expect(c.width).toBe(2);
    expect(Array.from(c.codes)).toEqual([1, 2, 3, 0, 0, 0]);
    expect(Array.from(c.weights)).toEqual([0.5, 0.5, 1, 0, 1, 0]); // row 2: the unknown code, alone
  });

  it('normalises numbers by the training mean and std, 0 with the unknown flag where missing', () => {
    const [c] = encodeFeatures('item', [year], 3).columns;
    if (c.kind !== 'numeric') throw new Error('expected numbers');
    expect(Array.from(c.values)).toEqual([-1, 0, 0, 1, 1, 0]);
    expect(c.stats).toEqual([{ mean: 1995, std: 5 }]);
  });

  it('names the graph inputs after the side and feature, safely', () => {
    const set = encodeFeatures('user', [occupation, year], 3);
    expect(featureTensors(set).map((t) => `${t.name} ${t.type} [${t.row}]`)).toEqual(['user_occupation_main_code int []', 'user_numbers float [2]']);
  });

  it('grows to more rows (users or items added later) as unknown: code 0, the unknown flag set', () => {
    const set = growColumns(encodeFeatures('item', [genres, occupation, year], 3), 5);
    const [g, o, y] = set.columns;
    if (g.kind !== 'multi' || o.kind !== 'categorical' || y.kind !== 'numeric') throw new Error('unexpected columns');
    expect(Array.from(g.codes.subarray(6))).toEqual([0, 0, 0, 0]);
    expect(Array.from(g.weights.subarray(6))).toEqual([1, 0, 1, 0]);
    expect(Array.from(o.codes)).toEqual([2, 0, 1, 0, 0]);
    expect(Array.from(y.values.subarray(6))).toEqual([0, 1, 0, 1]);
  });
});
