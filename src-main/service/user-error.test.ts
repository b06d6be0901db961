import { describe, expect, it } from 'vitest';
import { UserError, userMessage } from './user-error.ts';

describe('userMessage', () => {
  it('keeps a UserError and an ordinary error as they are', () => {
    expect(userMessage(new UserError('Rating 7 is outside the scale'))).toBe('Rating 7 is outside the scale');
    expect(userMessage(new TypeError('boom'))).toBe('boom');
    expect(userMessage('plain')).toBe('plain');
  });

  // Issue 13 finding 10: "Array buffer allocation failed" reached the user as it stands.
  it('says what a failed allocation means and what to change', () => {
    let failed: unknown;
    try {
      new ArrayBuffer(2 ** 53 - 1);
    } catch (e) {
      failed = e;
    }
    expect(failed).toBeInstanceOf(RangeError);
    expect(userMessage(failed)).toMatch(/^Not enough memory for this \(.+\): try fewer factors or smaller hidden layers, a smaller batch, or a smaller dataset$/);
    expect(userMessage(new RangeError('Array buffer allocation failed'))).toMatch(/^Not enough memory for this \(Array buffer allocation failed\)/);
    expect(userMessage(new RangeError('Maximum call stack size exceeded'))).toBe('Maximum call stack size exceeded');
  });
});
