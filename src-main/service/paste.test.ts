import { describe, expect, it } from 'vitest';
import { parsePastedBlock } from './paste.ts';

const scale = { lo: 0.5, hi: 5, step: 0.5 };

describe('parsePastedBlock', () => {
  it('reads a tab-separated block with blanks as missing, ignoring the trailing newline', () => {
    expect(parsePastedBlock('4\t\t3.5\r\n 2 \t5\t1\n', scale)).toEqual([
      [4, null, 3.5],
      [2, 5, 1],
    ]);
  });

  it('accepts a decimal comma', () => {
    expect(parsePastedBlock('3,5\t4', scale)).toEqual([[3.5, 4]]);
  });

  it('names the line and column of a field that is not a rating', () => {
    expect(() => parsePastedBlock('4\t5\n3\tgood', scale)).toThrow('Paste line 2, column 2: "good" is not a rating');
    expect(() => parsePastedBlock('0x4', scale)).toThrow('"0x4" is not a rating');
  });

  it('refuses a rating outside the scale', () => {
    expect(() => parsePastedBlock('4\t7', scale)).toThrow("Paste line 1, column 2: 7 is outside the sheet's rating scale 0.5–5");
  });

  it('refuses an empty clipboard', () => {
    expect(() => parsePastedBlock('', scale)).toThrow('the clipboard is empty');
  });
});
