/**
 * Issue 16 item 6: File > Open recent and Open demo sheet, and save paths suggested in the
 * user's documents folder rather than the data's own folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import { createService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';
import { written } from './testing/written.ts';
import { documentsFolder, RECENT_LIMIT, RecentFiles } from './worker/recent-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-recent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recent files (issue 16 item 6)', () => {
  it(`keeps the last ${RECENT_LIMIT}, newest first and each once, and says which are gone`, async () => {
    const recent = new RecentFiles(join(dir, 'a', 'recovery'));
    mkdirSync(join(dir, 'a'));
    const files = Array.from({ length: RECENT_LIMIT + 2 }, (_, n) => join(dir, `f${n}.csv`));
    files.forEach((f) => writeFileSync(f, 'u,i,r\n'));
    for (const f of files) await recent.add(f, 'import');
    await recent.add(files[3], 'import');
    rmSync(files[9]);
    const listed = await recent.list();
    expect(listed.map((e) => e.path)).toEqual([files[3], files[9], files[8], files[7], files[6], files[5], files[4], files[2]]);
    expect(listed.filter((e) => !e.found).map((e) => e.path)).toEqual([files[9]]);
  });

  it('reads a damaged or foreign recent.json as an empty list, and keeps nothing without a recovery folder', async () => {
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', 'recent.json'), '{"not": "a list"');
    expect(await new RecentFiles(join(dir, 'b', 'recovery')).list()).toEqual([]);
    writeFileSync(join(dir, 'b', 'recent.json'), JSON.stringify([{ path: 7 }, { path: '/x', kind: 'rm -rf' }, { path: '/y.collabsheet', kind: 'project' }]));
    expect(await new RecentFiles(join(dir, 'b', 'recovery')).list()).toEqual([{ path: '/y.collabsheet', kind: 'project', found: false }]);
    const none = new RecentFiles(undefined);
    await none.add('/z.csv', 'import');
    expect(await none.list()).toEqual([]);
  });

  it("suggests the user's documents folder, else home", () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    expect(documentsFolder({}, home)).toBe(home);
    mkdirSync(join(home, 'Documents'));
    expect(documentsFolder({}, home)).toBe(join(home, 'Documents'));
    expect(documentsFolder({ XDG_DOCUMENTS_DIR: dir }, home)).toBe(dir);
  });

  it('the service lists what was opened and saved, and opens the demo sheet again', async () => {
    const svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, recoveryDir: join(dir, 'svc', 'recovery'), settings: { epochsPerSecond: 0 } });
    try {
      const demo = await svc.getState({});
      const project = join(dir, 'films.collabsheet');
      written(await svc.saveProject({ path: project }));
      await svc.newSynthetic({ spec: { users: 20, items: 15, density: 0.5, rank: 2, noise: 0.2, popularitySkew: 0, seed: 3 }, split: { method: 'random', validPct: 0, seed: 1 } });
      await svc.openProject({ path: project });
      const { files, documentsFolder: docs } = await svc.recentFiles({});
      expect(files).toEqual([{ path: project, kind: 'project', found: true }]);
      expect(docs).toBe(documentsFolder());
      await svc.newSynthetic({ spec: { users: 20, items: 15, density: 0.5, rank: 2, noise: 0.2, popularitySkew: 0, seed: 3 }, split: { method: 'random', validPct: 0, seed: 1 } });
      const back = await svc.openDemo({});
      expect(back.sheet.name).toBe(demo.sheet.name);
      expect(back.sheet.ratings).toEqual(demo.sheet.ratings);
      expect(back.project).toEqual({ path: null, unsaved: false });
    } finally {
      await svc.dispose();
    }
  }, 60_000);
});

describe('recent files while a Solve runs (issue 16 item 5)', () => {
  it('are listed within one event-loop turn of a worker that yields one turn between batches', async () => {
    const recent = new RecentFiles(join(dir, 'busy', 'recovery'));
    mkdirSync(join(dir, 'busy'));
    const files = Array.from({ length: RECENT_LIMIT }, (_, n) => join(dir, `busy${n}.csv`));
    files.forEach((f) => writeFileSync(f, 'u,i,r\n'));
    for (const f of files) await recent.add(f, 'import');
    let listed = false;
    void recent.list().then(() => (listed = true));
    // The training loop: a batch of synchronous work, then setImmediate (batch-pass.ts).
    let turns = 0;
    while (!listed && turns < 50) {
      const until = performance.now() + 5;
      while (performance.now() < until);
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    // Awaiting stat, readFile and one stat per entry took a turn each (about 6 with 8 entries).
    expect(turns).toBeLessThanOrEqual(1);
  });
});
