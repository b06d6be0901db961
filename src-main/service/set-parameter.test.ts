/**
 * Factor and bias cells are editable, as in the workbook (issue 16 item 3): setParameter through
 * the real service and worker on the demo sheet, its undo and redo, and its refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import { PARAMETER_LIMIT, commandArgs, type AppState } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

describe('setParameter on the demo sheet', () => {
  let svc: DisposableService;
  let k = 0;
  const movies = (s: AppState) => s.sheet.movies.length;
  const prediction = (s: AppState, row: number, col: number) => s.numbers.snapshot.predictions[row * movies(s) + col];

  beforeAll(async () => {
    svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
    await svc.solve({});
    const s = await svc.getState({});
    k = s.numbers.snapshot.userFactors.length / s.sheet.users.length;
  });

  afterAll(() => svc.dispose());

  it("a user's factor: the value is set, that user's predictions and the RMSE move, other users' do not", async () => {
    const before = await svc.getState({});
    const patch = await svc.setParameter({ side: 'user', row: 2, factor: 1, value: 3 });
    const after = await svc.getState({});
    expect(patch.numbers!.snapshot.userFactors[2 * k + 1]).toBeCloseTo(3, 6);
    expect(after.numbers.snapshot.userFactors[2 * k + 1]).toBeCloseTo(3, 6);
    expect(after.numbers.fit.trainRmse).toBeGreaterThan(before.numbers.fit.trainRmse + 0.01);
    expect(prediction(after, 2, 0)).not.toBeCloseTo(prediction(before, 2, 0), 3);
    expect(prediction(after, 3, 0)).toBeCloseTo(prediction(before, 3, 0), 6);
    expect(patch.canUndo).toBe(true);
    expect(after.project.unsaved).toBe(true);
  });

  it("a movie's bias: every user's prediction of that movie goes up with it", async () => {
    const before = await svc.getState({});
    const was = before.numbers.snapshot.itemBias[4];
    await svc.setParameter({ side: 'item', row: 4, factor: 'bias', value: was + 0.5 });
    const after = await svc.getState({});
    expect(after.numbers.snapshot.itemBias[4]).toBeCloseTo(was + 0.5, 5);
    // With a y_range (sigmoid) or without, a higher bias means a higher prediction.
    for (const row of [0, 5, 9]) expect(prediction(after, row, 4)).toBeGreaterThan(prediction(before, row, 4));
  });

  it('undo puts the parameter back, redo sets it again, each with the RMSE that goes with it', async () => {
    const set = await svc.getState({});
    const undone = await svc.undo({});
    expect(undone.numbers!.snapshot.itemBias[4]).toBeCloseTo(set.numbers.snapshot.itemBias[4] - 0.5, 5);
    expect(undone.canRedo).toBe(true);
    const redone = await svc.redo({});
    expect(redone.numbers!.snapshot.itemBias[4]).toBeCloseTo(set.numbers.snapshot.itemBias[4], 5);
    expect(redone.numbers!.fit.trainRmse).toBeCloseTo(set.numbers.fit.trainRmse, 6);
    await svc.undo({});
    await svc.undo({});
    const back = await svc.getState({});
    expect(back.numbers.snapshot.userFactors[2 * k + 1]).not.toBeCloseTo(3, 3);
  });

  it('a Solve after a hand-set factor trains from it', async () => {
    await svc.setParameter({ side: 'user', row: 0, factor: 0, value: 5 });
    const set = await svc.getState({});
    const outcome = await svc.solve({});
    expect(outcome.epochs).toBeGreaterThan(0);
    expect(outcome.fit.trainRmse).toBeLessThan(set.numbers.fit.trainRmse);
  });

  it('a Solve from a wildly hand-set factor is not called divergence: it measures from the edited sheet', async () => {
    // The workbook's raw dot product (no sigmoid to saturate): a factor of 1000 puts the RMSE in the hundreds.
    const { config } = await svc.getState({});
    await svc.setConfig({ config: { ...config, model: { ...config.model, yRange: null } } });
    await svc.setParameter({ side: 'item', row: 1, factor: 0, value: 1000 });
    const set = await svc.getState({});
    const outcome = await svc.solve({});
    expect(outcome.stopped?.kind).not.toBe('diverged');
    expect(outcome.fit.trainRmse).toBeLessThan(set.numbers.fit.trainRmse / 10);
  });

  it('refuses, in words, a row, factor or value that is not there', async () => {
    const s = await svc.getState({});
    await expect(svc.setParameter({ side: 'user', row: s.sheet.users.length, factor: 0, value: 1 })).rejects.toThrow(`There is no user row ${s.sheet.users.length + 1} on this sheet`);
    await expect(svc.setParameter({ side: 'item', row: 0, factor: k, value: 1 })).rejects.toThrow(`There is no factor ${k + 1}: the model has ${k}`);
  });

  it('the contract bounds the value and names the parameter (the endpoint checks it before the worker sees it)', () => {
    const schema = commandArgs.setParameter;
    expect(schema.safeParse({ side: 'item', row: 0, factor: 'bias', value: -2.5 }).success).toBe(true);
    expect(schema.safeParse({ side: 'item', row: 0, factor: 0, value: PARAMETER_LIMIT + 1 }).success).toBe(false);
    expect(schema.safeParse({ side: 'item', row: 0, factor: 0, value: NaN }).success).toBe(false);
    expect(schema.safeParse({ side: 'movie', row: 0, factor: 0, value: 1 }).success).toBe(false);
    expect(schema.safeParse({ side: 'user', row: 0, factor: 'scale', value: 1 }).success).toBe(false);
  });
});
