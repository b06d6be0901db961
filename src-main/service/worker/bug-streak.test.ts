import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.ts';
import { BugStreak } from './bug-streak.ts';

describe('BugStreak', () => {
  it('reports the second bug in a row, once; a refusal or a success in between resets it', () => {
    const s = new BugStreak();
    expect(s.failed(new TypeError('Session already disposed'))).toBe(false);
    expect(s.failed(new TypeError('Session already disposed'))).toBe(true);
    expect(s.failed(new TypeError('Session already disposed'))).toBe(false);
    const t = new BugStreak();
    t.failed(new Error('bug'));
    t.failed(new UserError('Nothing to undo'));
    expect(t.failed(new Error('bug'))).toBe(false);
    t.succeeded();
    expect(t.failed(new Error('bug'))).toBe(false);
  });
});
