import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * E2E against the built web host (run `npm run build` first; `npm test` does). The host listens on
 * a fixed test port with a per-run token passed through the environment, so the specs know the
 * URL without parsing the host's output. Chromium is Debian's (/usr/bin/chromium): Playwright's
 * own browser download is not available here.
 */
const PORT = Number(process.env['COLLABSHEET_E2E_PORT'] ?? 47321);
// Set once in the runner; the workers inherit it through the environment.
process.env['COLLABSHEET_E2E_TOKEN'] ??= randomBytes(24).toString('base64url');
const TOKEN = process.env['COLLABSHEET_E2E_TOKEN'];
// The host's autosaves go to a fresh folder per run: nothing from the user's own sessions (or an
// earlier run) is offered for recovery, and data.spec can place a "crashed session" there.
process.env['COLLABSHEET_E2E_RECOVERY_DIR'] ??= mkdtempSync(join(tmpdir(), 'collabsheet-e2e-recovery-'));

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts/test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
  webServer: {
    command: `node out/main/web.js --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/?token=${TOKEN}`,
    env: { COLLABSHEET_TOKEN: TOKEN, COLLABSHEET_RECOVERY_DIR: process.env['COLLABSHEET_E2E_RECOVERY_DIR'] },
    reuseExistingServer: false,
    stdout: 'pipe',
    timeout: 60_000,
  },
});
