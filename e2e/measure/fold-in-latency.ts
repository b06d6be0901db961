/**
 * Issue 5's fold-in figure, measured through the app as the page drives it: starts the built web
 * host on ml-100k-shaped ratings (generated, or a file given), trains with the default recipe,
 * then for several existing users: adds a user row ("+ User"), types 10 of that user's training
 * ratings into it, and times sending the 10th rating → having the new user's recommendations (the
 * cold-start card's list: the `coldStart` event, or where the app has none, the query the card
 * sends after the edit's state). It also compares the folded-in user's predictions of the
 * existing user's held-out ratings with the trained model's predictions of the same ratings.
 *
 *   npm run build && npx tsx e2e/measure/fold-in-latency.ts [ratings-file] [users]
 *
 * Without a file it writes a planted 943 × 1682, 100k-rating dataset to a temp file.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { plantedSpecFor } from '../../src-main/data/synthetic-spec.ts';
import { generatePlanted } from '../../src-main/data/synthetic.ts';
import type { AppState, EventMessage, ReplyMessage, RunOutcome } from '../../src-main/service/contract.ts';

const TYPED = 10;
const runs = Number(process.argv[3] ?? 9);
const tmp = mkdtempSync(join(tmpdir(), 'fold-in-latency-'));
const ratingsFile = process.argv[2] ?? writePlanted(join(tmp, 'planted.data'));

/** MovieLens-100k's shape with a rank-8 planted taste (u.data's columns: user, item, rating, time). */
function writePlanted(path: string): string {
  const spec = plantedSpecFor({ users: 943, items: 1682, ratings: 100_000, rank: 8, noise: 0.9, popularitySkew: 0.6, seed: 5 });
  const { data } = generatePlanted({ ...spec, idPrefix: { user: '', item: '' } });
  const lines = Array.from(data.ratings, (r, n) => `${data.userIds[data.users[n]]}\t${data.itemIds[data.items[n]]}\t${r}\t${874_724_710 + n}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Every user's (item, rating) pairs, as the file has them. */
function ratingsByUser(path: string): Map<string, { item: string; rating: number }[]> {
  const byUser = new Map<string, { item: string; rating: number }[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [user, item, rating] = line.split(/[\t,]/);
    if (!user || !item || !Number.isFinite(Number(rating))) continue;
    if (!byUser.has(user)) byUser.set(user, []);
    byUser.get(user)!.push({ item, rating: Number(rating) });
  }
  return byUser;
}

const token = randomBytes(16).toString('hex');
const host = spawn(process.execPath, ['out/main/web.js', '--port', '0', '--ratings', ratingsFile, '--valid-pct', '0.1'], {
  env: { ...process.env, COLLABSHEET_TOKEN: token },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve) => {
  createInterface({ input: host.stdout! }).on('line', (line) => {
    const address = /web host: (http\S+)/.exec(line);
    if (address) resolve(address[1]);
  });
});
const ws = new WebSocket(url.replace(/^http/, 'ws').replace('/?token=', '/socket?token='));
await new Promise((resolve) => ws.once('open', resolve));
let nextId = 1;
const pending = new Map<number, (r: ReplyMessage) => void>();
const eventListeners = new Set<(e: EventMessage) => void>();
ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  if ('event' in m) eventListeners.forEach((l) => l(m));
  else pending.get(m.id)?.(m);
});
const call = <T>(command: string, args: unknown): Promise<T> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, (r) => (r.ok ? resolve(r.value as T) : reject(new Error(`${command}: ${r.error}`))));
    ws.send(JSON.stringify({ id, command, args }));
  });

/** Sends the edit; resolves once the new user's recommendations are here, as the card gets them. */
function typeAndAwaitList(userId: string, ratedAfter: number, args: { row: number; col: number; rating: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    // The previous edit's state can still be on its way: this edit's shows the rating typed.
    const isThisEdit = (state: AppState) => state.sheet.ratings[args.row]?.[args.col] === args.rating;
    const listener = (e: EventMessage) => {
      if (e.event === 'coldStart' && e.payload.id === userId && e.payload.side === 'user' && e.payload.recommendations.rated === ratedAfter) done();
      // An app without the event: the card queries after the edit's state.
      else if (e.event === 'state' && isThisEdit(e.payload)) call('recommendations', { userId, n: 10, minRatings: 0 }).then(done, reject);
    };
    const done = () => {
      eventListeners.delete(listener);
      resolve();
    };
    eventListeners.add(listener);
    call('setRating', args).catch(reject);
  });
}

const state0 = await call<AppState>('getState', {});
console.log(`${ratingsFile}: ${state0.sheet.totals.ratings} ratings (${state0.sheet.totals.validRatings} held out), ` +
  `${state0.sheet.totals.users} users × ${state0.sheet.totals.movies} movies; ${state0.config.model.kind} k=${state0.config.model.factors}, ${state0.config.epochs} epochs`);
const trainStart = performance.now();
const outcome = await call<RunOutcome>('solve', {});
console.log(`trained ${outcome.epochs} epochs in ${((performance.now() - trainStart) / 1000).toFixed(1)} s: train RMSE ${outcome.fit.trainRmse.toFixed(4)}, valid RMSE ${outcome.fit.validRmse?.toFixed(4)}`);

// Users with 20-40 ratings: every one of their movies fits on a 41-column sheet beside them.
const byUser = ratingsByUser(ratingsFile);
const candidates = [...byUser].filter(([, rs]) => rs.length >= 20 && rs.length <= 40);
const chosen = Array.from({ length: runs }, (_, r) => candidates[Math.floor((r * candidates.length) / runs)]);
await call('setCrosstab', { size: 41 });
const latencies: number[] = [];
const errors = { folded: [] as number[], trained: [] as number[] };
for (const [existing, rated] of chosen) {
  await call('pinInSheet', { user: null, item: null });
  await call('pinInSheet', { user: existing });
  for (const { item } of rated) await call('pinInSheet', { item });
  const added = await call<AppState>('addUser', {});
  const row = added.sheet.users.length - 1;
  const newId = added.sheet.users[row].id;
  const from = added.sheet.users.findIndex((u) => u.id === existing);
  const col = (item: string) => added.sheet.movies.findIndex((m) => m.id === item);
  const trainCells = rated.filter((r) => !added.sheet.heldOut[from][col(r.item)]);
  const heldOut = rated.filter((r) => added.sheet.heldOut[from][col(r.item)]);
  for (const [n, { item, rating }] of trainCells.slice(0, TYPED).entries()) {
    const started = performance.now();
    await typeAndAwaitList(newId, n + 1, { row, col: col(item), rating });
    if (n === TYPED - 1) latencies.push(performance.now() - started);
  }
  const s = await call<AppState>('getState', {});
  const width = s.sheet.movies.length;
  for (const { item, rating } of heldOut) {
    errors.folded.push(s.numbers.snapshot.predictions[row * width + col(item)] - rating);
    errors.trained.push(s.numbers.snapshot.predictions[from * width + col(item)] - rating);
  }
}

const rmse = (es: number[]) => Math.sqrt(es.reduce((a, e) => a + e * e, 0) / es.length);
const sorted = [...latencies].sort((a, b) => a - b);
console.log(`10th rating → recommendations, ${latencies.length} users: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms ` +
  `(min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}); each: ${latencies.map((l) => l.toFixed(0)).join(', ')}`);
console.log(`held-out ratings of those users (${errors.folded.length}): RMSE folded-in from ${TYPED} ratings ${rmse(errors.folded).toFixed(4)}, ` +
  `fully trained ${rmse(errors.trained).toFixed(4)} (ratio ${(rmse(errors.folded) / rmse(errors.trained)).toFixed(3)})`);
ws.close();
host.kill('SIGTERM');
rmSync(tmp, { recursive: true, force: true });
