/**
 * Measures the main process's event-loop delay while the app trains on ml-100k-size data: starts
 * the built web host on a ratings file with --measure-lag, drives a Solve over its WebSocket like
 * the page does, and reports the per-second p99/max the host printed during the run.
 *
 *   npm run build && npx tsx e2e/measure/main-thread-lag.ts [ratings-file] [epochs]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import type { AppState, ReplyMessage, RunOutcome } from '../../src-main/service/contract.ts';

const ratings = process.argv[2] ?? '../shared/data/ml-100k/u.data';
const epochs = Number(process.argv[3] ?? 10);
const token = randomBytes(16).toString('hex');

const host = spawn(process.execPath, ['out/main/web.js', '--port', '0', '--ratings', ratings, '--measure-lag'], {
  env: { ...process.env, COLLABSHEET_TOKEN: token },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const lines = createInterface({ input: host.stdout! });
let solving = false;
const during: { p99: number; max: number }[] = [];
const url = await new Promise<string>((resolve) => {
  lines.on('line', (line) => {
    const address = /web host: (http\S+)/.exec(line);
    if (address) resolve(address[1]);
    const lag = /p99 ([\d.]+) max ([\d.]+)/.exec(line);
    if (lag && solving) during.push({ p99: Number(lag[1]), max: Number(lag[2]) });
  });
});

const socketUrl = url.replace(/^http/, 'ws').replace('/?token=', '/socket?token=');
const ws = new WebSocket(socketUrl);
await new Promise((resolve) => ws.once('open', resolve));
let nextId = 1;
let events = 0;
const pending = new Map<number, (r: ReplyMessage) => void>();
ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  if ('event' in m) events++;
  else pending.get(m.id)?.(m);
});
const call = <T>(command: string, args: unknown): Promise<T> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, (r) => (r.ok ? resolve(r.value as T) : reject(new Error(r.error))));
    ws.send(JSON.stringify({ id, command, args }));
  });

const state = await call<AppState>('getState', {});
await call('setConfig', { config: { ...state.config, epochs } });
console.log(`${state.sheet.totals.ratings} ratings, ${state.sheet.totals.users} users × ${state.sheet.totals.movies} movies; ` +
  `k=${state.config.model.factors}, batch ${state.config.batchSize}, ${epochs} epochs`);
solving = true;
const started = performance.now();
const outcome = await call<RunOutcome>('solve', {});
const seconds = (performance.now() - started) / 1000;
// The host prints once a second: wait for the line that covers the end of the run.
await new Promise((r) => setTimeout(r, 1100));
solving = false;
console.log(`Solve: ${outcome.epochs} epochs in ${seconds.toFixed(1)} s, train RMSE ${outcome.fit.trainRmse.toFixed(4)}, ${events} events to the page`);
console.log(`main-thread event-loop delay during the Solve, per second: p99 ${during.map((d) => d.p99).join(', ')} ms`);
console.log(`worst p99 ${Math.max(...during.map((d) => d.p99))} ms, worst max ${Math.max(...during.map((d) => d.max))} ms`);
ws.close();
host.kill('SIGTERM');
