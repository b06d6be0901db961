import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, formatFloat32, tsvField } from './text-format.ts';

describe('formatFloat32', () => {
  it('reads back as the same float32, for any float32', () => {
    fc.assert(fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(Object.is(Math.fround(Number(formatFloat32(x))), Math.fround(x))).toBe(true);
    }), { numRuns: 5000 });
  });

  it('is the short form people expect', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(-2.5))).toBe('-2.5');
    expect(formatFloat32(0)).toBe('0');
    expect(formatFloat32(Math.fround(1 / 3))).toBe('0.33333334');
    expect(formatFloat32(Math.fround(1e-8))).toBe('1e-8');
  });
});

describe('fields', () => {
  it('quotes CSV fields only when needed, doubling quotes', () => {
    expect(csvField('Toy Story (1995)')).toBe('Toy Story (1995)');
    expect(csvField('Silence of the Lambs, The (1991)')).toBe('"Silence of the Lambs, The (1991)"');
    expect(csvField('He said "no"')).toBe('"He said ""no"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
  });

  it('turns tabs and line breaks inside TSV fields into spaces', () => {
    expect(tsvField('a\tb\r\nc')).toBe('a b c');
    expect(tsvField('He said "no", twice')).toBe('He said "no", twice');
  });
});
