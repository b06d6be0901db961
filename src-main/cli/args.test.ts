import { describe, expect, it } from 'vitest';
import { CliUsageError, parseTrainArgs } from './args.ts';

describe('--updates', () => {
  it('is left to the trainer unless given', () => {
    expect(parseTrainArgs(['r.csv'])!.config.optim.updates).toBeUndefined();
    expect(parseTrainArgs(['r.csv', '--updates', 'dense'])!.config.optim.updates).toBe('dense');
  });
  it('refuses anything but lazy or dense', () => {
    expect(() => parseTrainArgs(['r.csv', '--updates', 'sparse'])).toThrow(CliUsageError);
    expect(() => parseTrainArgs(['r.csv', '--updates', 'sparse'])).toThrow("--updates: expected lazy|dense, got 'sparse'");
  });
});
