/**
 * The desktop app itself, through Playwright's Electron driver (issue 13 item 8): the window
 * opens on the demo sheet, Solve trains it (so the training worker started from the app's own
 * layout), and Export writes its files through the desktop path (IPC → native folder dialog →
 * service). Two layouts, one test each:
 *
 * - the built app (out/, `npm run build`) run by the Electron binary of node_modules/electron;
 * - the packaged app electron-builder made (`npm run dist`): its worker and ONNX Runtime load
 *   from app.asar and app.asar.unpacked.
 *
 * Each runs wherever its binary exists and otherwise is skipped, saying which paths it checked.
 * Electron's binary is fetched on first `npm start` only (package.json allowScripts), so a fresh
 * checkout, and CI, skips both. `require('electron')` is not used to find it: that downloads it.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Electron binary node_modules/electron would run (its index.js, minus the download). */
function electronBinary(): { path: string } | { checked: string } {
  const pkg = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const path = override ? join(override, name ?? 'electron') : name ? join(pkg, 'dist', name) : null;
  if (path && existsSync(path)) return { path };
  return { checked: path ?? `${pathFile} (missing: Electron's binary was never downloaded; \`npm start\` fetches it)` };
}

/** electron-builder's unpacked output for this platform (what the AppImage, deb, dmg or nsis hold). */
function packagedApp(): { path: string } | { checked: string } {
  const candidates = {
    linux: ['dist/linux-unpacked/collabsheet', 'dist/linux-arm64-unpacked/collabsheet'],
    darwin: ['dist/mac/CollabSheet.app/Contents/MacOS/CollabSheet', 'dist/mac-arm64/CollabSheet.app/Contents/MacOS/CollabSheet'],
    win32: ['dist/win-unpacked/CollabSheet.exe'],
  }[process.platform as 'linux' | 'darwin' | 'win32'] ?? [];
  const paths = candidates.map((c) => join(ROOT, c));
  const found = paths.find((p) => existsSync(p));
  return found ? { path: found } : { checked: paths.join(', ') || `no packaged layout known for ${process.platform}` };
}

/** Skips the test, printing why (the list reporter shows a test's output). */
function skipUnless<T extends { path: string }>(found: T | { checked: string }, what: string): asserts found is T {
  if ('path' in found) return;
  const reason = `no ${what}: ${found.checked}`;
  console.log(`electron smoke test skipped: ${reason}`);
  test.skip(true, reason);
}

test('the built app in Electron: window, demo sheet Solves, export writes files', async () => {
  const binary = electronBinary();
  skipUnless(binary, 'Electron binary');
  const main = join(ROOT, 'out', 'main', 'index.js');
  expect(existsSync(main), `${main} is missing: run npm run build first`).toBe(true);
  await smoke({ executablePath: binary.path, args: [ROOT] }, false);
});

test('the packaged app: the worker and ONNX Runtime start from app.asar', async () => {
  const app = packagedApp();
  skipUnless(app, 'packaged app (npm run dist)');
  await smoke({ executablePath: app.path, args: [] }, true);
});

async function smoke(launch: { executablePath: string; args: string[] }, packaged: boolean): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'collabsheet-electron-home-'));
  const exportDir = mkdtempSync(join(tmpdir(), 'collabsheet-electron-export-'));
  // Chromium refuses to run as root with its sandbox on (CI containers run as root).
  const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  let app: ElectronApplication | null = null;
  try {
    app = await electron.launch({
      executablePath: launch.executablePath,
      args: [...sandbox, ...launch.args],
      // Its own profile (userData, recovery folder): nothing of the user's is read or written.
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), APPDATA: join(home, 'AppData') },
      timeout: 60_000,
    });
    const page = await app.firstWindow();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

    await test.step('the window opens on the demo sheet', async () => {
      expect(await app!.evaluate(({ app: a }) => a.isPackaged)).toBe(packaged);
      await expect(page).toHaveTitle(/CollabSheet/);
      await expect(page.locator('#sheet-name')).toHaveText('Demo: 15 friends rate 15 movies');
      await expect(page.locator('.rmse-train')).toHaveText(/^RMSE \d\.\d{4}$/);
    });

    await test.step('Solve: the training worker trains the sheet', async () => {
      const before = await rmse(page);
      await page.click('#solve');
      await expect.poll(() => rmse(page), { timeout: 60_000 }).toBeLessThan(before / 2);
      // Export is refused while training runs: the run ends first.
      await expect(page.locator('body')).toHaveAttribute('data-status', 'idle', { timeout: 60_000 });
    });

    await test.step('Export: the native folder dialog, then every format on disk', async () => {
      // The dialog is the one thing a test cannot click: it answers with the folder, in the main process.
      await app!.evaluate(({ dialog }, dir) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [dir] })) as typeof dialog.showOpenDialog;
      }, exportDir);
      await page.click('#export');
      await page.click('#export-go');
      await expect(page.locator('#export-dialog .export-files li')).toHaveCount(13);
      const files = readdirSync(exportDir).sort();
      expect(files).toContain('model.onnx');
      expect(files).toContain('users.csv');
      expect(files).toHaveLength(13);
    });
    expect(problems).toEqual([]);
  } finally {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(exportDir, { recursive: true, force: true });
  }
}

async function rmse(page: Page): Promise<number> {
  const text = (await page.locator('.rmse-train').textContent()) ?? '';
  const match = /RMSE (\d+\.\d+)/.exec(text);
  if (!match) throw new Error(`no RMSE in "${text}"`);
  return Number(match[1]);
}
