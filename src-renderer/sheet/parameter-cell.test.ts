import { describe, expect, it } from 'vitest';
import { parameterEditText, parameterOf, parseTypedNumber, typedParameter } from './parameter-cell.ts';

// Issue 16 item 3: factor and bias cells are editable, as in the workbook.
describe('which parameter a cell is', () => {
  const user = { kind: 'user' as const, id: 'u:7', row: 3 };

  it("a user row's factor and bias columns are that user's parameters; its ratings and label are not", () => {
    expect(parameterOf(user, 'uf2')).toEqual({ side: 'user', row: 3, factor: 2 });
    expect(parameterOf(user, 'ub')).toEqual({ side: 'user', row: 3, factor: 'bias' });
    expect(parameterOf(user, 'm4')).toBeNull();
    expect(parameterOf(user, 'label')).toBeNull();
  });

  it("the pinned rows above a movie are that movie's factors and bias; the corner beside them is not", () => {
    expect(parameterOf({ kind: 'movie-factor', id: 'mf:1', factor: 1 }, 'm4')).toEqual({ side: 'item', row: 4, factor: 1 });
    expect(parameterOf({ kind: 'movie-bias', id: 'mb' }, 'm0')).toEqual({ side: 'item', row: 0, factor: 'bias' });
    expect(parameterOf({ kind: 'movie-factor', id: 'mf:0', factor: 0 }, 'uf0')).toBeNull();
    expect(parameterOf(undefined, 'm0')).toBeNull();
  });
});

describe('typing a parameter', () => {
  const p = { side: 'user' as const, row: 2, factor: 1 };

  it('reads numbers as people type them, a decimal comma included', () => {
    expect(['0.5', '.5', '-1', '+2', '1e-3', '0,25', ' 3 '].map(parseTypedNumber)).toEqual([0.5, 0.5, -1, 2, 0.001, 0.25, 3]);
    expect(['', 'abc', '1.2.3', '--1', '1e999', 'Infinity'].map(parseTypedNumber)).toEqual([null, null, null, null, null, null]);
  });

  it('says in words what is wrong, naming the parameter', () => {
    expect(typedParameter(p, '0.7', 'Ana')).toEqual({ value: 0.7 });
    expect(typedParameter(p, 'x1', 'Ana')).toEqual({ error: `"x1" is not a number: type a value for Ana's factor 2, e.g. 0.5 or -1.2` });
    expect(typedParameter({ ...p, factor: 'bias' }, ' ', 'Ana')).toEqual({ error: "Ana's bias cannot be blank: type a number, e.g. 0.5" });
  });

  it('F2 opens a parameter with its value to 6 digits (the cell shows 2)', () => {
    expect(parameterEditText(Math.fround(0.123456789))).toBe('0.123457');
    expect(parameterEditText(-1.5)).toBe('-1.5');
    expect(parameterEditText(undefined)).toBe('');
  });
});
