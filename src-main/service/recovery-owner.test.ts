/**
 * Issue 16 item 2: recovery files belong to one instance. Before, every instance autosaved into
 * one shared folder and offered whatever it found there that it had not written itself: a second
 * window offered the first one's autosave ("Unsaved work was found: …" beside "saved"), and its
 * Discard deleted a file the first, still running, owned. Now each instance has its own folder
 * with an owner file; only a dead instance's work is offered, by the next instance that looks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';
import { isRunning, OWNER_FILE, thisProcess } from './worker/recovery-owner.ts';

const recoveryDir = mkdtempSync(join(tmpdir(), 'collabsheet-owner-'));
const started: DisposableService[] = [];

async function instance(): Promise<DisposableService> {
  const svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, recoveryDir, autosaveMs: 20, settings: { epochsPerSecond: 0 } });
  started.push(svc);
  return svc;
}

/** A pid that no process has any more (a child that has exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

async function autosaveOf(folderCountBefore: number): Promise<{ folder: string; file: string }> {
  for (let tries = 0; tries < 200; tries++) {
    const folders = readdirSync(recoveryDir).filter((n) => n.startsWith('instance-'));
    if (folders.length > folderCountBefore) {
      const folder = join(recoveryDir, folders.at(-1)!);
      const file = readdirSync(folder).find((n) => n.endsWith('.collabsheet'));
      if (file) return { folder, file: join(folder, file) };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no autosave was written');
}

afterAll(async () => {
  for (const svc of started) await svc.dispose();
  rmSync(recoveryDir, { recursive: true, force: true });
});

describe('recovery files belong to one instance (issue 16 item 2)', () => {
  it("never offers nor deletes a running instance's autosave; a dead one's is offered once, by the instance that looks first", async () => {
    const first = await instance();
    await first.setRating({ row: 2, col: 2, rating: 0.5 });
    const { folder, file } = await autosaveOf(0);

    const second = await instance();
    expect(await second.listRecoverable({})).toEqual([]); // before: the first window's unsaved work, offered here
    await expect(second.discardRecoverable({ path: file })).rejects.toThrow(/belongs to another CollabSheet that is still running/);
    expect(existsSync(file)).toBe(true);

    // The first instance dies (its process gone): its work is offered, and claimed by the one that offered it.
    writeFileSync(join(folder, OWNER_FILE), JSON.stringify({ pid: deadPid(), started: null, host: hostname() }));
    const offers = await second.listRecoverable({});
    expect(offers.map((o) => o.path)).toEqual([file]);
    const third = await instance();
    expect(await third.listRecoverable({})).toEqual([]);
    await expect(third.discardRecoverable({ path: file })).rejects.toThrow(/still running/);

    await second.discardRecoverable({ path: file });
    expect(existsSync(folder)).toBe(false); // the dead instance's folder goes with its last copy
  }, 120_000);
});

describe('isRunning', () => {
  it('knows this process, a dead pid, a reused pid and another host', () => {
    const me = thisProcess();
    expect(isRunning(me)).toBe(true);
    expect(isRunning({ ...me, pid: deadPid() })).toBe(false);
    if (me.started !== null) expect(isRunning({ ...me, started: `${me.started}1` })).toBe(false); // same pid, another process's start time
    expect(isRunning({ pid: deadPid(), started: null, host: `not-${hostname()}` })).toBe(true); // cannot tell: never touched
  });
});
