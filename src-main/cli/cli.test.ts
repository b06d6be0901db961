/**
 * The CLI end to end: bin/collabsheet.mjs spawned on small generated files, as a user runs it.
 * Checks the --json contract, --out with original ids, and that every bad input ends as one
 * line on stderr with a non-zero exit and no stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted } from '../data/synthetic.ts';

const BIN = fileURLToPath(new URL('../../bin/collabsheet.mjs', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A failed run: exactly one stderr line, mentioning `needle`, no stack trace, nothing on stdout. */
function expectOneLineError(r: Run, needle: string | RegExp, code?: number): void {
  if (code === undefined) expect(r.code).not.toBe(0);
  else expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(needle);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'collabsheet-cli-'));
  const { data } = generatePlanted({ users: 40, items: 30, ratings: 800, rank: 3, noise: 0.3, seed: 1 });
  const rows = Array.from(data.ratings, (r, n) => `u${data.userIds[data.users[n]]},m${data.itemIds[data.items[n]]},${r}`);
  writeFileSync(file('ratings.csv'), `user,item,rating\n${rows.join('\n')}\n`);
  writeFileSync(file('empty.csv'), '');
  writeFileSync(file('columns.csv'), 'who,what,score_x\na,b,1\n');
  writeFileSync(file('bad-rating.csv'), 'user,item,rating\na,b,4\nc,d,five\n');
  // MovieLens layout: u.data with its titles file u.item beside it.
  mkdirSync(file('ml'));
  writeFileSync(file('ml/u.data'), Array.from(data.ratings, (r, n) => `${data.users[n] + 1}\t${data.items[n] + 1}\t${r}\t881250949`).join('\n') + '\n');
  writeFileSync(file('ml/u.item'), Array.from({ length: 30 }, (_, i) => `${i + 1}|Movie, the ${i + 1} (1999)|01-Jan-1999||http://x|0|1`).join('\n'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collabsheet train', () => {
  it('--json prints one object per epoch and a done line', async () => {
    const r = await cli(['train', file('ratings.csv'), '--json', '--epochs', '3', '--bs', '32', '--factors', '4']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    lines.slice(0, 3).forEach((l, i) => {
      expect(Object.keys(l).sort()).toEqual(['epoch', 'lr', 'seconds', 'train_rmse', 'valid_rmse']);
      expect(l.epoch).toBe(i + 1);
      expect(l.train_rmse).toBeGreaterThan(0);
      expect(l.valid_rmse).toBeGreaterThan(0);
    });
    const done = lines[3];
    expect(done).toMatchObject({ done: true, epochs: 3 });
    // The done line scores the final parameters; an epoch's train_rmse may be a running mean.
    expect(done.valid_rmse).toBeCloseTo(lines[2].valid_rmse, 6);
    expect(done.train_rmse).toBeGreaterThan(0);
    expect(typeof done.seconds).toBe('number');
  });

  it('--engine fused trains in the fused kernel, says so, and writes the same files as ONNX Runtime (issue 11 item 5)', async () => {
    const out = file('out-fused');
    const r = await cli(['train', file('ratings.csv'), '--engine', 'fused', '--epochs', '8', '--factors', '4', '--cores', '1', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('engine: fused (--engine fused)');
    expect(r.stdout).toMatch(/fused engine: per-row AdaGrad, lr 0\.3, wd 0\.2 per update, 1 thread/);
    expect(r.stdout).toMatch(/done: 8 epochs/);
    expect(readFileSync(join(out, 'users.csv'), 'utf8').split('\n')[0]).toBe('user,bias,factors_1,factors_2,factors_3,factors_4');
    const json = await cli(['train', file('ratings.csv'), '--engine', 'fused', '--epochs', '8', '--factors', '4', '--cores', '1', '--lr', '0.1', '--json']);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const done = lines.at(-1);
    expect(done).toMatchObject({ done: true, engine: 'fused', epochs: 8 });
    // A planted rank-3 model with noise 0.3: the fused run learns it (the mean predictor is ~1).
    expect(done.valid_rmse).toBeLessThan(0.8);
    expect(done.valid_rmse).toBe(lines.at(-2).valid_rmse);
  });

  it('--engine fused with a --valid file (ratings imported into the kernel\'s memory) trains as well; auto on the same files falls back to ONNX Runtime', async () => {
    const lines = readFileSync(file('ratings.csv'), 'utf8').trim().split('\n');
    writeFileSync(file('train-part.csv'), [lines[0], ...lines.slice(1, 721)].join('\n') + '\n');
    writeFileSync(file('valid-part.csv'), [lines[0], ...lines.slice(721)].join('\n') + '\n');
    const args = ['train', file('train-part.csv'), '--valid', file('valid-part.csv'), '--epochs', '8', '--factors', '4', '--json'];
    const fused = await cli([...args, '--engine', 'fused', '--cores', '2', '--lr', '0.1']);
    expect(fused.stderr).toBe('');
    const done = JSON.parse(fused.stdout.trim().split('\n').at(-1)!);
    expect(done).toMatchObject({ done: true, engine: 'fused', epochs: 8 });
    expect(done.valid_rmse).toBeLessThan(0.8);
    const onnx = await cli([...args, '--bs', '32']);
    expect(onnx.stderr).toBe('');
    expect(JSON.parse(onnx.stdout.trim().split('\n').at(-1)!)).toMatchObject({ done: true, engine: 'onnx', epochs: 8 });
  });

  it('--engine auto keeps small data in ONNX Runtime and names it; forced fused refuses the NN in one line, before reading the data (exit 2)', async () => {
    const r = await cli(['train', file('ratings.csv'), '--epochs', '1', '--factors', '3', '--json']);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ done: true, engine: 'onnx' });
    const nn = await cli(['train', file('ratings.csv'), '--engine', 'fused', '--model', 'nn', '--epochs', '1']);
    expectOneLineError(nn, '--engine fused: the neural model trains in ONNX Runtime; use --engine onnx or auto', 2);
  });

  it('--out writes factors and biases keyed by the original ids', async () => {
    const out = file('out');
    const r = await cli(['train', file('ratings.csv'), '--epochs', '1', '--factors', '3', '--valid-pct', '0', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/done: 1 epochs/);
    const users = readFileSync(join(out, 'users.csv'), 'utf8').trim().split('\n');
    expect(users[0]).toBe('user,bias,factors_1,factors_2,factors_3');
    expect(users[1]).toMatch(/^u\S+,(-?[\d.e-]+,){3}-?[\d.e-]+$/);
    const items = readFileSync(join(out, 'items.csv'), 'utf8').trim().split('\n');
    expect(items[0]).toBe('item,bias,factors_1,factors_2,factors_3');
    expect(items.slice(1).every((l) => l.startsWith('m'))).toBe(true);
  });

  it('--out with the neural model writes its embeddings and layer weights as CSV', async () => {
    const out = file('out-nn');
    const r = await cli(['train', file('ratings.csv'), '--model', 'nn', '--epochs', '1', '--layers', '4', '--valid-pct', '0', '--out', out]);
    expect(r.code).toBe(0);
    const users = readFileSync(join(out, 'users.csv'), 'utf8').trim().split('\n');
    expect(users[0]).toMatch(/^user,embedding_1,embedding_2,/);
    expect(users).toHaveLength(41);
    expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(['items.csv', 'users.csv']));
    expect(readdirSync(out).some((f) => /weight\.csv$/.test(f))).toBe(true);
  });

  it('warns about coupled L2 with Adam at a large wd', async () => {
    const r = await cli(['train', file('ratings.csv'), '--epochs', '1', '--wd-mode', 'l2', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: --wd-mode l2 with Adam and --wd 0.1/);
  });
});

// Issue 13 finding 11: a device that cannot be used, and a run that blows up without reaching NaN.
describe('collabsheet train says what went wrong with the run', () => {
  it('--device cuda without CUDA: one warning on stderr, trains on the CPU', async () => {
    // This build ships no CUDA provider library (engine/runtime/session.test.ts).
    const r = await cli(['train', file('ratings.csv'), '--device', 'cuda', '--epochs', '1', '--factors', '3', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^warning: The cuda device is not available here \(.+\): training runs on the CPU instead\. Choose --device cpu to train there without this notice\.$/),
    ]);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ done: true, epochs: 1 });
  });

  it('SGD at lr 100 without y_range stops on magnitude, naming the learning rate (exit 1)', async () => {
    const r = await cli(['train', file('ratings.csv'), '--optimizer', 'sgd', '--lr', '100', '--y-range', 'none', '--schedule', 'constant', '--bs', 'full', '--epochs', '20', '--valid-pct', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^training diverged: train RMSE [\d,.]+ in epoch \d+ is more than 10× .*; parameters restored .* the learning rate 100 is too high: try 10 or lower \(--lr\)$/),
    ]);
  });
});

// Issue 12 items 3 and 6: fastai's lr_find from the command line.
describe('collabsheet lr-find', () => {
  it('--json prints one {lr, loss, smoothed} per batch, then the summary', async () => {
    const r = await cli(['lr-find', file('ratings.csv'), '--json', '--factors', '4', '--bs', '32']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const points = lines.slice(0, -1);
    const summary = lines.at(-1);
    expect(points.length).toBeGreaterThan(20);
    expect(points.length).toBeLessThanOrEqual(100);
    for (const p of points) {
      expect(Object.keys(p).sort()).toEqual(['loss', 'lr', 'smoothed']);
      expect(p.loss).toBeGreaterThan(0);
    }
    expect(points[0].lr).toBe(1e-7);
    points.slice(1).forEach((p, i) => expect(p.lr / points[i].lr).toBeCloseTo(10 ** 0.08, 9));
    expect(Object.keys(summary.suggestions).sort()).toEqual(['minimum', 'steep', 'valley']);
    expect(summary.suggestions.valley).toBeGreaterThan(1e-7);
    expect(summary.suggestions.valley).toBeLessThan(10);
    expect(summary.iterations).toBe(points.length);
    // Either it ran all 100 batches, or it stopped at the last one printed.
    if (summary.stopped_at === null) expect(points).toHaveLength(100);
    else expect(summary.stopped_at).toBe(points.at(-1).lr);
  });

  it('prints a short table, how it ended and the suggestions', async () => {
    // Without y_range, a sweep up to lr 100 blows the loss up: it stops early.
    const r = await cli(['lr-find', file('ratings.csv'), '--factors', '4', '--y-range', 'none', '--valid-pct', '0', '--end-lr', '100']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^batch +lr +loss +smoothed$/);
    const rows = lines.filter((l) => /^ +\d+ +\d\.\d\de[-+]\d+ /.test(l));
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThanOrEqual(21);
    expect(r.stdout).toMatch(/stopped at batch \d+, lr [\d.e-]+: the smoothed loss passed 4× its best/);
    expect(r.stdout).toMatch(/suggested learning rates: valley [\d.e-]+ \(fastai's default\), steep [\d.e-]+, minimum\/10 [\d.e-]+/);
    expect(r.stdout).toMatch(/try: collabsheet train .*ratings\.csv --lr [\d.e-]+/);
  });

  it('refuses train flags it has no use for, in one line (exit 2)', async () => {
    expectOneLineError(await cli(['lr-find', file('ratings.csv'), '--lr', '0.01']), /--lr: lr-find sweeps the learning rate itself.*see collabsheet lr-find --help/, 2);
    expectOneLineError(await cli(['lr-find', file('nope.csv')]), /nope\.csv: no such file/, 1);
  });
});

describe('collabsheet export', () => {
  it('--format all trains, then writes every format; --json lists the files on the done line', async () => {
    const out = file('export-all');
    const r = await cli(['export', file('ratings.csv'), '--format', 'all', '--out', out, '--epochs', '1', '--factors', '3', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(done).toMatchObject({ done: true, epochs: 1 });
    expect(done.files.map((f: string) => f.slice(out.length + 1)).sort()).toEqual(readdirSync(out).sort());
    expect(readdirSync(out).sort()).toEqual([
      'embeddings.json', 'ids.json', 'item_bias.npy', 'item_factors.npy', 'items.csv', 'items.tsv', 'metadata.tsv', 'model-pairs.onnx',
      'model-unrated.onnx', 'model.onnx', 'user_bias.npy', 'user_factors.npy', 'users.csv', 'users.tsv', 'vectors.tsv',
    ]);
    const json = JSON.parse(readFileSync(join(out, 'embeddings.json'), 'utf8'));
    expect(json.users).toHaveLength(40);
    expect(json.users[0].factors).toHaveLength(3);
  });

  it('a MovieLens u.data brings its titles from u.item (quoted where they hold commas)', async () => {
    const out = file('export-ml');
    const r = await cli(['export', file('ml/u.data'), '--format', 'csv,projector', '--out', out, '--epochs', '1', '--factors', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/titles: .*u\.item \(30 of 30 items\)/);
    const items = readFileSync(join(out, 'items.csv'), 'utf8').split('\n');
    expect(items[0]).toBe('item,title,bias,factors_1,factors_2');
    expect(items[1]).toMatch(/^\d+,"Movie, the \d+ \(1999\)",/);
    expect(readFileSync(join(out, 'metadata.tsv'), 'utf8').split('\n')[0]).toBe('title\tid\tratings');
    expect(readdirSync(out).sort()).toEqual(['items.csv', 'metadata.tsv', 'users.csv', 'vectors.tsv']);
  });

  it('usage mistakes name the problem (exit 2)', async () => {
    expectOneLineError(await cli(['export', file('ratings.csv'), '--out', file('x')]), /--format is required.*see collabsheet export --help/, 2);
    expectOneLineError(await cli(['export', file('ratings.csv'), '--format', 'csv']), /--out <dir> is required/, 2);
    expectOneLineError(await cli(['export', file('ratings.csv'), '--format', 'csv,xlsx', '--out', file('x')]), /--format: .* got 'xlsx'/, 2);
    expectOneLineError(await cli(['export', file('ratings.csv'), '--format', 'csv', '--out', file('x'), '--model', 'nn']), /--model nn has no per-user/, 2);
  });
});

describe('bad input: one clear line, non-zero exit', () => {
  it('a missing file names the file', async () => {
    expectOneLineError(await cli(['train', file('nope.csv')]), /nope\.csv: no such file/, 1);
  });

  it('an empty file names the file', async () => {
    expectOneLineError(await cli(['train', file('empty.csv')]), /empty\.csv.*empty/, 1);
  });

  it('an unknown column layout names the file', async () => {
    expectOneLineError(await cli(['train', file('columns.csv')]), /columns\.csv.*(column|user|rating)/i, 1);
  });

  it('a non-numeric rating names file and line', async () => {
    expectOneLineError(await cli(['train', file('bad-rating.csv')]), /bad-rating\.csv:3: .*five/, 1);
  });

  it('an unknown flag and a bad value are usage errors (exit 2)', async () => {
    expectOneLineError(await cli(['train', file('ratings.csv'), '--frobnicate']), /unknown option --frobnicate/, 2);
    expectOneLineError(await cli(['train', file('ratings.csv'), '--epochs', 'many']), /--epochs: expected an integer, got 'many'/, 2);
  });
});
