/**
 * The insight commands end to end through the endpoint (so argument defaults and validation
 * apply), with the real training worker, on the demo sheet after a Solve: what the Insights
 * panels, the cold-start rows and the export dialog rely on.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted } from '../data/synthetic.ts';
import { demoSheetPath } from '../io/resources.ts';
import type { AppState, CommandArgs, CommandName, CommandResults, EventMessage } from './contract.ts';
import { COLD_START_LIST } from './worker/cold-start.ts';
import { createEndpoint, type ServiceEndpoint } from './endpoint.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';
import { written } from './testing/written.ts';

let svc: DisposableService;
let endpoint: ServiceEndpoint;
let nextId = 1;

async function call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C]> {
  const reply = await endpoint.handle({ id: nextId++, command, args });
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as CommandResults[C];
}

const sorted = (xs: number[], dir: 1 | -1) => [...xs].sort((a, b) => dir * (a - b));
const predictionRow = (s: AppState, row: number) =>
  s.numbers.snapshot.predictions.slice(row * s.sheet.movies.length, (row + 1) * s.sheet.movies.length);

beforeAll(async () => {
  svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
  endpoint = createEndpoint(svc);
  await svc.solve({});
});

afterAll(() => svc.dispose());

describe('reading the trained factors', () => {
  it('ranks all 15 movies by bias, lowest and highest, with counts and mean ratings', async () => {
    const state = await call('getState', {});
    const r = await call('biases', { side: 'item', n: 15 });
    expect(r.lowest).toHaveLength(15);
    expect(r.lowest.map((e) => e.bias)).toEqual(sorted(r.lowest.map((e) => e.bias), 1));
    expect(r.highest.map((e) => e.id)).toEqual([...r.lowest.map((e) => e.id)].reverse());
    const col = state.sheet.movies.findIndex((m) => m.id === r.lowest[0].id);
    const rated = state.sheet.ratings.map((row) => row[col]).filter((x): x is number => x !== null);
    expect(r.lowest[0]).toMatchObject({ label: state.sheet.movies[col].title, count: rated.length });
    expect(r.lowest[0].mean).toBeCloseTo(rated.reduce((a, b) => a + b, 0) / rated.length, 5);
    expect(r.lowest[0].bias).toBeCloseTo(state.numbers.snapshot.itemBias[col], 6);
    const users = await call('biases', { side: 'user', n: 3, minRatings: 14 });
    expect(users.highest.every((u) => u.count >= 14)).toBe(true);
    expect(users.highest[0].label).toMatch(/^[A-Z]/); // the sheet's names, not ids
  });

  it('PCA of the item factors: every movie placed, extremes sorted along each component', async () => {
    const r = await call('itemPca', { extremes: 3 });
    expect(r.points).toHaveLength(15);
    expect(r.varianceRatio).toHaveLength(3);
    expect(r.varianceRatio[0]).toBeGreaterThanOrEqual(r.varianceRatio[1]);
    for (const e of r.extremes) {
      expect(e.lowest.map((p) => p.coords[e.component])).toEqual(sorted(e.lowest.map((p) => p.coords[e.component]), 1));
      expect(e.highest[0].coords[e.component]).toBe(Math.max(...r.points.map((p) => p.coords[e.component])));
    }
  });

  // Issue 16 item 7: the map colours and labels by bias and genre, so each point carries them.
  it("PCA points carry each movie's bias (the biases panel's number) and its genres", async () => {
    const r = await call('itemPca', {});
    const biases = await call('biases', { side: 'item', n: 15 });
    for (const b of biases.lowest) expect(r.points.find((p) => p.id === b.id)!.bias).toBeCloseTo(b.bias, 6);
    expect(r.points.every((p) => Array.isArray(p.genres) && p.genres.length === 0)).toBe(true); // the demo sheet lists none
  });

  it('similar movies: the query left out, cosine scores best first; Euclidean smallest first', async () => {
    const [matrix] = await call('findRows', { side: 'item', query: 'matrix' });
    expect(matrix.label).toBe('The Matrix (1999)');
    const cos = await call('similarItems', { id: matrix.id, n: 5 });
    expect(cos.query.id).toBe(matrix.id);
    expect(cos.items.map((i) => i.id)).not.toContain(matrix.id);
    expect(cos.items.map((i) => i.score)).toEqual(sorted(cos.items.map((i) => i.score), -1));
    expect(cos.items[0].score).toBeLessThanOrEqual(1);
    const euclid = await call('similarItems', { id: matrix.id, n: 5, metric: 'euclidean' });
    expect(euclid.items.map((i) => i.score)).toEqual(sorted(euclid.items.map((i) => i.score), 1));
    await expect(call('similarItems', { id: 'nope' })).rejects.toThrow('There is no movie with id nope');
  });

  it('recommendations leave out every movie the user rated', async () => {
    const state = await call('getState', {});
    const missing = state.sheet.ratings.map((r) => r.filter((x) => x === null).length);
    const row = missing.indexOf(Math.max(...missing));
    const r = await call('recommendations', { userId: state.sheet.users[row].id, n: 15 });
    const unrated = state.sheet.movies.filter((_, c) => state.sheet.ratings[row][c] === null).map((m) => m.id);
    expect(r.items.map((i) => i.id).sort()).toEqual([...unrated].sort());
    expect(r.rated).toBe(15 - unrated.length);
    expect(r.coldStart).toBe(false);
    // The predicted rating is the sheet's prediction for that cell.
    const col = state.sheet.movies.findIndex((m) => m.id === r.items[0].id);
    expect(r.items[0].score).toBeCloseTo(predictionRow(state, row)[col], 5);
  });

  it('one-hot row × embedding matrix = the looked-up row', async () => {
    const state = await call('getState', {});
    const r = await call('oneHot', { side: 'user', id: state.sheet.users[4].id });
    expect(r.row).toBe(4);
    expect(r.oneHot).toEqual(Array.from({ length: 15 }, (_, i) => (i === 4 ? 1 : 0)));
    expect(r.equal).toBe(true);
    expect(r.product).toEqual(r.matrix[4]);
    const k = state.config.model.factors;
    expect(r.lookedUp).toEqual(state.numbers.snapshot.userFactors.slice(4 * k, 5 * k).map((x) => Math.fround(x)));
    expect(r.rows[4].label).toBe(state.sheet.users[4].label);
  });

  it('validates arguments where they enter', async () => {
    await expect(call('biases', { side: 'movie' } as never)).rejects.toThrow('biases: side must be one of "user", "item", got "movie"');
    await expect(call('exportEmbeddings', { path: '/tmp/x', formats: ['xlsx'] } as never)).rejects.toThrow(/^exportEmbeddings: formats\.0 must be one of .*got "xlsx"$/);
  });
});

describe('cold start: a new user and a new movie, folded in without retraining', () => {
  it('a new user starts from the average taste; three ratings move their whole row at once', async () => {
    const before = await call('getState', {});
    const epochs = before.history.length;
    expect((await call('addUser', {})).sheet?.users).toHaveLength(before.sheet.users.length + 1);
    const s = await call('getState', {});
    const row = before.sheet.users.length;
    expect(s.sheet.users[row]).toEqual({ id: 'new-user-1', label: 'New user 1' });
    expect(s.sheet.ratings[row].every((x) => x === null)).toBe(true);
    expect(s.history).toHaveLength(epochs); // not retrained
    const avg = predictionRow(s, row);
    const rec0 = await call('recommendations', { userId: 'new-user-1', n: 15 });
    expect(rec0).toMatchObject({ coldStart: true, rated: 0 });
    expect(rec0.items).toHaveLength(15);

    // Loves the three most "Action" movies of the planted tastes, hates three romances.
    const col = (title: string) => s.sheet.movies.findIndex((m) => m.title === title);
    const loved = ['Die Hard (1988)', 'Mad Max: Fury Road (2015)', 'Raiders of the Lost Ark (1981)'].map(col);
    const hated = ['Notting Hill (1999)', 'Pride & Prejudice (2005)', 'When Harry Met Sally... (1989)'].map(col);
    for (const c of loved) await call('setRating', { row, col: c, rating: 5 });
    for (const c of hated) await call('setRating', { row, col: c, rating: 0.5 });
    const t = await call('getState', {});
    const folded = predictionRow(t, row);
    expect(t.history).toHaveLength(epochs);
    expect(folded).not.toEqual(avg);
    for (const c of loved) expect(folded[c]).toBeGreaterThan(avg[c]);
    for (const c of hated) expect(folded[c]).toBeLessThan(avg[c]);
    // Unrated action movies now beat unrated romances for this user.
    expect(folded[col('The Terminator (1984)')]).toBeGreaterThan(folded[col('Casablanca (1942)')]);
    const rec = await call('recommendations', { userId: 'new-user-1', n: 15 });
    expect(rec).toMatchObject({ coldStart: true, rated: 6 });
    expect(rec.items.map((i) => i.id)).not.toContain(t.sheet.movies[loved[0]].id);
    expect(rec.items.map((i) => i.score)).toEqual(sorted(rec.items.map((i) => i.score), -1));

    // Undo re-solves from the remaining ratings.
    await call('undo', {});
    const undone = await call('getState', {});
    expect(predictionRow(undone, row)[hated[2]]).toBeGreaterThan(folded[hated[2]]);
    await call('redo', {});
  });

  it("a rating typed into the new row brings the row's list with it (one round trip), before the edit's patch", async () => {
    const s = await call('getState', {});
    const row = s.sheet.users.findIndex((u) => u.id === 'new-user-1');
    const col = s.sheet.ratings[row].indexOf(null);
    const events: EventMessage[] = [];
    const unsubscribe = svc.subscribe((e) => events.push(e));
    try {
      await call('setRating', { row, col, rating: 4 });
      await call('undo', {});
      // A trained user's cell: nothing cold moved.
      await call('setRating', { row: 0, col: 2, rating: s.sheet.ratings[0][2] === 1 ? 2 : 1 });
      await call('undo', {});
    } finally {
      unsubscribe();
    }
    const kinds = events.filter((e) => e.event === 'coldStart' || e.event === 'changed').map((e) => e.event);
    expect(kinds).toEqual(['coldStart', 'changed', 'coldStart', 'changed', 'changed', 'changed']);
    const [typed, undone] = events.filter((e) => e.event === 'coldStart').map((e) => e.payload);
    expect(typed).toMatchObject({ side: 'user', id: 'new-user-1' });
    if (typed.side !== 'user' || undone.side !== 'user') throw new Error('a user row was edited');
    expect(typed.recommendations.rated).toBe(7);
    expect(typed.recommendations.items).toHaveLength(s.sheet.movies.length - 7); // fewer unrated than COLD_START_LIST.n
    expect(typed.recommendations.items.map((i) => i.id)).not.toContain(s.sheet.movies[col].id);
    // The undo's list is the one a query gives now.
    const { n, minRatings } = COLD_START_LIST;
    expect(undone.recommendations).toEqual(await call('recommendations', { userId: 'new-user-1', n, minRatings }));
    expect(await call('coldStartList', { side: 'user', id: 'new-user-1' })).toEqual(undone);
  });

  it('a new movie column: ratings typed into it place it among the movies they resemble', async () => {
    await call('addMovie', { title: 'Speed (1994)' });
    const s = await call('getState', {});
    const col = s.sheet.movies.length - 1;
    expect(s.sheet.movies[col]).toEqual({ id: 'new-movie-1', title: 'Speed (1994)' });
    expect(s.sheet.ratings.every((r) => r.length === s.sheet.movies.length)).toBe(true);
    // The new column has no planted taste: the weights cover the planted movies, in their places.
    expect(s.sheet.planted?.movieWeights).toHaveLength(col);
    expect(s.sheet.planted?.movieWeights.every((w) => Array.isArray(w))).toBe(true);
    // Rated like Die Hard by everyone who rated Die Hard.
    const dieHard = s.sheet.movies.findIndex((m) => m.title === 'Die Hard (1988)');
    for (let row = 0; row < 15; row++) {
      const r = s.sheet.ratings[row][dieHard];
      if (r !== null) await call('setRating', { row, col, rating: r });
    }
    const t = await call('getState', {});
    const similar = await call('similarItems', { id: 'new-movie-1', n: 3 });
    expect(similar.query.label).toBe('Speed (1994)');
    expect(similar.items.map((i) => i.label)).toContain('Die Hard (1988)');
    const pcol = (state: AppState, row: number) => predictionRow(state, row)[col];
    const lover = t.sheet.ratings.findIndex((r) => r[dieHard] === 5);
    const hater = t.sheet.ratings.findIndex((r) => r[dieHard] !== null && r[dieHard]! <= 1.5);
    expect(pcol(t, lover)).toBeGreaterThan(pcol(t, hater));
  });

  it('Solve afterwards trains the new rows with everyone else', async () => {
    const s = await call('getState', {});
    const epochs = s.history.length; // in-process, the state shares the service's history array
    const outcome = await call('solve', {});
    expect(outcome.stopped).toBeNull();
    const after = await call('getState', {});
    expect(after.sheet.users).toHaveLength(s.sheet.users.length);
    expect(after.history.length).toBe(epochs + outcome.epochs);
    expect((await call('recommendations', { userId: 'new-user-1' })).coldStart).toBe(false);
    expect(after.numbers.fit.trainRmse).toBeLessThan(0.5);
  });
});

describe('exportEmbeddings', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'collabsheet-export-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every format by default (the Electron menu sends only { path })', async () => {
    const out = join(dir, 'all');
    const r = written(await call('exportEmbeddings', { path: out }));
    const names = r.files.map((f) => f.slice(out.length + 1)).sort();
    expect(names).toEqual([
      'embeddings.json', 'ids.json', 'item_bias.npy', 'item_factors.npy', 'items.csv', 'items.tsv', 'metadata.tsv', 'model-pairs.onnx',
      'model-unrated.onnx', 'model.onnx', 'user_bias.npy', 'user_factors.npy', 'users.csv', 'users.tsv', 'vectors.tsv',
    ]);
    r.files.forEach((f) => expect(existsSync(f)).toBe(true));
    const users = readFileSync(join(out, 'users.csv'), 'utf8').split('\n');
    expect(users[0]).toBe('user,bias,factors_1,factors_2,factors_3,factors_4,factors_5');
    expect(users).toContainEqual(expect.stringMatching(/^new-user-1,/));
  });

  it('writes only the chosen formats, and explains a folder it cannot write', async () => {
    const r = written(await call('exportEmbeddings', { path: join(dir, 'some'), formats: ['projector'] }));
    expect(r.files.map((f) => f.split('/').pop())).toEqual(['vectors.tsv', 'metadata.tsv']);
    await expect(call('exportEmbeddings', { path: join(dir, 'all', 'users.csv', 'x') })).rejects.toThrow(/Export to .* failed: (ENOTDIR|EEXIST)/);
  });

  it('issue 13 finding 8: a folder with some of the files answers "exists", listing them, and writes nothing until overwrite', async () => {
    const out = join(dir, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'vectors.tsv'), 'mine');
    expect(await call('exportEmbeddings', { path: out, formats: ['csv', 'projector'] })).toEqual({
      refused: 'exists', path: out, existing: [join(out, 'vectors.tsv')], message: `${join(out, 'vectors.tsv')} already exists: confirm replacing it, or choose another name`,
    });
    expect(readdirSync(out)).toEqual(['vectors.tsv']);
    const r = written(await call('exportEmbeddings', { path: out, formats: ['csv', 'projector'], overwrite: true }));
    expect(readdirSync(out).sort()).toEqual(['items.csv', 'metadata.tsv', 'users.csv', 'vectors.tsv']);
    expect(r.files).toHaveLength(4);
    expect(readFileSync(join(out, 'vectors.tsv'), 'utf8')).not.toBe('mine');
  });

  it('issue 13 finding 8: a relative path is refused at the door (it would land in the host\'s working directory)', async () => {
    for (const [command, args] of [['exportEmbeddings', { path: 'export' }], ['saveProject', { path: 'sheet.collabsheet' }], ['exportXlsx', { path: '~/sheet.xlsx' }], ['openProject', { path: 'sheet.collabsheet' }]] as const) {
      await expect(call(command, args)).rejects.toThrow(new RegExp(`^${args.path.replace('.', '\\.')} is not a full path: type the whole path from the root`));
    }
    expect(existsSync(join(process.cwd(), 'export'))).toBe(false);
  });
});

describe('while training', () => {
  it('insight queries are refused with a reason, not queued behind the run', async () => {
    const s = await call('getState', {});
    await call('setSettings', { settings: { ...s.settings, epochsPerSecond: 20 } });
    const run = call('solve', {});
    await expect(call('biases', { side: 'item' })).rejects.toThrow('Training is running');
    await call('stop', {});
    await run;
    await call('setSettings', { settings: s.settings });
  });
});

describe('what the insights cannot show, explained', () => {
  it('an unknown user; the one-hot view of a sheet too big for it; the neural model', async () => {
    await expect(call('recommendations', { userId: 'nobody' })).rejects.toThrow('There is no user with id nobody in this sheet');
    const dir = mkdtempSync(join(tmpdir(), 'collabsheet-big-'));
    try {
      const { data } = generatePlanted({ users: 120, items: 40, ratings: 1500, rank: 2, noise: 0.3, seed: 3, scale: { lo: 1, hi: 5, step: 1 } });
      writeFileSync(join(dir, 'u.data'), Array.from(data.ratings, (r, n) => `${data.users[n] + 1}\t${data.items[n] + 1}\t${r}\t0`).join('\n') + '\n');
      const s = await call('openRatings', { path: join(dir, 'u.data') });
      await expect(call('oneHot', { side: 'user', id: s.sheet.users[0].id })).rejects.toThrow(
        'The one-hot view is for small sheets (at most 100 users); this one has 120',
      );
      expect((await call('oneHot', { side: 'item', id: s.sheet.movies[0].id })).rows).toHaveLength(40);
      await call('setConfig', { config: { ...s.config, model: { ...s.config.model, kind: 'nn' } } });
      await expect(call('biases', { side: 'item' })).rejects.toThrow(/choose the dot or dot\+bias model \(this one is nn\)/);
      const added = await call('addUser', { label: 'Zoe' });
      expect(added.sheet?.users.at(-1)).toEqual({ id: 'new-user-1', label: 'Zoe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
