/**
 * Issue 15 through the service and the real training worker: the contract carries the feature
 * files of an import and the features of + Movie / + User, and the worker tells the user what
 * happened to the new row (the e2e features.spec found + Movie with genres also told "learns at
 * the next Solve"). Files are generated here, with the planted generator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted, plantedFeatureCsvs } from '../data/synthetic.ts';
import { demoSheetPath } from '../io/resources.ts';
import { writeRatingsCsv } from '../io/ratings-csv.ts';
import type { EventMessage } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-side-features-service-'));
const file = (name: string) => join(dir, name);
const SPEC = { users: 120, items: 60, ratings: 3000, rank: 3, noise: 0.3, seed: 9, popularitySkew: 0.5, scale: { lo: 1, hi: 5, step: 1 }, features: { genres: 6, ageBuckets: 3 } };

let svc: DisposableService;
const events: EventMessage[] = [];
const messages = () => events.flatMap((e) => (e.event === 'message' ? [e.payload.text] : []));

beforeAll(async () => {
  const { data, truth } = generatePlanted(SPEC);
  await writeRatingsCsv(data, file('ratings.csv'), { columns: { user: 'userId', item: 'movieId', rating: 'rating' } });
  const csv = plantedFeatureCsvs(data, truth.features!);
  writeFileSync(file('items.csv'), csv.items);
  writeFileSync(file('users.csv'), csv.users);
  svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 }, recoveryDir: file('recovery') });
  svc.subscribe((e) => events.push(e));
}, 60_000);

afterAll(async () => {
  await svc.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('side features through the service (issue 15 items 1, 3)', () => {
  it('imports them, trains the neural model with them, and predicts + Movie / + User from theirs, saying so once', async () => {
    const o = await svc.importRatings({ path: file('ratings.csv'), badRows: 'fail', split: { method: 'random', validPct: 0.1, seed: 42 }, itemFeatures: file('items.csv'), userFeatures: file('users.csv') });
    if (o.kind !== 'imported') throw new Error(`expected an import, got ${o.kind}`);
    expect(o.report.features.map((f) => f.summary)).toEqual([`${SPEC.items} of ${SPEC.items} movies have genres; 0 unknown`, `${SPEC.users} of ${SPEC.users} users have age_bucket; 0 unknown`]);
    expect(o.state.sheet.data.features.map((f) => f.key)).toEqual(['item:genres', 'user:age_bucket']);
    const c = o.state.config;
    await svc.setConfig({ config: { ...c, model: { ...c.model, kind: 'nn' }, epochs: 5 } });
    await svc.solve({});
    events.length = 0;
    const movie = await svc.addMovie({ title: 'Sequel', features: { genres: ['Genre1', 'Genre2'] } });
    expect(movie.sheet?.movies.at(-1)?.features).toBe('genres: Genre1, Genre2');
    expect(messages()).toEqual(['The new movie is predicted from the features you gave it; its ratings teach the model at the next Solve']);
    events.length = 0;
    await svc.addUser({ label: 'Newcomer', features: { age_bucket: 'age2' } });
    expect(messages()).toEqual(['The new user is predicted from the features you gave it; its ratings teach the model at the next Solve']);
    const cold = events.find((e) => e.event === 'coldStart');
    expect(cold?.event === 'coldStart' && cold.payload.side === 'user' && cold.payload.recommendations.items.length).toBe(10);
  }, 60_000);

  it('undo takes the new movie off with its genres; redo brings both back', async () => {
    await svc.undo({}); // the user
    const undone = await svc.undo({});
    expect(undone.sheet?.movies.some((m) => m.title === 'Sequel')).toBe(false);
    const redone = await svc.redo({});
    expect(redone.sheet?.movies.at(-1)).toMatchObject({ title: 'Sequel', features: 'genres: Genre1, Genre2' });
  });
});
