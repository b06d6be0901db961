/**
 * Issue 13 finding 5, the session half: install() disposed the old trainer before chooseVisibleBlock
 * threw on a crafted view ("Invalid typed array length: -5"), and every later command answered
 * "Session already disposed". The old sheet must stay whole when any step of an install throws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../../io/resources.ts';
import { readSource } from './sheet-sources.ts';
import { TrainingSession } from './training-session.ts';

let session: TrainingSession;

beforeAll(async () => {
  session = new TrainingSession({ epochs: () => {}, progress: () => {}, notice: () => {} }, () => false);
  await session.load({ source: { kind: 'sheet-file', path: demoSheetPath() }, split: { validPct: 0, splitSeed: 42 }, config: null, crosstab: 15 });
});

afterAll(() => session.dispose());

describe('install', () => {
  it('leaves the sheet before it working when the new one fails at its last step (the visible block)', async () => {
    const before = session.viewResult();
    const name = session.current().sheet.name;
    const sheet = await readSource({ kind: 'planted', name: 'other', spec: { users: 30, items: 20, ratings: 300, rank: 2, noise: 0.2, seed: 1 }, scale: { lo: 1, hi: 5, step: 1 } });
    await expect(session.install({ sheet, split: { method: 'random', validPct: 0, seed: 42 }, config: null, view: { size: -5, pinUsers: [], pinItems: [] } })).rejects.toThrow(/Invalid typed array length: -5/);
    expect(session.current().sheet.name).toBe(name);
    expect(session.viewResult()).toEqual(before);
    const trained = await session.train({ maxEpochs: 1, epochsPerSecond: 0 });
    expect(trained.epochs).toBe(1);
    const edited = await session.edit([{ user: 0, item: 0, rating: 1 }]);
    expect(edited.totals.users).toBe(before.split.totals.users);
  });
});
