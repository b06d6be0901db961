/** Issue 12 items 4, 5: how the sweep and tune panel reads values and words its progress and results. */
import { describe, expect, it } from 'vitest';
import { axisKind, budgetOf, heatShade, progressText, sweepSummary, valueList } from './sweep-words.ts';

describe('sweep words', () => {
  it('reads a list of values with commas or spaces', () => {
    expect(valueList(' 1, 2 ,5  10;20 ')).toEqual(['1', '2', '5', '10', '20']);
    expect(valueList('adam,  sgd')).toEqual(['adam', 'sgd']);
    expect(valueList(' , ')).toEqual([]);
  });

  it('puts lr and wd on a log axis unless a value is 0, other numbers linear, names as categories', () => {
    expect(axisKind('lr', ['1e-3', '0.01'])).toBe('log');
    expect(axisKind('wd', ['0', '0.1'])).toBe('linear');
    expect(axisKind('k', ['1', '50'])).toBe('linear');
    expect(axisKind('optimizer', ['adam', 'sgd'])).toBe('category');
    expect(axisKind('bs', ['32', 'full'])).toBe('category');
  });

  it('words the queue: the run starting, the time so far and left; then the total', () => {
    expect(progressText({ kind: 'sweep', done: 2, total: 7, next: 'k=10', elapsedSeconds: 4.2, etaSeconds: 9.4 })).toBe('Sweep: run 3 of 7 (k=10) · 4 s so far · about 9 s left');
    expect(progressText({ kind: 'tune', done: 0, total: 30, next: 'rung 0 #1', elapsedSeconds: 0, etaSeconds: null })).toBe('Tune: run 1 of 30 (rung 0 #1) · 0 s so far');
    expect(progressText({ kind: 'sweep', done: 7, total: 7, next: null, elapsedSeconds: 200, etaSeconds: 0 })).toBe('Sweep: 7 of 7 runs done in 3 min');
  });

  it('names the best cell, and says when Stop cut the sweep short', () => {
    const axes = [{ setting: 'k' as const, values: ['1', '2', '5'] }];
    const cells = [{ values: ['1'], runId: 'r1', validRmse: 0.9 }, { values: ['2'], runId: 'r2', validRmse: 0.85 }];
    expect(sweepSummary({ axes, cells, cancelled: true, bestRunId: 'r2' })).toBe('Best: k 2 — valid RMSE 0.8500. Stopped after 2 of 3 runs.');
    expect(sweepSummary({ axes, cells: [], cancelled: true, bestRunId: null })).toBe('No run finished with a valid RMSE. Stopped after 0 of 3 runs.');
  });

  it('shades the best cell darkest, the worst lightest, a missing one grey', () => {
    expect(heatShade(0.8, 0.8, 1)).toBe('hsl(140 45% 38%)');
    expect(heatShade(1, 0.8, 1)).toBe('hsl(140 45% 90%)');
    expect(heatShade(0.9, 0.9, 0.9)).toBe('hsl(140 45% 38%)');
    expect(heatShade(null, 0.8, 1)).toBe('#eeeeee');
  });

  it("reads Tune's budget in whole seconds, 5 to 3600", () => {
    expect(budgetOf('30')).toEqual({ seconds: 30 });
    expect(budgetOf('120 s')).toEqual({ seconds: 120 });
    expect(budgetOf('2.5')).toEqual({ error: 'Tune\'s budget is whole seconds, e.g. 30 (got "2.5")' });
    expect(budgetOf('1')).toEqual({ error: "Tune's budget is 5 to 3600 seconds (got 1)" });
  });
});
