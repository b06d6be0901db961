import { describe, expect, it } from 'vitest';
import { Refresher } from './refresher.ts';

/** A refresh that stays in flight until the test lets it finish. */
function controlled() {
  const finish: (() => void)[] = [];
  let runs = 0;
  const refresher = new Refresher(() => {
    runs++;
    return new Promise<void>((resolve) => finish.push(resolve));
  });
  const settle = async () => {
    finish.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { refresher, runs: () => runs, settle, pending: () => finish.length };
}

describe('Refresher', () => {
  it('runs at once when idle', () => {
    const c = controlled();
    c.refresher.request();
    expect(c.runs()).toBe(1);
  });

  it('folds a burst of requests during a run into exactly one more run', async () => {
    const c = controlled();
    c.refresher.request();
    c.refresher.request();
    c.refresher.request();
    c.refresher.request();
    expect(c.runs()).toBe(1);
    await c.settle();
    expect(c.runs()).toBe(2);
    await c.settle();
    expect(c.runs()).toBe(2);
    expect(c.pending()).toBe(0);
  });

  it('reports a failed run and still runs again when asked meanwhile', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const refresher = new Refresher(async () => {
      runs++;
      if (runs === 1) {
        refresher.request();
        throw new Error('refused');
      }
    }, (e) => errors.push(e));
    refresher.request();
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
