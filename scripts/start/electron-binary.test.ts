import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchElectron, firstErrorLine, installedElectron } from './electron-binary.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A stand-in for node_modules/electron: its package.json and, optionally, a downloaded dist. */
function fakePackage(options: { dist?: { version: string }; installer?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-electron-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '45.4.1' }));
  if (options.dist) writeDist(dir, options.dist.version);
  if (options.installer) writeFileSync(join(dir, 'install.js'), options.installer);
  return dir;
}

function writeDist(dir: string, version: string): void {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'version'), `v${version}`);
  writeFileSync(join(dir, 'dist', 'electron'), '');
  writeFileSync(join(dir, 'path.txt'), 'electron');
}

describe('finding the Electron binary', () => {
  it('finds a downloaded binary of the package version', () => {
    const dir = fakePackage({ dist: { version: '45.4.1' } });
    expect(installedElectron(dir, {})).toBe(join(dir, 'dist', 'electron'));
  });

  it('ignores a missing or stale download', () => {
    expect(installedElectron(fakePackage({}), {})).toBeNull();
    expect(installedElectron(fakePackage({ dist: { version: '44.0.0' } }), {})).toBeNull();
  });
});

describe('fetching the Electron binary', () => {
  it('reports the first line of the installer error, not its stack', async () => {
    const dir = fakePackage({ installer: "console.error('TypeError: fetch failed\\n    at download (x.js:1:1)'); process.exit(1);" });
    expect(await fetchElectron(dir, {}, 10_000)).toEqual({ ok: false, reason: 'TypeError: fetch failed' });
  });

  it('gives up at the deadline', async () => {
    const dir = fakePackage({ installer: 'setTimeout(() => {}, 60_000);' });
    const started = performance.now();
    expect(await fetchElectron(dir, {}, 300)).toEqual({ ok: false, reason: 'the download did not finish within 0.3 s' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('returns the executable the installer put in place', async () => {
    const dir = fakePackage({});
    const installer = `const fs = require('fs'), p = require('path');
      fs.mkdirSync(p.join(__dirname, 'dist'), { recursive: true });
      fs.writeFileSync(p.join(__dirname, 'dist', 'version'), 'v45.4.1');
      fs.writeFileSync(p.join(__dirname, 'dist', 'electron'), '');
      fs.writeFileSync(p.join(__dirname, 'path.txt'), 'electron');`;
    writeFileSync(join(dir, 'install.js'), installer);
    expect(await fetchElectron(dir, {}, 10_000)).toEqual({ ok: true, executable: join(dir, 'dist', 'electron') });
  });

  it('picks the message line out of installer output', () => {
    expect(firstErrorLine('\n  Error: nope\n    at x (y.js:1:1)\n')).toBe('Error: nope');
    expect(firstErrorLine('')).toBeNull();
  });
});
