/**
 * The data commands end to end through the service and the real training worker: import with
 * preview, bad rows and Cancel (the current sheet untouched until an import succeeds), splits,
 * the crosstab with Find, synthetic data, projects with autosave and recovery, and Excel. Every
 * file is generated here, in a temp folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RatingsDataset } from '../data/dataset.ts';
import { generatePlanted } from '../data/synthetic.ts';
import { demoSheetPath } from '../io/resources.ts';
import { writeRatingsCsv } from '../io/ratings-csv.ts';
import { readCollabWorkbook, sheetRmse, writeCollabWorkbook } from '../io/xlsx.ts';
import type { EventMessage, ImportOutcome } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';
import { written } from './testing/written.ts';
import { EMBED_LIMIT } from './worker/project-io.ts';
import { OWNER_FILE } from './worker/recovery-owner.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-data-'));
const file = (name: string) => join(dir, name);

/** `count` MovieLens-like ratings from a planted model, with timestamps. */
function planted(users: number, items: number, count: number, seed = 7): RatingsDataset {
  return generatePlanted({
    users, items, ratings: count, rank: 3, noise: 0.3, seed, popularitySkew: 0.5,
    scale: { lo: 1, hi: 5, step: 1 }, timestamps: { start: 8.8e8, end: 8.9e8 },
  }).data;
}

async function until(done: () => boolean): Promise<void> {
  for (let tries = 0; !done(); tries++) {
    if (tries > 200) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function imported(o: ImportOutcome): Extract<ImportOutcome, { kind: 'imported' }> {
  if (o.kind !== 'imported') throw new Error(`expected an import, got ${JSON.stringify(o)}`);
  return o;
}

describe('data commands', () => {
  let svc: DisposableService;
  const events: EventMessage[] = [];
  const recoveryDir = file('recovery');

  const small = planted(50, 40, 800);

  beforeAll(async () => {
    await writeRatingsCsv(small, file('ratings.csv'), { columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' } });
    writeFileSync(file('movies.csv'), ['movieId,title,genres', ...small.itemIds.map((id) => `${id},"Film ${id}, The (1999)",Drama`)].join('\n'));
    svc = await createService(tsxWorkerFactory, {
      source: { kind: 'sheet-file', path: demoSheetPath() },
      settings: { epochsPerSecond: 0 },
      recoveryDir,
      autosaveMs: 50,
    });
    svc.subscribe((e) => events.push(e));
  });

  afterAll(async () => {
    await svc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('previews a CSV: format, first rows, suggested columns, the titles file beside it', async () => {
    const p = await svc.previewImport({ path: file('ratings.csv') });
    if (p.kind !== 'ratings') throw new Error('not a ratings preview');
    expect(p.hasHeader).toBe(true);
    expect(p.header).toEqual(['userId', 'movieId', 'rating', 'timestamp']);
    expect(p.format?.columns).toEqual({ user: 0, item: 1, rating: 2, timestamp: 3 });
    expect(p.rows[0]).toHaveLength(4);
    expect(p.titlesFile).toBe(file('movies.csv'));
    expect(p.folds).toEqual([]);
  });

  it('imports with a random 10 % split, titles, duplicates kept last, progress events, and a report', async () => {
    // The first row again with another rating, at the end: the later line wins.
    const lines = readFileSync(file('ratings.csv'), 'utf8').trimEnd().split('\n');
    const [u, i] = lines[1].split(',');
    writeFileSync(file('dup.csv'), [...lines, `${u},${i},1,890000000`].join('\n') + '\n');
    writeFileSync(file('dup-titles.csv'), readFileSync(file('movies.csv')));
    events.length = 0;
    const o = imported(await svc.importRatings({ path: file('dup.csv'), titles: file('dup-titles.csv'), badRows: 'fail', split: { method: 'random', validPct: 0.1, seed: 42 } }));
    expect(o.report).toMatchObject({ rows: 800, users: small.userIds.length, items: 40, duplicates: 1, skipped: 0, titled: 40 });
    expect(o.report.split).toMatchObject({ method: 'random', trainRows: 720, validRows: 80 });
    expect(o.state.sheet.name).toBe('dup.csv');
    expect(o.state.sheet.movies[0].title).toMatch(/^Film i\d+, The \(1999\)$/);
    expect(o.state.settings).toMatchObject({ validPct: 0.1, splitSeed: 42 });
    expect(o.state.sheet.totals).toMatchObject({ ratings: 800, validRatings: 80 });
    expect(o.state.sheet.heldOut.flat().some(Boolean)).toBe(true);
    const row = o.state.sheet.users.findIndex((x) => x.id === u);
    const col = o.state.sheet.movies.findIndex((x) => x.id === i);
    if (row >= 0 && col >= 0) expect(o.state.sheet.ratings[row][col]).toBe(1);
    const progress = events.filter((e) => e.event === 'importProgress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.payload).toMatchObject({ stage: 'preparing', rows: 800 });
  });

  it('stops at a bad row with file:line and its text, leaving the sheet as it was; skipping counts it', async () => {
    const before = await svc.getState({});
    const lines = readFileSync(file('ratings.csv'), 'utf8').trimEnd().split('\n');
    lines.splice(5, 0, '12,7,five,881250949');
    writeFileSync(file('broken.csv'), lines.join('\n') + '\n');
    const args = { path: file('broken.csv'), titles: null, split: { method: 'random' as const, validPct: 0.1, seed: 42 } };
    const stop = await svc.importRatings({ ...args, badRows: 'fail' });
    expect(stop).toMatchObject({ kind: 'bad-row', line: 6, text: '12,7,five,881250949' });
    expect(stop.kind === 'bad-row' && stop.message).toBe(`${file('broken.csv')}:6: rating "five" is not a number (12,7,five,881250949)`);
    expect(await svc.getState({})).toEqual(before);
    const o = imported(await svc.importRatings({ ...args, badRows: 'skip' }));
    expect(o.report.skipped).toBe(1);
    expect(o.report.badRowExamples[0]).toContain(':6:');
    expect(o.report.rows).toBe(800);
  });

  it('cancels an import on request: the current sheet stays', async () => {
    // Over the embedding limit, so the project test below stores it as a reference.
    const big = planted(5000, 1500, EMBED_LIMIT + 50_000, 3);
    await writeRatingsCsv(big, file('big.csv'));
    const before = await svc.getState({});
    let asked = false;
    const off = svc.subscribe((e) => {
      if (e.event === 'importProgress' && !asked) {
        asked = true;
        void svc.cancelImport({});
      }
    });
    const o = await svc.importRatings({ path: file('big.csv'), badRows: 'fail', split: { method: 'random', validPct: 0.1, seed: 42 } });
    off();
    expect(o).toEqual({ kind: 'cancelled' });
    expect(await svc.getState({})).toEqual(before);
  });

  it('splits by time (each user\'s latest ratings) and by MovieLens\' own files', async () => {
    const o = imported(await svc.importRatings({ path: file('ratings.csv'), badRows: 'fail', split: { method: 'time', validPct: 0.2 } }));
    expect(o.report.split.method).toBe('time');
    expect(o.report.split.validRows).toBeGreaterThan(100);
    expect(o.state.sheet.data.hasTimestamps).toBe(true);

    const d = planted(30, 25, 500, 11);
    const row = (n: number) => `${d.userIds[d.users[n]]}\t${d.itemIds[d.items[n]]}\t${d.ratings[n]}\t881250949`;
    const all = Array.from(d.ratings, (_, n) => row(n));
    const usersIn = (lines: string[]) => new Set(lines.map((l) => l.split('\t')[0]));
    const baseUsers = usersIn(all.slice(0, 400));
    const coldUsers = [...usersIn(all.slice(400))].filter((u) => !baseUsers.has(u)).length + 1;
    writeFileSync(file('u.data'), all.join('\n'));
    writeFileSync(file('u1.base'), all.slice(0, 400).join('\n'));
    // A user and a movie that only the test file has: counted as cold.
    writeFileSync(file('u1.test'), [...all.slice(400), 'newcomer\tnewfilm\t4\t881250949'].join('\n'));
    const p = await svc.previewImport({ path: file('u.data') });
    expect(p.kind === 'ratings' && p.folds).toEqual([{ name: 'u1', base: file('u1.base'), test: file('u1.test') }]);
    const f = imported(await svc.importRatings({ path: file('u1.base'), badRows: 'fail', split: { method: 'files', validPath: file('u1.test') } }));
    expect(f.report.split).toMatchObject({ method: 'files', trainRows: 400, validRows: 101, coldUsers, coldItems: 1 });
    expect(f.state.sheet.name).toBe('u1.base + u1.test');
    expect(f.state.numbers.fit.validRmse).not.toBeNull();
    await expect(svc.importRatings({ path: file('u.data'), badRows: 'fail', split: { method: 'time', validPct: 0.1 } })).resolves.toMatchObject({ kind: 'imported' });
  });

  it('shows the N most active users × most rated movies; Find pins a movie first, its cells from the full model', async () => {
    const o = imported(await svc.importRatings({ path: file('ratings.csv'), badRows: 'fail', split: { method: 'random', validPct: 0.1, seed: 42 } }));
    expect(o.state.sheet.users).toHaveLength(15);
    expect((await svc.setCrosstab({ size: 5 })).sheet?.users).toHaveLength(5);
    const five = await svc.getState({});
    expect(five.sheet.users).toHaveLength(5);
    expect(five.sheet.movies).toHaveLength(5);
    expect(five.numbers.snapshot.predictions).toHaveLength(25);
    // The least rated movie is not on the 5 × 5 sheet; Find it by part of its title.
    const matches = await svc.findInSheet({ query: 'film' });
    expect(matches.length).toBeGreaterThan(5);
    const rare = matches.filter((m) => m.kind === 'item').at(-1)!;
    expect(five.sheet.movies.map((m) => m.id)).not.toContain(rare.id);
    await svc.pinInSheet({ item: rare.id });
    const pinned = await svc.getState({});
    expect(pinned.sheet.movies[0].id).toBe(rare.id);
    expect(pinned.sheet.data.pinned.items).toEqual([rare.id]);
    expect(pinned.sheet.movies).toHaveLength(5);
    // Its column's numbers come from the trained model, not only the visible block: a Step moves them.
    await svc.step({});
    const after = await svc.getState({});
    expect(after.numbers.snapshot.predictions[0]).not.toBe(pinned.numbers.snapshot.predictions[0]);
    const user = await svc.findInSheet({ query: after.sheet.users[4].id });
    expect(user[0]).toMatchObject({ kind: 'user', id: after.sheet.users[4].id });
    await expect(svc.pinInSheet({ item: 'no-such-movie' })).rejects.toThrow('There is no movie "no-such-movie"');
    const unpinned = await svc.pinInSheet({ item: null });
    expect(unpinned.sheet?.data.pinned.items).toEqual([]);
  });

  it('generates a synthetic dataset with its planted tastes', async () => {
    const o = imported(await svc.newSynthetic({
      spec: { users: 200, items: 100, density: 0.1, rank: 2, noise: 0.2, popularitySkew: 0.5, seed: 9 },
      split: { method: 'random', validPct: 0.1, seed: 42 },
    }));
    expect(o.report).toMatchObject({ rows: 2000, users: 200, items: 100 });
    expect(o.state.sheet.planted?.tastes).toEqual(['taste 1', 'taste 2']);
    expect(o.state.sheet.planted?.movieWeights).toHaveLength(o.state.sheet.movies.length);
    expect(o.state.sheet.data.source).toBe('synthetic');
  });

  it('saves a project, and opening it restores data, edits, factors and history; a damaged file changes nothing', async () => {
    await svc.openRatings({ path: demoSheetPath() });
    await svc.setRating({ row: 0, col: 1, rating: 1 });
    await svc.step({});
    await svc.step({});
    expect(written(await svc.saveProject({ path: file('demo') })).project).toEqual({ path: file('demo.collabsheet'), unsaved: false });
    const saved = await svc.getState({});
    expect(saved.project).toEqual({ path: file('demo.collabsheet'), unsaved: false });
    await svc.setRating({ row: 0, col: 1, rating: 5 });
    await svc.step({});
    expect((await svc.getState({})).project.unsaved).toBe(true);
    const opened = await svc.openProject({ path: file('demo.collabsheet') });
    expect(opened.sheet.ratings).toEqual(saved.sheet.ratings);
    expect(opened.sheet.users).toEqual(saved.sheet.users);
    expect(opened.numbers).toEqual(saved.numbers);
    expect(opened.history).toEqual(saved.history);
    expect(opened.config).toEqual(saved.config);
    expect(opened.settings).toEqual(saved.settings);
    expect(opened.project).toEqual({ path: file('demo.collabsheet'), unsaved: false });

    const bytes = readFileSync(file('demo.collabsheet'));
    writeFileSync(file('damaged.collabsheet'), bytes.subarray(0, bytes.length - 100));
    const newer = Buffer.from(bytes);
    newer.writeUInt32LE(99, 8);
    writeFileSync(file('newer.collabsheet'), newer);
    await expect(svc.openProject({ path: file('damaged.collabsheet') })).rejects.toThrow(/damaged/);
    await expect(svc.openProject({ path: file('newer.collabsheet') })).rejects.toThrow(/newer CollabSheet \(project format 99/);
    expect(await svc.getState({})).toEqual(opened);
  });

  it('keeps a big ratings file as a reference in the project, and says so when the file is gone', async () => {
    await svc.importRatings({ path: file('big.csv'), badRows: 'fail', split: { method: 'random', validPct: 0.1, seed: 42 } });
    await svc.saveProject({ path: file('big.collabsheet') });
    const s = await svc.getState({});
    expect(readFileSync(file('big.collabsheet')).length).toBeLessThan(EMBED_LIMIT * 12);
    const reopened = await svc.openProject({ path: file('big.collabsheet') });
    expect(reopened.sheet.totals).toEqual(s.sheet.totals);
    expect(reopened.numbers).toEqual(s.numbers);
    rmSync(file('big.csv'));
    await expect(svc.openProject({ path: file('big.collabsheet') })).rejects.toThrow(/big\.csv is missing/);
  }, 120_000);

  it('autosaves unsaved work, and a later session offers it back after a crash', async () => {
    await svc.openRatings({ path: demoSheetPath() });
    await svc.setRating({ row: 2, col: 2, rating: 0.5 });
    await svc.solve({});
    const crashed = await svc.getState({});
    expect(crashed.project.unsaved).toBe(true);
    // The finished Solve autosaved at once; the session now "crashes" (nothing is cleaned up):
    // its owner file names a process that has gone (issue 16 item 2: a running one's is never offered).
    await until(() => readdirSync(recoveryDir).some((n) => n.startsWith('instance-') && readdirSync(join(recoveryDir, n)).some((f) => f.endsWith('.collabsheet'))));
    for (const folder of readdirSync(recoveryDir).filter((n) => n.startsWith('instance-'))) {
      writeFileSync(join(recoveryDir, folder, OWNER_FILE), JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '0']).pid, started: null, host: hostname() }));
    }
    const next = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, recoveryDir });
    try {
      const offers = await next.listRecoverable({});
      expect(offers).toHaveLength(1);
      expect(offers[0]).toMatchObject({ projectPath: null, name: crashed.sheet.name });
      const restored = await next.restoreRecoverable({ path: offers[0].path });
      expect(restored.sheet.ratings).toEqual(crashed.sheet.ratings);
      expect(restored.numbers).toEqual(crashed.numbers);
      expect(restored.history).toEqual(crashed.history);
      expect(restored.project.unsaved).toBe(true);
      // The restored work is the new session's own autosave now; the old copy is gone.
      expect(await next.listRecoverable({})).toEqual([]);
      await expect(next.discardRecoverable({ path: file('demo.collabsheet') })).rejects.toThrow('not an autosave');
    } finally {
      await next.dispose();
    }
  });

  it('opens collab_filter.xlsx at the workbook\'s own RMSE, and exports the sheet with live formulas', async () => {
    const users = ['14', '29', '72', '211'];
    const items = ['27', '49', '57', '72', '79'];
    const k = 3;
    const ratings = Float32Array.from({ length: 20 }, (_, n) => (n % 3 === 1 ? NaN : 1 + (n % 5)));
    const uf = Float32Array.from({ length: users.length * k }, (_, n) => ((n * 37) % 11) / 10);
    const vf = Float32Array.from({ length: items.length * k }, (_, n) => ((n * 53) % 13) / 10);
    const ub = Float32Array.from([0.1, -0.2, 0.3, 0]);
    const ib = Float32Array.from([0.5, 0, -0.5, 0.25, 0.1]);
    const rmse = (bias: boolean) => sheetRmse(ratings, 4, 5, k, uf, vf, bias ? ub : undefined, bias ? ib : undefined);
    await writeCollabWorkbook(file('dotprod.xlsx'), { userIds: users, itemIds: items, ratings, factors: k, userFactors: uf, itemFactors: vf });
    await writeCollabWorkbook(file('bias.xlsx'), { userIds: users, itemIds: items, ratings, factors: k, userFactors: uf, itemFactors: vf, userBias: ub, itemBias: ib });

    const dot = await svc.openRatings({ path: file('dotprod.xlsx') });
    expect(dot.numbers.fit.trainRmse).toBeCloseTo(rmse(false), 5);
    expect(dot.config.model).toMatchObject({ kind: 'dot', factors: k, yRange: null });
    expect(dot.settings.validPct).toBe(0);
    const preview = await svc.previewImport({ path: file('bias.xlsx') });
    expect(preview).toMatchObject({ kind: 'workbook', users: 4, items: 5, factors: k, sheets: [{ kind: 'bias' }] });
    const bias = imported(await svc.importRatings({ path: file('bias.xlsx'), workbookSheet: 'bias', badRows: 'fail', split: { method: 'random', validPct: 0, seed: 42 } }));
    expect(bias.state.numbers.fit.trainRmse).toBeCloseTo(rmse(true), 5);

    await svc.solve({});
    const trained = await svc.getState({});
    const out = written(await svc.exportXlsx({ path: file('export') }));
    expect(out.path).toBe(file('export.xlsx'));
    expect(out.notice).toBeNull();
    expect(out.rmse).toBeCloseTo(trained.numbers.fit.trainRmse, 5);
    const back = await readCollabWorkbook(out.path);
    expect(back.bias?.rmse).toBeCloseTo(trained.numbers.fit.trainRmse, 5);
    expect(back.data.userIds).toEqual(users);
  });

  it('refuses to export a model the sheet layout cannot hold, and says why a sigmoid model differs', async () => {
    const s = await svc.openRatings({ path: demoSheetPath() });
    const out = written(await svc.exportXlsx({ path: file('demo.xlsx') }));
    expect(out.notice).toMatch(/sigmoid_range/);
    await svc.setConfig({ config: { ...s.config, model: { ...s.config.model, kind: 'nn' } } });
    await expect(svc.exportXlsx({ path: file('nn.xlsx') })).rejects.toThrow(/dot-product model/);
  });

  describe('issue 13 finding 8: writes go only where the user chose', () => {
    const posix = process.platform !== 'win32';
    let guard: string;
    let before: Record<string, string>;
    beforeAll(async () => {
      guard = mkdtempSync(join(dir, 'guarded-'));
      writeFileSync(join(guard, 'notes.collabsheet'), 'my notes');
      writeFileSync(join(guard, 'plain.collabsheet'), 'keep me');
      writeFileSync(join(guard, 'old.xlsx'), 'an old workbook');
      writeFileSync(join(guard, 'elsewhere.txt'), 'precious');
      writeFileSync(join(guard, 'locked.collabsheet'), 'locked');
      if (posix) {
        chmodSync(join(guard, 'locked.collabsheet'), 0o444);
        execFileSync('mkfifo', [join(guard, 'pipe.collabsheet')]);
        symlinkSync(join(guard, 'elsewhere.txt'), join(guard, 'link.xlsx'));
      }
      before = listing(guard);
      await svc.openRatings({ path: demoSheetPath() });
    });

    it('an existing file answers "exists" and stays as it was; overwrite: true replaces it', async () => {
      const notes = join(guard, 'notes.collabsheet');
      expect(await svc.saveProject({ path: notes })).toEqual({
        refused: 'exists', path: notes, existing: [notes], message: `${notes} already exists: confirm replacing it, or choose another name`,
      });
      const xlsx = join(guard, 'old.xlsx');
      expect(await svc.exportXlsx({ path: xlsx })).toMatchObject({ refused: 'exists', path: xlsx, existing: [xlsx] });
      expect((await svc.getState({})).project.path).toBeNull();
      // Confirming "plain" is no yes to replacing plain.collabsheet, which the default extension leads to.
      expect(await svc.saveProject({ path: join(guard, 'plain'), overwrite: true })).toMatchObject({ refused: 'exists', path: join(guard, 'plain.collabsheet') });
      expect(listing(guard)).toEqual(before);

      expect(written(await svc.saveProject({ path: notes, overwrite: true })).project).toEqual({ path: notes, unsaved: false });
      expect((await svc.openProject({ path: notes })).project.path).toBe(notes);
      expect(written(await svc.exportXlsx({ path: xlsx, overwrite: true })).path).toBe(xlsx);
      expect((await readCollabWorkbook(xlsx)).data.userIds.length).toBeGreaterThan(0);
    });

    it('Save replaces the project\'s own file without asking', async () => {
      const notes = join(guard, 'notes.collabsheet');
      await svc.setRating({ row: 0, col: 1, rating: 2 });
      expect(written(await svc.saveProject({ path: notes })).project).toEqual({ path: notes, unsaved: false });
    });

    it.skipIf(!posix)('a read-only project, a FIFO and a symlink are refused with what to do, even with overwrite', async () => {
      const locked = join(guard, 'locked.collabsheet');
      await expect(svc.saveProject({ path: locked, overwrite: true })).rejects.toThrow(`${locked} is read-only: CollabSheet will not replace it. Choose another name, or make the file writable first`);
      await expect(svc.saveProject({ path: join(guard, 'pipe.collabsheet'), overwrite: true })).rejects.toThrow(/pipe\.collabsheet is a named pipe \(FIFO\), not a regular file: choose a file name$/);
      await expect(svc.exportXlsx({ path: join(guard, 'link.xlsx'), overwrite: true })).rejects.toThrow(/link\.xlsx is a symbolic link: CollabSheet does not write through links/);
      expect(readFileSync(join(guard, 'elsewhere.txt'), 'utf8')).toBe('precious');
      expect(readFileSync(locked, 'utf8')).toBe('locked');
    });

    it('no file but the two the user confirmed changed', () => {
      const after = listing(guard);
      const changed = Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]).sort();
      expect(changed).toEqual(['notes.collabsheet', 'old.xlsx']);
    });
  });
});

/** Each entry of dir (not following links) with its kind, size, mode and mtime. */
function listing(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => {
    const st = lstatSync(join(dir, name));
    return [name, `${st.isSymbolicLink() ? 'link' : st.isFIFO() ? 'fifo' : 'file'} ${st.size} ${st.mode} ${st.mtimeMs}`];
  }));
}
