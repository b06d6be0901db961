/**
 * The fused engine's own figures (issue 11): per-epoch seconds and valid RMSE of
 * FUSED_DEFAULTS (wd by fusedWdFor) at k = 50 over 10 epochs on MovieLens-25M-shaped planted data (bench/scale-data.ts)
 * with N = 1 and 2 threads, and on ml-100k r90 (the shared train/valid split). Figures only, no
 * assertions; the machine's load is printed beside them, since other work on the cores moves them.
 * The side-by-side with libmf and the ONNX engine is `npm run bench -- --scale`.
 *
 *   node --import tsx bench/fused-kernel.ts [--sizes 1000000,5000000] [--workers 1,2] [--skip-ml100k]
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RatingsDataset } from '../src-main/data/dataset.ts';
import { loadDatasets } from '../src-main/cli/datasets.ts';
import { FUSED_DEFAULTS, type FusedConfig, fusedWdFor, trainFused } from '../src-main/engine/fused/index.ts';
import { scaleData } from './scale-data.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = process.env.COLLABSHEET_DATA ?? join(ROOT, '..', 'shared', 'data');

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000000,5000000' }, workers: { type: 'string', default: '1,2' }, 'skip-ml100k': { type: 'boolean', default: false } },
});
const list = (s: string) => s.split(',').filter((x) => x.trim() !== '').map(Number);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function run(name: string, train: RatingsDataset, valid: RatingsDataset, cfg: FusedConfig, floor: number | null): Promise<void> {
  const started = performance.now();
  // The wd the CLI's auto engine would use for this size (fusedConfigFrom with the ratings).
  cfg = { ...cfg, wd: fusedWdFor(train.ratings.length) };
  const r = await trainFused(train, valid, cfg, {
    onEpoch: (m) => console.log(`  epoch ${m.epoch}: ${m.seconds.toFixed(3)} s, train ${m.trainRmse.toFixed(4)}, valid ${m.validRmse?.toFixed(4)}, lr ${m.lr.toExponential(2)}`),
  });
  const wall = (performance.now() - started) / 1000;
  const secs = r.history.map((m) => m.seconds);
  const later = secs.slice(1);
  const last = r.history.at(-1);
  console.log([
    name.padEnd(16), `N=${cfg.workers}`, `wd ${cfg.wd.toFixed(3)}`,
    `first epoch ${secs[0]?.toFixed(3)} s`, `later ${later.length ? (later.reduce((a, b) => a + b, 0) / later.length).toFixed(3) : '-'} s/epoch`,
    `epochs ${secs.reduce((a, b) => a + b, 0).toFixed(2)} s`, `trainFused ${wall.toFixed(2)} s`,
    `train ${last?.trainRmse.toFixed(4)}`, `valid ${last?.validRmse?.toFixed(4)}`, floor === null ? '' : `(planted floor ${floor.toFixed(4)})`,
    r.stop ? JSON.stringify(r.stop) : '', `load ${load()}`,
  ].join('  '));
}

const settings = { ...FUSED_DEFAULTS, factors: 50, epochs: 10, seed: 42 };
console.log(`fused engine, FUSED_DEFAULTS ${JSON.stringify(FUSED_DEFAULTS)}, k 50, 10 epochs; load before: ${load()}`);
for (const rows of list(values.sizes)) {
  const d = scaleData(rows);
  console.log(`${rows} ratings: ${d.users} users × ${d.items} items, generated in ${d.generateSeconds.toFixed(1)} s`);
  for (const workers of list(values.workers)) await run(`planted ${rows / 1e6}M`, d.train, d.valid, { ...settings, workers }, d.plantedValidRmse);
}
if (!values['skip-ml100k']) {
  const train = join(DATA, 'ml-100k', 'train.csv');
  const valid = join(DATA, 'ml-100k', 'valid.csv');
  if (!existsSync(train) || !existsSync(valid)) console.log(`ml-100k: ${train} or ${valid} missing, skipped`);
  else {
    const d = await loadDatasets(train, valid, 0, 42);
    for (const workers of list(values.workers)) await run('ml-100k r90', d.train, d.valid!, { ...settings, workers }, null);
  }
}
