import { describe, expect, it } from 'vitest';
import { ConvergenceWatch } from './convergence.ts';

describe('ConvergenceWatch (issue 16 item 4: Solver\'s rule)', () => {
  const rule = { tolerance: 1e-6, epochs: 3 };

  it('converges after `epochs` changes in a row below the tolerance, not before', () => {
    const w = new ConvergenceWatch(rule);
    expect([1, 0.5, 0.5, 0.5].map((r) => w.note(r))).toEqual([false, false, false, false]);
    expect(w.note(0.5)).toBe(true);
  });

  it('a change above the tolerance starts the count over; so does reset', () => {
    const w = new ConvergenceWatch(rule);
    for (const r of [1, 1, 1]) w.note(r);
    expect(w.note(1 - 1e-5)).toBe(false); // relative change 1e-5
    expect([1 - 1e-5, 1 - 1e-5].map((r) => w.note(r))).toEqual([false, false]);
    w.reset();
    expect([1 - 1e-5, 1 - 1e-5, 1 - 1e-5].map((r) => w.note(r))).toEqual([false, false, false]);
    expect(w.note(1 - 1e-5)).toBe(true);
  });

  it('the change is relative: 1e-7 on an RMSE of 0.01 is a change', () => {
    const w = new ConvergenceWatch(rule);
    for (const r of [0.01, 0.01, 0.01, 0.01]) w.note(r);
    expect(w.note(0.01 - 1e-7)).toBe(false);
  });
});
