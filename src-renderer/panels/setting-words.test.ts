import { describe, expect, it } from 'vitest';
import { readNumber, speedNote } from './setting-words.ts';
import { stepSeriesWords } from './chart-words.ts';

// Issue 16 item 4: settings that explain themselves.
describe('the settings panel in words', () => {
  it('"Epochs per second 0" reads as "as fast as possible"; other values say what they do', () => {
    expect(speedNote(0)).toBe('as fast as possible');
    expect(speedNote(1)).toMatch(/^at most 1 epoch a second: slow motion/);
    expect(speedNote(30)).toMatch(/^at most 30 epochs a second: .*\(0 = as fast as possible\)$/);
  });

  it('a field left empty or holding no number is named, not reverted silently', () => {
    expect(readNumber('Learning rate', ' 0.01 ')).toEqual({ value: 0.01 });
    expect(readNumber('Learning rate', '')).toEqual({ error: 'Learning rate needs a number' });
    expect(readNumber('Weight decay', '1e')).toEqual({ error: 'Weight decay needs a number, got "1e"' });
  });
});

describe("the chart's second series", () => {
  it('is named plainly: no "L-BFGS step length"', () => {
    expect(stepSeriesWords('lbfgs').name).toBe('step size');
    expect(stepSeriesWords('adam').name).toBe('learning rate');
    for (const kind of ['sgd', 'momentum', 'adam', 'lbfgs'] as const) expect(JSON.stringify(stepSeriesWords(kind))).not.toMatch(/step length/);
  });
});
