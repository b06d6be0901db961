/** Issue 12 item 3: which rate "Use this rate" takes, and how the plot writes rates. */
import { describe, expect, it } from 'vitest';
import { shortRate, suggestionToUse } from './lr-find-words.ts';

describe('lr_find words', () => {
  it('uses the valley, else the steepest point, else a tenth of the minimum', () => {
    expect(suggestionToUse({ valley: 2e-3, steep: 1e-2, minimum: 0.1 })).toBe(2e-3);
    expect(suggestionToUse({ valley: null, steep: 1e-2, minimum: 0.1 })).toBe(1e-2);
    expect(suggestionToUse({ valley: null, steep: null, minimum: 0.1 })).toBeCloseTo(0.01, 12);
    expect(suggestionToUse({ valley: null, steep: null, minimum: null })).toBeNull();
  });

  it('writes rates short', () => {
    expect([1e-7, 0.00123, 0.05, 1, 10].map(shortRate)).toEqual(['1e-7', '1.2e-3', '0.05', '1', '10']);
  });
});
