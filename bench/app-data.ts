/**
 * The data screens on big data, through the app's own path (service → training worker thread),
 * as the UI drives them: import a MovieLens-25M-shaped ratings.csv with the default split, then
 * move the crosstab (another N, Find, a pinned movie). Reports each step's wall time, how often
 * progress events reached the main thread during the import, and how late the main thread ran
 * its timers meanwhile (the UI's responsiveness: the renderer only ever waits on this thread).
 *
 *   node --import tsx bench/app-data.ts [--rows 25000000]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EventMessage } from '../src-main/service/contract.ts';
import { createService } from '../src-main/service/service.ts';
import { tsxWorkerFactory } from '../src-main/service/testing/tsx-worker.ts';
import { demoSheetPath } from '../src-main/io/resources.ts';
import { ensureMovieLensShapedCsv } from './ml25m-shape.ts';

const args = process.argv.slice(2);
const rowsAt = args.indexOf('--rows');
const rows = rowsAt >= 0 ? Number(args[rowsAt + 1]) : 25_000_000;

const path = await ensureMovieLensShapedCsv(rows);
const svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() } });
const progressAt: number[] = [];
/** When each stage of the import began: reading, then the preparing steps. */
const steps: { name: string; at: number }[] = [];
svc.subscribe((e: EventMessage) => {
  if (e.event !== 'importProgress') return;
  progressAt.push(performance.now());
  const name = e.payload.step ?? e.payload.stage;
  if (steps.at(-1)?.name !== name) steps.push({ name, at: performance.now() });
});
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const timed = async <T>(label: string, task: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const out = await task();
  console.log(`${label.padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(3).padStart(8)} s`);
  return out;
};

const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();
const started = performance.now();
const outcome = await timed(`import ${rows} rows (10 % random split, 15 × 15)`, () =>
  svc.importRatings({ path, badRows: 'fail', split: { method: 'random', validPct: 0.1, seed: 42 } }),
);
lag.disable();
const ended = performance.now();
if (outcome.kind !== 'imported') throw new Error(`import ended: ${JSON.stringify(outcome)}`);
const gaps = progressAt.map((t, i) => t - (i ? progressAt[i - 1] : started));
const ms = (ns: number) => (ns / 1e6).toFixed(1);
console.log(`  read ${outcome.report.seconds.toFixed(2)} s of it; ${outcome.report.users} users × ${outcome.report.items} items, ${outcome.report.rows} ratings`);
console.log(`  progress events: ${progressAt.length}, largest gap ${Math.max(...gaps).toFixed(0)} ms`);
steps.forEach((s, i) => console.log(`    ${s.name.padEnd(34)} ${(((steps[i + 1]?.at ?? ended) - s.at) / 1000).toFixed(2).padStart(6)} s`));
console.log(`  main-thread event-loop delay during import: p50 ${ms(lag.percentile(50))} ms, p99 ${ms(lag.percentile(99))} ms, max ${ms(lag.max)} ms`);

await timed('crosstab N = 50', () => svc.setCrosstab({ size: 50 }));
await timed('crosstab N = 15', () => svc.setCrosstab({ size: 15 }));
// Ids run 1…n by first appearance; a high one is a rarely rated movie, far from the top N.
const query = String(outcome.report.items - 3);
const found = await timed(`find movie id "${query}"`, () => svc.findInSheet({ query }));
const rare = found.find((m) => m.kind === 'item');
if (!rare) throw new Error(`no movie ${query}`);
const pinned = await timed(`pin movie ${rare.id} (${rare.ratings} ratings) first`, () => svc.pinInSheet({ item: rare.id }));
if (pinned.sheet?.movies[0].id !== rare.id) throw new Error('the pinned movie is not first');
await timed('unpin', () => svc.pinInSheet({ item: null }));
clearInterval(sampler);
console.log(`peak resident memory of the process (main + worker): ${(peakRss / 2 ** 20).toFixed(0)} MB`);
await svc.dispose();
