/**
 * Issue 12 item 1: runs through the endpoint, with the real training worker, on the demo sheet —
 * each Solve a run, a Step series one run, rename, delete, open (undoable), their curves, and
 * the runs surviving a save and an open, their factors read back only when a run is opened.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import { commandArgs, type AppState, type CommandArgs, type CommandName, type CommandResults } from './contract.ts';
import { createEndpoint, type ServiceEndpoint } from './endpoint.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

let svc: DisposableService;
let endpoint: ServiceEndpoint;
let nextId = 1;
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-runs-'));

async function call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C]> {
  const reply = await endpoint.handle({ id: nextId++, command, args });
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as CommandResults[C];
}

async function solveWithK(factors: number): Promise<AppState> {
  const { config } = await call('getState', {});
  await call('setConfig', { config: { ...config, epochs: 20, model: { ...config.model, factors } } });
  await call('solve', {});
  return call('getState', {});
}

const kOf = (s: AppState) => s.numbers.snapshot.userFactors.length / s.sheet.users.length;

beforeAll(async () => {
  svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
  endpoint = createEndpoint(svc);
});

afterAll(() => svc.dispose());

describe('runs', () => {
  it('three Solves with k = 2, 5, 10 are three runs, named by what they are, with their curves', async () => {
    expect((await call('getState', {})).runs).toEqual([]);
    await solveWithK(2);
    await solveWithK(5);
    const after = await solveWithK(10);
    expect(after.runs.map((r) => r.config.model.factors)).toEqual([2, 5, 10]);
    expect(after.runs.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(after.runs[1].name).toMatch(/ k 5 /);
    expect(after.runs[1].words).toContainEqual({ key: 'k', text: 'k 5' });
    expect(after.runs.every((r) => r.canOpen && r.engine === 'onnx' && r.epochs > 0 && r.seconds > 0)).toBe(true);
    expect(after.runs[2].trainRmse).toBeCloseTo(after.numbers.fit.trainRmse, 6);
    const curves = await call('runCurves', { ids: ['r1', 'r3'] });
    expect(curves.map((c) => c.id)).toEqual(['r1', 'r3']);
    expect(curves[0].epochs).toHaveLength(after.runs[0].epochs);
  });

  it('Steps in a row are one run; a Step after another change begins a new one', async () => {
    const before = (await call('getState', {})).runs.length;
    await call('step', {});
    await call('step', {});
    let s = await call('getState', {});
    expect(s.runs).toHaveLength(before + 1);
    expect(s.runs.at(-1)!.epochs).toBe(2);
    await call('renameRun', { id: s.runs.at(-1)!.id, name: 'two steps' });
    await call('step', {});
    s = await call('getState', {});
    expect(s.runs).toHaveLength(before + 2);
    expect(s.runs.at(-2)!.name).toBe('two steps');
    await call('deleteRun', { id: s.runs.at(-1)!.id });
    await call('deleteRun', { id: s.runs.at(-2)!.id });
    expect((await call('getState', {})).runs).toHaveLength(before);
  });

  it("Open this run: the older run's factors and fit are back in the sheet; Undo brings the newer back", async () => {
    const now = await call('getState', {});
    const r1 = now.runs[0];
    const patch = await call('openRun', { id: 'r1' });
    const opened = await call('getState', {});
    expect(patch.config?.model.factors).toBe(2);
    expect(kOf(opened)).toBe(2);
    expect(opened.numbers.fit.trainRmse).toBeCloseTo(r1.trainRmse!, 5);
    expect(opened.history.at(-1)!.trainRmse).toBeCloseTo(r1.trainRmse!, 6);
    expect(opened.canUndo).toBe(true);
    await call('undo', {});
    const back = await call('getState', {});
    expect(kOf(back)).toBe(kOf(now));
    expect(back.numbers.fit.trainRmse).toBeCloseTo(now.numbers.fit.trainRmse, 6);
  });

  it('survive a save and an open; a reopened run opens with its factors, read from the file', async () => {
    const path = join(dir, 'runs.collabsheet');
    await call('renameRun', { id: 'r2', name: 'the k 5 one' });
    const saved = await call('getState', {});
    await call('saveProject', { path });
    await call('openRatings', { path: demoSheetPath() });
    expect((await call('getState', {})).runs).toEqual([]);
    const reopened = await call('openProject', { path });
    expect(reopened.runs).toEqual(saved.runs);
    await call('openRun', { id: 'r2' });
    const s = await call('getState', {});
    expect(kOf(s)).toBe(5);
    expect(s.numbers.fit.trainRmse).toBeCloseTo(saved.runs[1].trainRmse!, 5);
    // Saved again over itself: the runs' factors now lie elsewhere in the replaced file, and are found there.
    await call('saveProject', { path });
    await call('openRun', { id: 'r3' });
    expect(kOf(await call('getState', {}))).toBe(10);
  });

  it('refusals say what is wrong: no such run, an empty name', async () => {
    await expect(call('openRun', { id: 'r99' })).rejects.toThrow('There is no run r99: it was deleted, or is older than the latest 50 runs');
    await expect(call('renameRun', { id: 'r1', name: '   ' })).rejects.toThrow('renameRun: name must not be empty');
    await expect(call('deleteRun', { id: '../r1' } as never)).rejects.toThrow(/A run id is r and a number/);
  });

  it('the run commands refuse any malformed argument at the endpoint, and the service still answers (fast-check)', async () => {
    const junk = fc.oneof(fc.anything(), fc.record({ id: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant('r0')), name: fc.anything() }), fc.record({ ids: fc.array(fc.string(), { maxLength: 20 }) }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('renameRun', 'deleteRun', 'openRun', 'runCurves') as fc.Arbitrary<'renameRun' | 'deleteRun' | 'openRun' | 'runCurves'>, junk, async (command, args) => {
        const valid = commandArgs[command].safeParse(args).success;
        const reply = await endpoint.handle({ id: nextId++, command, args });
        if (!valid) expect(reply).toMatchObject({ ok: false, error: expect.any(String) });
      }),
      { numRuns: 150, seed: 12 },
    );
    expect((await call('getState', {})).runs.length).toBeGreaterThan(0);
  });
});
