/**
 * Typing into cold rows takes the cheap path (patched sets, the fit moved by the cold cells'
 * errors, the lists in the reply): it must give the numbers the full path gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fit } from '../contract.ts';
import type { RatingChange } from '../ratings-table.ts';
import { TrainingSession } from './training-session.ts';

const spec = { users: 120, items: 80, ratings: 3000, rank: 3, noise: 0.3, seed: 7, popularitySkew: 0.5, scale: { lo: 1, hi: 5, step: 1 } };
let session: TrainingSession;

const expectSameFit = (a: Fit, b: Fit) => {
  for (const key of ['trainRmse', 'trainMae', 'validRmse', 'validMae'] as const) expect(a[key]).toBeCloseTo(b[key]!, 5);
};
const triples = (d: { users: Int32Array; items: Int32Array; ratings: Float32Array }) => Array.from(d.ratings, (r, n) => `${d.users[n]},${d.items[n]},${r}`);

beforeAll(async () => {
  session = new TrainingSession({ epochs: () => {}, progress: () => {}, notice: () => {} }, () => false);
  await session.load({ source: { kind: 'planted', name: 'cold', spec, scale: spec.scale }, split: { validPct: 0.2, splitSeed: 3 }, config: null, crosstab: 15 });
  await session.train({ maxEpochs: 5, epochsPerSecond: 0 });
});

afterAll(() => session.dispose());

describe('edits in cold rows', () => {
  it('give the fit a full evaluation gives, the sets a full split gives, and the row lists in the reply', async () => {
    const user = (await session.addRow('user', undefined)).code;
    const item = (await session.addRow('item', 'Speed')).code;
    const edits: RatingChange[][] = [
      ...Array.from({ length: 12 }, (_, j) => [{ user, item: j * 5, rating: 1 + (j % 5) }]),
      [{ user, item: 5, rating: 2 }], // changed
      [{ user, item: 10, rating: null }], // cleared
      [{ user: 3, item, rating: 5 }, { user: 4, item, rating: 1 }, { user, item, rating: 4 }], // the new movie, by old and new users
      [{ user, item: 10, rating: 3 }], // typed again
    ];
    for (const changes of edits) {
      const reply = await session.edit(changes);
      const s = session.current();
      expectSameFit(reply.numbers.fit, s.trainer.evaluate());
      const full = s.table.split(s.split.plan);
      expect(triples(s.sets.train)).toEqual(triples(full.train));
      expect(triples(s.sets.valid!)).toEqual(triples(full.valid!));
      const answers = reply.cold.map((a) => `${a.side} ${a.id}`);
      expect(answers).toEqual([
        ...(changes.some((c) => c.user === user) ? ['user new-user-1'] : []),
        ...(changes.some((c) => c.item === item) ? ['item new-movie-1'] : []),
      ]);
    }
    const last = (await session.edit([{ user, item: 0, rating: 5 }])).cold[0];
    if (last.side !== 'user') throw new Error('expected the new user');
    expect(last.recommendations).toEqual(session.insights.recommendations({ userId: 'new-user-1', n: 10, minRatings: 0 }));
    expect(last.recommendations.coldStart).toBe(true);
  });

  it('an edit of a trained row takes the full path: no lists, a full evaluation', async () => {
    const reply = await session.edit([{ user: 0, item: 0, rating: 3 }]);
    expect(reply.cold).toEqual([]);
    expectSameFit(reply.numbers.fit, session.current().trainer.evaluate());
  });

  it('once trained the added rows are warm: their edits bring no lists and a full evaluation', async () => {
    await session.train({ maxEpochs: 1, epochsPerSecond: 0 });
    const reply = await session.edit([{ user: 120, item: 1, rating: 2 }]);
    expect(reply.cold).toEqual([]);
    expectSameFit(reply.numbers.fit, session.current().trainer.evaluate());
  });
});
