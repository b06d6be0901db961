import { describe, expect, it } from 'vitest';
import { cellCount, inRange, rangeBetween, ratingsBlock, toTsv } from './copy-block.ts';

// Issue 13 item 8: Ctrl+C copies the selected cells as tab-separated text.
describe('copying sheet cells as tab-separated text', () => {
  const ratings = [
    [4, null, 3.25],
    [null, 5, 1],
    [2, 2, null],
  ];

  it('spans the rectangle between two corners in either order', () => {
    expect(rangeBetween({ row: 2, col: 0 }, { row: 0, col: 1 })).toEqual({ top: 0, bottom: 2, left: 0, right: 1 });
    const r = rangeBetween({ row: 1, col: 1 }, { row: 1, col: 1 });
    expect(cellCount(r)).toBe(1);
    expect(inRange(r, 1, 1)).toBe(true);
    expect(inRange(r, 1, 2)).toBe(false);
    expect(inRange(null, 0, 0)).toBe(false);
  });

  it('copies ratings as their values and a blank as an empty field (not its prediction)', () => {
    const block = ratingsBlock(ratings, rangeBetween({ row: 0, col: 0 }, { row: 1, col: 2 }));
    expect(block).toEqual([
      ['4', '', '3.25'],
      ['', '5', '1'],
    ]);
    expect(toTsv(block)).toBe('4\t\t3.25\r\n\t5\t1');
  });

  it('copies one cell as just its value, with no line end', () => {
    expect(toTsv(ratingsBlock(ratings, rangeBetween({ row: 0, col: 2 }, { row: 0, col: 2 })))).toBe('3.25');
    expect(toTsv(ratingsBlock(ratings, rangeBetween({ row: 0, col: 1 }, { row: 0, col: 1 })))).toBe('');
  });

  it('clips a range that reaches past the sheet (rows removed since it was selected)', () => {
    expect(ratingsBlock(ratings, { top: 2, bottom: 9, left: 1, right: 7 })).toEqual([['2', '']]);
  });

  it('quotes a field holding a tab, a line break or a quote, as Excel does', () => {
    expect(toTsv([['Ana "A." Lee', 'a\tb'], ['two\nlines', 'plain']])).toBe('"Ana ""A."" Lee"\t"a\tb"\r\n"two\nlines"\tplain');
  });
});
