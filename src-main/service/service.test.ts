/**
 * The service end to end with the real training worker thread and the real trainer, on the demo
 * sheet: what the renderer relies on, without a renderer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted } from '../data/synthetic.ts';
import { demoSheetPath } from '../io/resources.ts';
import type { AppState, EventMessage } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

describe('service on the demo sheet', () => {
  let svc: DisposableService;
  const events: EventMessage[] = [];
  const missing = (s: AppState) => {
    for (let r = 0; r < s.sheet.ratings.length; r++) {
      const c = s.sheet.ratings[r].indexOf(null);
      if (c >= 0) return { row: r, col: c };
    }
    throw new Error('the demo sheet has no blank cell');
  };
  const predictionAt = (s: AppState, row: number, col: number) =>
    s.numbers.snapshot.predictions[row * s.sheet.movies.length + col];

  beforeAll(async () => {
    svc = await createService(tsxWorkerFactory, {
      source: { kind: 'sheet-file', path: demoSheetPath() },
      settings: { epochsPerSecond: 0 },
    });
    svc.subscribe((e) => events.push(e));
  });

  afterAll(() => svc.dispose());

  it('opens the sheet with untrained numbers for every visible cell', async () => {
    const s = await svc.getState({});
    expect(s.sheet.users).toHaveLength(15);
    expect(s.sheet.movies[0].title).toBe('Die Hard (1988)');
    expect(s.numbers.snapshot.predictions).toHaveLength(225);
    expect(s.numbers.snapshot.userFactors).toHaveLength(15 * s.config.model.factors);
    expect(s.config.batchSize).toBe('full');
    expect(s.numbers.fit.trainRmse).toBeGreaterThan(1);
    expect(s.numbers.fit.validRmse).toBeNull();
    expect(s.history).toEqual([]);
  });

  it('solves: RMSE falls, every epoch reaches the history, the sheet numbers stream as events', async () => {
    const before = await svc.getState({});
    events.length = 0;
    const outcome = await svc.solve({});
    // A full-batch Solve ends where the RMSE goes flat, and says at which epoch (issue 16 item 4).
    expect(outcome.stopped).toEqual({ kind: 'converged', epoch: outcome.epochs });
    expect(outcome.epochs).toBeLessThan(before.config.epochs);
    expect(events).toContainEqual({ event: 'message', payload: { level: 'info', text: expect.stringMatching(new RegExp(`^Converged at epoch ${outcome.epochs} \\(RMSE \\d\\.\\d{4}\\)`)) } });
    expect(outcome.fit.trainRmse).toBeLessThan(before.numbers.fit.trainRmse / 2);
    const after = await svc.getState({});
    expect(after.history.map((m) => m.epoch)).toEqual(Array.from({ length: outcome.epochs }, (_, i) => i + 1));
    const epochEvents = events.filter((e) => e.event === 'epoch');
    expect(epochEvents.length).toBeGreaterThan(0);
    expect(epochEvents.flatMap((e) => e.payload.metrics)).toHaveLength(outcome.epochs);
    expect(after.numbers.snapshot.userFactors).not.toEqual(before.numbers.snapshot.userFactors);
    // Events carry what changed: the run's status twice, the epochs once each, never the whole state.
    expect(events.some((e) => e.event === 'state')).toBe(false);
    const statuses = events.flatMap((e) => (e.event === 'changed' && e.payload.status ? [e.payload.status] : []));
    expect(statuses).toEqual(['training', 'idle']);
  });

  it('moves the prediction of an edited cell towards the new rating after a Step', async () => {
    const s = await svc.getState({});
    const cell = missing(s);
    const before = predictionAt(s, cell.row, cell.col);
    const target = before > 2.75 ? 0.5 : 5;
    events.length = 0;
    const patch = await svc.setRating({ ...cell, rating: target });
    // The reply and the event carry the one cell, not the sheet.
    expect(patch.sheet).toBeUndefined();
    expect(patch.cells?.updates).toEqual([{ ...cell, rating: target, heldOut: false }]);
    expect(events.filter((e) => e.event === 'changed').map((e) => e.payload)).toEqual([patch]);
    const edited = await svc.getState({});
    expect(edited.sheet.ratings[cell.row][cell.col]).toBe(target);
    expect(edited.canUndo).toBe(true);
    await svc.step({});
    const after = predictionAt(await svc.getState({}), cell.row, cell.col);
    expect(Math.abs(after - target)).toBeLessThan(Math.abs(before - target));
    expect((await svc.undo({})).canRedo).toBe(true);
    const undone = await svc.getState({});
    expect(undone.sheet.ratings[cell.row][cell.col]).toBeNull();
    expect(undone.canRedo).toBe(true);
  });

  it('refuses a rating outside the scale, naming the cell', async () => {
    await expect(svc.setRating({ row: 0, col: 0, rating: 7 })).rejects.toThrow(
      "Ana × Die Hard (1988): 7 is outside the sheet's rating scale 0.5–5",
    );
    await expect(svc.setRating({ row: 15, col: 0, rating: 3 })).rejects.toThrow('There is no cell at row 16, column 1');
  });

  it('pastes a block as one undo step, and refuses one that does not fit', async () => {
    const s = await svc.getState({});
    const block = [[1, null, 2], [3, 4, 5]];
    const differing = block.flatMap((values, r) => values.filter((v, c) => s.sheet.ratings[13 + r][12 + c] !== v));
    // One update per cell the paste changed (the blank in the block clears a rated cell).
    expect((await svc.paste({ row: 13, col: 12, text: '1\t\t2\n3\t4\t5\n' })).cells?.updates).toHaveLength(differing.length);
    const pasted = await svc.getState({});
    expect(pasted.sheet.ratings[13].slice(12)).toEqual([1, null, 2]);
    expect(pasted.sheet.ratings[14].slice(12)).toEqual([3, 4, 5]);
    await svc.undo({});
    expect((await svc.getState({})).sheet.ratings).toEqual(s.sheet.ratings);
    await expect(svc.paste({ row: 14, col: 14, text: '1\t2' })).rejects.toThrow('does not fit the 15 × 15 sheet');
  });

  it('stops a running Solve within a moment and refuses edits meanwhile', async () => {
    const s = await svc.getState({});
    await svc.setSettings({ settings: { ...s.settings, epochsPerSecond: 20 } });
    const run = svc.solve({});
    await expect(svc.setRating({ row: 0, col: 0, rating: 3 })).rejects.toThrow('Training is running');
    await expect(svc.solve({})).rejects.toThrow('already running');
    await new Promise((r) => setTimeout(r, 300));
    await svc.stop({});
    const outcome = await run;
    // How soon is a measurement (e2e/measure/large-data.ts); here: it stopped, early.
    expect(outcome.stopped).toEqual({ kind: 'cancelled' });
    expect(outcome.epochs).toBeGreaterThan(0);
    expect(outcome.epochs).toBeLessThan(s.config.epochs);
    expect((await svc.getState({})).status).toBe('idle');
    await svc.setSettings({ settings: s.settings });
  });

  it('holds out a validation split and reports valid RMSE', async () => {
    const s = await svc.getState({});
    await svc.setSettings({ settings: { ...s.settings, validPct: 0.2 } });
    const split = await svc.getState({});
    expect(split.numbers.fit.validRmse).not.toBeNull();
    expect(split.sheet.totals.validRatings).toBeGreaterThan(20);
    expect(split.sheet.heldOut.flat().filter(Boolean).length).toBeGreaterThan(20);
    const outcome = await svc.step({});
    expect(outcome.fit.validRmse).not.toBeNull();
    await svc.setSettings({ settings: s.settings });
  });

  it('resets to fresh factors with a seed, clearing the history', async () => {
    expect((await svc.reset({ seed: 1, init: 'uniform' })).historyCleared).toBe(true);
    const a = await svc.getState({});
    expect(a.history).toEqual([]);
    expect(a.config.model.init).toBe('uniform');
    expect(a.config.seed).toBe(1);
    expect(Math.min(...a.numbers.snapshot.userFactors)).toBeGreaterThanOrEqual(0);
    await svc.reset({ seed: 1, init: 'uniform' });
    const b = await svc.getState({});
    expect(b.numbers.snapshot.userFactors).toEqual(a.numbers.snapshot.userFactors);
  });

  it('opens a ratings file with its titles, showing the most active users × most rated movies', async () => {
    await expect(svc.openRatings({ path: '/nonexistent/u.data' })).rejects.toThrow(/u\.data/);
    expect((await svc.getState({})).sheet.name).toBe('Demo: 15 friends rate 15 movies');
    const dir = mkdtempSync(join(tmpdir(), 'collabsheet-open-'));
    const { data } = generatePlanted({ users: 40, items: 30, ratings: 600, rank: 2, noise: 0.3, seed: 5, scale: { lo: 1, hi: 5, step: 1 } });
    const lines = Array.from(data.ratings, (r, n) => `${data.users[n] + 1}\t${data.items[n] + 1}\t${r}\t881250949`);
    writeFileSync(join(dir, 'u.data'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'u.item'), Array.from({ length: 30 }, (_, i) => `${i + 1}|Movie ${i + 1} (1999)|01-Jan-1999||http://x|0|1`).join('\n'));
    const s = await svc.openRatings({ path: join(dir, 'u.data') });
    expect(s.sheet.name).toBe('u.data');
    expect(s.sheet.totals).toMatchObject({ users: 40, movies: 30, ratings: 600 });
    expect(s.sheet.users).toHaveLength(15);
    expect(s.sheet.movies[0].title).toMatch(/^Movie \d+ \(1999\)$/);
    expect(s.sheet.scale).toEqual({ lo: 1, hi: 5, step: 1 });
    expect(s.history).toEqual([]);
    expect(s.canUndo).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    const demo = await svc.openRatings({ path: demoSheetPath() });
    expect(demo.sheet.users).toHaveLength(15);
  });

  it('keeps learned parameters across a setConfig that keeps the shape, and explains a refused one', async () => {
    await svc.solve({});
    const s = await svc.getState({});
    expect((await svc.setConfig({ config: { ...s.config, optim: { ...s.config.optim, lr: 0.05 } } })).historyCleared).toBeUndefined();
    const changed = await svc.getState({});
    expect(changed.numbers.snapshot.userFactors).toEqual(s.numbers.snapshot.userFactors);
    expect(changed.history).toHaveLength(s.history.length);
    await expect(
      svc.setConfig({ config: { ...s.config, batchSize: 64, optim: { ...s.config.optim, optimizer: 'lbfgs' } } }),
    ).rejects.toThrow(/Cannot train with these settings: .*L-BFGS/);
    await svc.setConfig({ config: { ...s.config, model: { ...s.config.model, factors: 3 } } });
    const k3 = await svc.getState({});
    expect(k3.numbers.snapshot.userFactors).toHaveLength(45);
    expect(k3.history).toEqual([]);
  });

  // Issue 13 finding 10: a 500k-line paste answered "Maximum call stack size exceeded" (a
  // Math.max(...) over the block's rows); it must be the ordinary "does not fit" refusal.
  it('refuses a 500,000-line paste in words, not with a stack overflow', async () => {
    await expect(svc.paste({ row: 0, col: 0, text: '3\n'.repeat(500_000) })).rejects.toThrow(
      'Paste: a 500000 × 1 block at Ana × Die Hard (1988) does not fit the 15 × 15 sheet',
    );
  });

  // Issue 13 finding 11: `device: cuda` was accepted silently on a machine without CUDA.
  it('says once, as a warning, that the device asked for is not used', async () => {
    const s = await svc.getState({});
    events.length = 0;
    await svc.setConfig({ config: { ...s.config, device: 'cuda' } });
    await svc.setConfig({ config: { ...s.config, device: 'cuda', optim: { ...s.config.optim, lr: 0.5 } } });
    // This build ships no CUDA provider library (engine/runtime/session.test.ts).
    const warnings = events.filter((e) => e.event === 'message');
    expect(warnings).toEqual([{ event: 'message', payload: { level: 'warning', text: expect.stringMatching(/^The cuda device is not available here .*training runs on the CPU instead/) } }]);
    expect((await svc.step({})).epochs).toBe(1);
    await svc.setConfig({ config: s.config });
  });

  // Issue 13 finding 11: SGD at lr 100 on the demo sheet reached RMSE 28,403 without a word.
  it('stops a Solve whose RMSE climbs far above the start, tells the user, and keeps the last good factors', async () => {
    await svc.reset({ seed: 42, init: 'trunc-normal' });
    const s = await svc.getState({});
    const config = { ...s.config, model: { ...s.config.model, yRange: null }, optim: { ...s.config.optim, optimizer: 'sgd' as const, lr: 100, schedule: 'constant' as const } };
    await svc.setConfig({ config });
    const start = (await svc.getState({})).numbers;
    events.length = 0;
    const outcome = await svc.solve({});
    expect(outcome.stopped).toMatchObject({ kind: 'diverged', message: expect.stringMatching(/more than 10× .*learning rate 100 is too high: try 10 or lower/) });
    expect(outcome.fit.trainRmse).toBeLessThanOrEqual(10 * start.fit.trainRmse);
    const told = events.filter((e) => e.event === 'message').map((e) => e.payload);
    expect(told).toEqual([{ level: 'error', text: expect.stringMatching(/^Training diverged: train RMSE [\d,.]+ in epoch \d+ is more than 10×/) }]);
    await svc.setConfig({ config: s.config });
  });
});

describe('service on big data (≥ 2^19 ratings: blocked order, the scale of an exact fit)', () => {
  let svc: DisposableService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'collabsheet-big-'));
    const { data } = generatePlanted({ users: 3000, items: 1500, ratings: 600_000, rank: 4, noise: 0.4, seed: 6, scale: { lo: 1, hi: 5, step: 1 } });
    const lines = Array.from(data.ratings, (r, n) => `${data.users[n] + 1}\t${data.items[n] + 1}\t${r}\t881250949`);
    writeFileSync(join(dir, 'u.data'), lines.join('\n') + '\n');
    svc = await createService(tsxWorkerFactory, { source: { kind: 'ratings-file', path: join(dir, 'u.data') }, settings: { epochsPerSecond: 0 } });
  });

  afterAll(async () => {
    await svc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows each epoch's own metrics as the fit: no exact pass over every rating after an epoch", async () => {
    const before = await svc.getState({});
    expect(before.sheet.totals.ratings).toBe(600_000);
    const outcome = await svc.step({});
    expect(outcome.stopped).toBeNull();
    const after = await svc.getState({});
    const last = after.history.at(-1)!;
    // The running train RMSE (each batch before its step) differs from an exact pass afterwards.
    expect(outcome.fit.trainRmse).toBe(last.trainRmse);
    expect(after.numbers.fit.trainRmse).toBe(last.trainRmse);
    expect(outcome.fit.trainRmse).toBeLessThan(before.numbers.fit.trainRmse);
  }, 120_000);
});

describe('closing the service', () => {
  // Closing used to release the trainer under a running epoch and terminate the thread while it
  // could be inside ONNX Runtime, which aborts the whole process (the test runner with it).
  it('mid-Solve stops the run, lets the batch end, and closes cleanly, whenever it comes', async () => {
    for (const afterMs of [0, 15, 60, 150]) {
      const svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() } });
      await svc.newSynthetic({
        spec: { users: 2000, items: 1000, ratings: 200_000, rank: 3, noise: 0.3, popularitySkew: 0.5, seed: 1 },
        split: { method: 'random', validPct: 0.1, seed: 42 },
      });
      const solving = svc.solve({}).then(
        (outcome) => outcome.stopped?.kind ?? 'finished',
        (error: Error) => error.message,
      );
      await new Promise((r) => setTimeout(r, afterMs));
      await svc.dispose();
      expect(await solving).toMatch(/^(cancelled|finished)$/);
    }
  }, 120_000);
});
