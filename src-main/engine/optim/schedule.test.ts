import { describe, expect, it } from 'vitest';
import { combineScheds, oneCycle, schedConst, schedCos, schedLin, schedulesFor } from './schedule.ts';

describe('fastai schedules', () => {
  it('SchedCos and SchedLin end points and midpoint', () => {
    expect(schedCos(1, 3)(0)).toBe(1);
    expect(schedCos(1, 3)(1)).toBeCloseTo(3, 12);
    expect(schedCos(1, 3)(0.5)).toBeCloseTo(2, 12);
    expect(schedLin(1, 3)(0.25)).toBe(1.5);
  });

  it('combineScheds gives each piece its local progress', () => {
    const s = combineScheds([0.3, 0.7], [schedLin(0, 1), schedLin(10, 20)]);
    expect(s(0.15)).toBeCloseTo(0.5, 12);
    expect(s(0.3)).toBe(10);
    expect(s(0.65)).toBeCloseTo(15, 12);
    expect(s(1)).toBe(20);
    expect(() => combineScheds([0.5, 0.4], [schedConst(1), schedConst(2)])).toThrow(/sum/);
  });

  it('fit_one_cycle(lr_max=5e-3): lr and mom at pos 0, 0.25, 1 (and the midpoints)', () => {
    const { lr, mom } = oneCycle(5e-3);
    expect(lr(0)).toBeCloseTo(5e-3 / 25, 15);
    expect(lr(0.125)).toBeCloseTo((5e-3 / 25 + 5e-3) / 2, 15);
    expect(lr(0.25)).toBeCloseTo(5e-3, 15);
    expect(lr(1)).toBeCloseTo(5e-3 / 1e5, 15);
    expect(mom(0)).toBeCloseTo(0.95, 15);
    expect(mom(0.25)).toBeCloseTo(0.85, 15);
    expect(mom(0.625)).toBeCloseTo(0.9, 12);
    expect(mom(1)).toBeCloseTo(0.95, 15);
  });

  it('constant keeps lr and mom', () => {
    const s = schedulesFor('constant', 0.01, 0.9);
    expect([s.lr(0), s.lr(0.7), s.mom(1)]).toEqual([0.01, 0.01, 0.9]);
  });
});
