import { describe, expect, it } from 'vitest';
import { formatTable } from './table.ts';

describe('formatTable', () => {
  it('sizes each column by its widest cell', () => {
    expect(formatTable(['id', 'n'], [['a', '1'], ['bbb', '22']], [1])).toBe('id    n\n---  --\na     1\nbbb  22');
  });

  // Issue 13 finding 10 (the Math.max(...) spread sites): 300k rows overflowed the call stack.
  it('takes a table of 300,000 rows', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i)]);
    expect(formatTable(['row'], rows).split('\n')).toHaveLength(300_002);
  });
});
