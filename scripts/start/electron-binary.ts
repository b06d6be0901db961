/**
 * Finding and fetching the Electron binary without `require('electron')`: that call downloads
 * synchronously with no timeout when the binary is missing, which would hang `npm start` on a
 * machine whose network drops packets.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FetchResult } from './choose-host.ts';

/** node_modules/electron, or null when the package is not installed at all. */
export function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The executable the electron package would run, if it is on disk and of the package's version
 * (the same test as the package's own install.js). ELECTRON_OVERRIDE_DIST_PATH is honoured as
 * the package honours it.
 */
export function installedElectron(packageDir: string, env: Readonly<Record<string, string | undefined>>): string | null {
  try {
    const relative = readFileSync(join(packageDir, 'path.txt'), 'utf8');
    const version = readFileSync(join(packageDir, 'dist', 'version'), 'utf8').replace(/^v/, '').trim();
    const expected = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
    if (version !== expected && !env['ELECTRON_OVERRIDE_DIST_PATH']) return null;
    const executable = join(env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(packageDir, 'dist'), relative);
    return existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

/** Runs the package's own installer (its lazy download) with a deadline. */
export function fetchElectron(
  packageDir: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<FetchResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve({ ok: false, reason: `the download did not finish within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const executable = code === 0 ? installedElectron(packageDir, env) : null;
      resolve(executable ? { ok: true, executable } : { ok: false, reason: firstErrorLine(stderr) ?? `the installer exited with code ${code}` });
    });
  });
}

/** The installer prints a whole stack; its first line says what went wrong ("TypeError: fetch failed"). */
export function firstErrorLine(stderr: string): string | null {
  return stderr.split('\n').map((line) => line.trim()).find((line) => line.length > 0 && !line.startsWith('at ')) ?? null;
}
