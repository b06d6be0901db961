/**
 * The measure scripts' way to start the built web host (out/main/web.js) on a ratings file: a
 * fresh token and recovery folder, the address read from its first line, and the --measure-lag
 * seconds (p50/p99/max of the event-loop delay) handed to whoever listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

export interface LagSecond { p50: number; p99: number; max: number }

export interface WebHost {
  /** The page's address, token included. */
  url: string;
  process: ChildProcess;
  /** Called with each second's event-loop delay while the host runs with --measure-lag. */
  onLag(listener: (second: LagSecond) => void): void;
}

/** `out`: the build to run (another build's folder compares before and after on the same machine state). */
export async function startWebHost(ratings: string, extraArgs: string[] = [], out = 'out'): Promise<WebHost> {
  const token = randomBytes(16).toString('hex');
  const host = spawn(process.execPath, [`${out}/main/web.js`, '--port', '0', '--ratings', ratings, '--measure-lag', ...extraArgs], {
    env: { ...process.env, COLLABSHEET_TOKEN: token, COLLABSHEET_RECOVERY_DIR: mkdtempSync(join(tmpdir(), 'collabsheet-measure-')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lagListeners: ((second: LagSecond) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    host.once('exit', (code) => reject(new Error(`the web host exited (${code}) before serving`)));
    createInterface({ input: host.stdout! }).on('line', (line) => {
      const address = /web host: (http\S+)/.exec(line);
      if (address) resolve(address[1]);
      const lag = /p50 ([\d.]+) p99 ([\d.]+) max ([\d.]+)/.exec(line);
      if (lag) lagListeners.forEach((l) => l({ p50: Number(lag[1]), p99: Number(lag[2]), max: Number(lag[3]) }));
    });
  });
  return { url, process: host, onLag: (listener) => lagListeners.push(listener) };
}

/** Debian's Chromium, as playwright.config.ts launches it. */
export const CHROMIUM = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

/** Sends one command over the host's socket, as the page would; resolves with its value. */
export async function sendCommand<T = unknown>(url: string, command: string, args: unknown): Promise<T> {
  const ws = new WebSocket(url.replace(/^http/, 'ws').replace('/?token=', '/socket?token='));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  try {
    return await new Promise<T>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.id !== 1) return;
        if (m.ok) resolve(m.value as T);
        else reject(new Error(`${command}: ${m.error}`));
      });
      ws.send(JSON.stringify({ id: 1, command, args }));
    });
  } finally {
    ws.close();
  }
}
