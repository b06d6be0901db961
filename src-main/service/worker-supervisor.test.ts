/**
 * Issue 13 finding 6: a dead training worker left every later command failing, Save included,
 * and a worker heap OOM took the whole process. Here workers die under the real service — killed
 * mid-Solve, out of memory, asking to be replaced, dying in a loop — and each time the process
 * lives, no request hangs, and the next worker opens the last checkpoint.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import type { AppState, EventMessage } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';
import type { WorkerFactory } from './worker-client.ts';

/** A stand-in worker: says it is ready, then does `onRequest` with the first request it gets. */
function fakeWorker(onRequest: string): WorkerFactory {
  const source = `
    const { parentPort } = require('node:worker_threads');
    parentPort.postMessage({ ready: true });
    parentPort.on('message', (m) => { if (m.shutdown) { parentPort.postMessage({ closed: true }); return; } ${onRequest} });`;
  return (options) => new Worker(source, { ...options, eval: true });
}

const OOM = 'const keep = []; for (;;) keep.push(new Array(1e5).fill({ m }));';

/** Real workers, after `first` (fake ones) are used up; every created worker's options kept. */
function factory(...first: WorkerFactory[]) {
  const created: { worker: Worker; options: WorkerOptions }[] = [];
  const create: WorkerFactory = (options) => {
    const worker = (first.shift() ?? tsxWorkerFactory)(options);
    created.push({ worker, options });
    return worker;
  };
  return { create, created };
}

const messages = (events: EventMessage[], level: string) =>
  events.flatMap((e) => (e.event === 'message' && e.payload.level === level ? [e.payload.text] : []));

async function until(what: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const blankCell = (s: AppState) => {
  const row = s.sheet.ratings.findIndex((r) => r.includes(null));
  return { row, col: s.sheet.ratings[row].indexOf(null) };
};

describe('the worker supervisor', () => {
  let svc: DisposableService | null = null;
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'collabsheet-supervisor-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await svc?.dispose();
    svc = null;
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('restarts a worker killed mid-Solve on its last autosave: the edit is back, Solve and Save work (finding 6)', async () => {
    const recoveryDir = tmp();
    const { create, created } = factory();
    // One epoch a second: a paced epoch trains, sleeps out the rest of its second, then sends
    // its 'epoch' event and the next one starts at once. So the kill waits half a second after
    // an event, to land in the next epoch's sleep, not in its training: a thread terminated
    // inside an ONNX Runtime call aborts the whole process, test runner included.
    const settings = { epochsPerSecond: 1 };
    svc = await createService(create, { source: { kind: 'sheet-file', path: demoSheetPath() }, recoveryDir, autosaveMs: 20, settings });
    const events: EventMessage[] = [];
    svc.subscribe((e) => events.push(e));
    const { row, col } = blankCell(await svc.getState({}));
    await svc.setRating({ row, col, rating: 4.5 });
    await until(() => existsSync(recoveryDir) && readdirSync(recoveryDir, { recursive: true }).some((f) => String(f).endsWith('.collabsheet'))); // in this instance's own folder (issue 16 item 2)
    await new Promise((r) => setTimeout(r, 100)); // the checkpoint message follows the write

    const solving = svc.solve({});
    await until(() => events.some((e) => e.event === 'epoch'));
    await new Promise((r) => setTimeout(r, 500));
    await created[0].worker.terminate(); // as a crash would: nothing asked it to stop
    await expect(solving).rejects.toThrow(/training worker stopped: it exited/);

    const after = await svc.getState({}); // waits for the new worker rather than failing
    expect(created).toHaveLength(2);
    expect(after.sheet.ratings[row][col]).toBe(4.5);
    expect(after.project.unsaved).toBe(true);
    expect(messages(events, 'error').join('\n')).toMatch(/Restarting it on the autosave of .*changes made after that are lost/);
    expect(messages(events, 'info').join('\n')).toMatch(/restarted: the autosave of .* is open again/);
    await svc.step({});
    const saved = join(tmp(), 'after-crash.collabsheet');
    await svc.saveProject({ path: saved });
    expect(existsSync(saved)).toBe(true);
    // The restarted worker owns the old autosave: it is not offered back as someone else's work.
    expect(await svc.listRecoverable({})).toEqual([]);
  }, 120_000);

  it('restarts on the first sheet when nothing was saved', async () => {
    const { create, created } = factory();
    svc = await createService(create, { source: { kind: 'sheet-file', path: demoSheetPath() } });
    const before = await svc.getState({});
    const { row, col } = blankCell(before);
    await svc.setRating({ row, col, rating: 1 });
    await created[0].worker.terminate();
    const after = await svc.getState({});
    expect(after.sheet.ratings).toEqual(before.sheet.ratings);
  }, 60_000);

  it('caps the worker heap, so running out of memory kills the worker alone, not this process', async () => {
    const { create, created } = factory(fakeWorker(OOM));
    const events: EventMessage[] = [];
    svc = await createService(create, { source: { kind: 'sheet-file', path: demoSheetPath() } }, { heapMb: 64 });
    svc.subscribe((e) => events.push(e));
    expect(created[0].options.resourceLimits?.maxOldGenerationSizeMb).toBe(64);
    await expect(svc.getState({})).rejects.toThrow(/ran out of memory/);
    const s = await svc.getState({});
    expect(s.sheet.users).toHaveLength(15);
    expect(messages(events, 'error').join('\n')).toMatch(/ran out of memory.*Restarting it on the sheet it opened first/);
  }, 60_000);

  it('replaces a worker that reports itself unusable', async () => {
    const { create, created } = factory(fakeWorker(`parentPort.postMessage({ unusable: 'Session already disposed' });`));
    svc = await createService(create, { source: { kind: 'sheet-file', path: demoSheetPath() } });
    await expect(svc.getState({})).rejects.toThrow(/kept failing \(Session already disposed\)/);
    expect((await svc.getState({})).sheet.users).toHaveLength(15);
    expect(created).toHaveLength(2);
  }, 60_000);

  it('gives up on a worker that keeps dying, and then answers at once instead of hanging', async () => {
    const dies = fakeWorker('process.exit(3);');
    const { create, created } = factory(dies, dies, dies, dies);
    svc = await createService(create, { source: { kind: 'sheet-file', path: demoSheetPath() } }, { maxRestarts: 2 });
    for (let n = 0; n < 3; n++) await expect(svc.getState({})).rejects.toThrow(/exited \(code 3\)/);
    await expect(svc.getState({})).rejects.toThrow(/after 2 restarts in a minute.*Restart CollabSheet/);
    expect(created).toHaveLength(3);
  }, 60_000);
});
