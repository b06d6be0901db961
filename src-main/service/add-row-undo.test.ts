/**
 * Issue 13 item 8: adding a user or movie row is undoable. Through the real service and worker
 * on the demo sheet: the row goes and comes back with its ratings, the model loses its row too
 * (a saved project opens again), and the sheet still Solves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import type { AppState } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

describe('undoing an added user or movie', () => {
  let svc: DisposableService;
  let dir: string;
  let before: AppState;
  const k = (s: AppState) => s.config.model.factors;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'collabsheet-add-row-undo-'));
    svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
    before = await svc.getState({});
  });

  afterAll(async () => {
    await svc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('undo removes a new user after the rating typed into it, redo brings both back', async () => {
    const added = await svc.addUser({});
    expect(added.canUndo).toBe(true);
    const row = before.sheet.users.length;
    await svc.setRating({ row, col: 0, rating: 4 });

    await svc.undo({}); // the rating
    const removed = await svc.undo({}); // the row
    expect(removed.sheet?.users).toEqual(before.sheet.users);
    expect(removed.canRedo).toBe(true);
    const s = await svc.getState({});
    expect(s.sheet.users).toEqual(before.sheet.users);
    expect(s.sheet.totals).toEqual(before.sheet.totals);
    expect(s.numbers.snapshot.userFactors).toHaveLength(before.sheet.users.length * k(s));
    expect(s.canUndo).toBe(false);

    const back = await svc.redo({});
    expect(back.sheet?.users.at(-1)).toEqual({ id: 'new-user-1', label: 'New user 1' });
    await svc.redo({});
    const t = await svc.getState({});
    expect(t.sheet.ratings[row][0]).toBe(4);
    expect(t.sheet.totals).toEqual({ ...before.sheet.totals, users: before.sheet.totals.users + 1, ratings: before.sheet.totals.ratings + 1 });
    expect(t.canRedo).toBe(false);
    await svc.undo({});
    await svc.undo({});
  });

  it('undo removes a new movie column; the model keeps every other row; the sheet Solves and saves', async () => {
    const trained = await svc.solve({});
    // A full-batch Solve ends at its budget or where it converges (issue 16 item 4), not otherwise.
    expect(trained.stopped?.kind ?? 'finished').toMatch(/^(finished|converged)$/);
    const solved = await svc.getState({});
    await svc.addMovie({ title: 'Speed (1994)' });
    await svc.addUser({ label: 'Zoe' });
    await svc.undo({});
    const removed = await svc.undo({});
    expect(removed.sheet?.movies).toEqual(before.sheet.movies);
    const s = await svc.getState({});
    expect(s.sheet.totals).toEqual(before.sheet.totals);
    // The trained parameters of the rows that stay are untouched by the removal.
    expect(s.numbers.snapshot.itemFactors).toEqual(solved.numbers.snapshot.itemFactors);
    expect(s.numbers.snapshot.userFactors).toEqual(solved.numbers.snapshot.userFactors);
    expect(s.numbers.fit.trainRmse).toBeCloseTo(solved.numbers.fit.trainRmse, 6);

    const outcome = await svc.solve({});
    expect(outcome.stopped?.kind ?? 'finished').toMatch(/^(finished|converged)$/);
    expect(outcome.fit.trainRmse).toBeLessThanOrEqual(solved.numbers.fit.trainRmse + 1e-3);
    // Before the model lost its rows too, the project saved a 16-row table for 15 movies and
    // would not open: "saved item_factors has shape [16,…], the model needs [15,…]".
    await svc.saveProject({ path: join(dir, 'after-undo') });
    const opened = await svc.openProject({ path: join(dir, 'after-undo.collabsheet') });
    expect(opened.sheet.movies).toEqual(before.sheet.movies);
  });
});
