/**
 * What the service sends the renderer while it trains and edits: bytes of JSON per event kind
 * (the web host's wire format), over a Solve of N epochs, three Steps and one edit.
 *
 *   npx tsx e2e/measure/event-bytes.ts [ratings-file | ml25m-shape] [epochs]
 *
 * `ml25m-shape` generates (once, into the temp folder) a MovieLens-25M-shaped ratings.csv.
 */
import { ensureMovieLensShapedCsv, ML25M } from '../../bench/ml25m-shape.ts';
import type { EventMessage } from '../../src-main/service/contract.ts';
import { createService } from '../../src-main/service/service.ts';
import { tsxWorkerFactory } from '../../src-main/service/testing/tsx-worker.ts';

const arg = process.argv[2] ?? '../shared/data/ml-100k/u.data';
const epochs = Number(process.argv[3] ?? 20);
const path = arg === 'ml25m-shape' ? await ensureMovieLensShapedCsv(ML25M.ratings) : arg;

const service = await createService(tsxWorkerFactory, { source: { kind: 'ratings-file', path }, settings: { epochsPerSecond: 0 } });
const sizes = new Map<string, number[]>();
service.subscribe((e: EventMessage) => {
  const list = sizes.get(e.event) ?? [];
  list.push(JSON.stringify(e).length);
  sizes.set(e.event, list);
});

const state = await service.getState({});
await service.setConfig({ config: { ...state.config, epochs } });
const report = (phase: string) => {
  for (const [event, list] of [...sizes].sort()) {
    const total = list.reduce((a, b) => a + b, 0);
    console.log(`${phase.padEnd(10)} ${event.padEnd(12)} ${String(list.length).padStart(4)} events  ${String(Math.round(total / list.length)).padStart(8)} B each  ${String(Math.max(...list)).padStart(8)} B max  ${total} B total`);
  }
  sizes.clear();
};
const solved = await service.solve({});
report(`solve ${solved.epochs}`);
for (let i = 0; i < 3; i++) await service.step({});
report('3 steps');
const shown = await service.getState({});
// A blank cell if the window has one (the most active users of big data may have none), else a rated one changed.
const blankRow = shown.sheet.ratings.findIndex((r) => r.includes(null));
const [row, col] = blankRow >= 0 ? [blankRow, shown.sheet.ratings[blankRow].indexOf(null)] : [0, 0];
await service.setRating({ row, col, rating: shown.sheet.ratings[row][col] === shown.sheet.scale.hi ? shown.sheet.scale.lo : shown.sheet.scale.hi });
report('1 edit');
console.log(`data: ${path}, ${shown.sheet.totals.ratings} ratings, window ${shown.sheet.users.length} × ${shown.sheet.movies.length}, k = ${shown.config.model.factors}`);
await service.dispose();
