import { describe, expect, it } from 'vitest';
import { PaintPacer, type PacerClock } from './paint-pacer.ts';

/** Frames every 1000/60 ms unless the work in one makes it longer; timers fire in time order. */
function fakeClock() {
  let now = 0;
  let frames: (() => void)[] = [];
  const timers: { at: number; callback: () => void }[] = [];
  const clock: PacerClock = {
    now: () => now,
    frame: (callback) => void frames.push(callback),
    after: (ms, callback) => void timers.push({ at: now + ms, callback }),
  };
  /** Runs frames and timers until `until` ms; `work` is how long each frame's callbacks take. */
  const run = (until: number, work: () => number) => {
    let nextFrame = Math.ceil(now / (1000 / 60)) * (1000 / 60);
    while (now < until) {
      timers.sort((a, b) => a.at - b.at);
      if (timers.length && timers[0].at <= nextFrame) {
        const t = timers.shift()!;
        now = Math.max(now, t.at);
        t.callback();
        continue;
      }
      now = Math.max(now, nextFrame);
      const due = frames;
      frames = [];
      due.forEach((f) => f());
      now += work();
      nextFrame = Math.max(nextFrame + 1000 / 60, now);
    }
  };
  return { clock, run, at: () => now, spend: (ms: number) => void (now += ms) };
}

describe('PaintPacer (issue 16 item 5)', () => {
  it('merges the updates that arrive before a frame into one paint of the newest', () => {
    const { clock, run } = fakeClock();
    const painted: number[] = [];
    let latest = 0;
    const pacer = new PaintPacer(() => painted.push(latest), clock);
    for (latest = 1; latest <= 5; latest++) pacer.request();
    latest = 5;
    run(100, () => 1);
    expect(painted).toEqual([5]);
  });

  it('paints every update where painting is cheap (slow motion keeps each step)', () => {
    const { clock, run } = fakeClock();
    let paints = 0;
    const pacer = new PaintPacer(() => paints++, clock);
    for (let n = 0; n < 10; n++) {
      pacer.request();
      run((n + 1) * 50, () => 2);
    }
    expect(paints).toBe(10);
  });

  it('after a paint that took 120 ms, leaves about as long again to input before the next', () => {
    const { clock, run, at, spend } = fakeClock();
    const paintedAt: number[] = [];
    const pacer = new PaintPacer(() => {
      paintedAt.push(at());
      spend(120);
    }, clock);
    // Updates every 33 ms for two seconds: unpaced, 3.6 s of painting a second.
    for (let t = 0; t < 2000; t += 33) {
      pacer.request();
      run(t + 33, () => 0);
    }
    const gaps = paintedAt.slice(1).map((t, i) => t - paintedAt[i]);
    expect(paintedAt.length).toBeGreaterThan(5);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(220);
    for (const gap of gaps) expect(gap).toBeLessThan(300);
  });
});
