/**
 * Issue 13 finding 4: `openProject /dev/zero` read until memory was gone, and FIFOs hung every
 * reader for good (preview, import, openProject; a project's referenced ratings file is read by
 * the same importer). Each reader now answers at once, naming what the path is. Zip bombs
 * (finding 9) are io/zip-bounds.test.ts's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject } from '../io/project.ts';
import { readCollabWorkbook } from '../io/xlsx.ts';
import { readSheetFile } from './sheet-file.ts';
import { previewFile, readRatingsFile } from '../data/import/index.ts';
import { readRegularFile } from '../data/import/regular-file.ts';
import { readTitlesFile } from '../data/import/titles.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-file-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, 'ratings.fifo');
execFileSync('mkfifo', [fifo]);
const folder = join(dir, 'a-folder.csv');
mkdirSync(folder);

/** Fails instead of hanging: a reader that blocks on a FIFO never settles. */
function settlesSoon<T>(p: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms: it hangs`)), ms))]);
}

const readers: [string, (path: string) => Promise<unknown>][] = [
  ['the ratings import', (p) => readRatingsFile(p)],
  ['the import preview', (p) => previewFile(p)],
  ['openProject', (p) => openProject(p)],
  ['a sheet file', (p) => readSheetFile(p)],
  ['a workbook', (p) => readCollabWorkbook(p)],
  ['a titles file', (p) => readTitlesFile(p)],
];

describe('every reader opens regular files only (finding 4)', () => {
  for (const [name, read] of readers) {
    it(`${name}: a FIFO is refused at once, not waited on`, async () => {
      await expect(settlesSoon(read(fifo))).rejects.toThrow(/ratings\.fifo.*a pipe \(FIFO\), not a file/);
    });
    it(`${name}: /dev/zero and /dev/urandom are refused as devices`, async () => {
      for (const device of ['/dev/zero', '/dev/urandom']) await expect(settlesSoon(read(device))).rejects.toThrow(/a device, not a file/);
    });
    it(`${name}: a folder is refused`, async () => {
      await expect(settlesSoon(read(folder))).rejects.toThrow(/a folder, not a file/);
    });
  }

  it('a whole-file read is capped before a byte is read', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(2048, 0x20));
    await expect(readRegularFile(big, 1024, 'a sheet file')).rejects.toThrow(/big\.json: over 1 KB: too big for a sheet file/);
    expect((await readRegularFile(big, 4096, 'a sheet file')).length).toBe(2048);
  });
});


/**
 * What the hosts' main thread loads: esbuild follows the value imports from their entries (type
 * imports load nothing) and stops at electron-vite's `?nodeWorker` / `?modulePath` imports, which
 * start a thread or name a file rather than load it.
 */
async function mainThreadGraph(entries: string[]): Promise<{ files: string[]; packages: Set<string> }> {
  const stopAtWorkers: Plugin = {
    name: 'stop-at-workers',
    setup(b) {
      b.onResolve({ filter: /\?(nodeWorker|modulePath)$/ }, (a) => ({ path: a.path, external: true }));
    },
  };
  const packages = new Set<string>();
  const recordPackages: Plugin = {
    name: 'record-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (a.path.includes('?')) return undefined;
        packages.add(a.path.startsWith('@') ? a.path.split('/').slice(0, 2).join('/') : a.path.split('/')[0]);
        return { path: a.path, external: true };
      });
    },
  };
  const result = await build({ entryPoints: entries, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', outdir: dir, logLevel: 'silent', plugins: [stopAtWorkers, recordPackages] });
  return { files: Object.keys(result.metafile.inputs), packages };
}

describe('the .xlsx work stays in the worker (issue 13 finding 9: xlsx preview ran on the main thread)', () => {
  it('no module the Electron main process or the web host loads reaches exceljs or io/xlsx.ts', async () => {
    const { files, packages } = await mainThreadGraph(['src-main/hosts/electron/main.ts', 'src-main/hosts/web/main.ts']);
    expect(files).toContain('src-main/service/service.ts'); // the walk does reach the service…
    expect(files).not.toContain('src-main/service/worker/training-worker.ts'); // …but not into the worker
    expect(files.filter((f) => /xlsx|zip-bounds|data-commands/.test(f))).toEqual([]);
    expect(packages.has('exceljs')).toBe(false);
  });

  it('the worker does reach them (so the walk above would see them)', async () => {
    const { files, packages } = await mainThreadGraph(['src-main/service/worker/training-worker.ts']);
    expect(files).toEqual(expect.arrayContaining(['src-main/io/xlsx.ts', 'src-main/io/zip-bounds.ts']));
    expect(packages.has('exceljs')).toBe(true);
  });
});
