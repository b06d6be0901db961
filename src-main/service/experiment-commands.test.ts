/**
 * Issue 12 items 2, 4, 5 in the app: sweep, blend and tune through the endpoint, with the real
 * training worker, on the demo sheet (generated from planted tastes) with 20% held out — the
 * sweep's queue order and progress, Stop mid-sweep keeping the runs finished, a fitted blend no
 * worse than its best member, a short tune's two runs, and bad commands refused in plain words.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, tensor } from '../engine/runtime/session.ts';
import { idTable } from '../io/export/serving-ops.ts';
import { demoSheetPath } from '../io/resources.ts';
import type { CommandArgs, CommandName, CommandResults, ExperimentProgress } from './contract.ts';
import { createEndpoint, type ServiceEndpoint } from './endpoint.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

let svc: DisposableService;
let endpoint: ServiceEndpoint;
let nextId = 1;
const progress: ExperimentProgress[] = [];

async function call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C]> {
  const reply = await endpoint.handle({ id: nextId++, command, args });
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as CommandResults[C];
}

beforeAll(async () => {
  svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0, validPct: 0.2 } });
  endpoint = createEndpoint(svc);
  svc.subscribe((e) => {
    if (e.event === 'experimentProgress') progress.push(e.payload);
  });
  const { config } = await call('getState', {});
  // Adam in small batches, as a sweep of lr or wd would train; 30 epochs keep each run short.
  await call('setConfig', { config: { ...config, epochs: 30, batchSize: 32, optim: { ...config.optim, optimizer: 'adam', lr: 0.05 } } });
});

afterAll(() => svc.dispose());

describe('experiments', () => {
  it('a sweep over k trains its runs in the order given, each a run in the list, with progress', async () => {
    progress.length = 0;
    const answer = await call('sweep', { axes: [{ setting: 'k', values: ['1', '2', '5'] }] });
    expect(answer.cancelled).toBe(false);
    expect(answer.cells.map((c) => c.values)).toEqual([['1'], ['2'], ['5']]);
    const { runs, status, config } = await call('getState', {});
    expect(status).toBe('idle');
    expect(config.model.factors).toBe(5); // the sheet's own settings did not move
    const swept = answer.cells.map((c) => runs.find((r) => r.id === c.runId)!);
    expect(swept.map((r) => r.name)).toEqual(['sweep k=1', 'sweep k=2', 'sweep k=5']);
    expect(swept.map((r) => r.config.model.factors)).toEqual([1, 2, 5]);
    expect(swept.every((r) => r.canOpen && r.epochs === 30 && r.validRmse !== null)).toBe(true);
    const best = Math.min(...swept.map((r) => r.validRmse!));
    expect(swept.find((r) => r.id === answer.bestRunId)!.validRmse).toBe(best);
    expect(progress.map((p) => [p.kind, p.done, p.total, p.next])).toEqual([
      ['sweep', 0, 3, 'k=1'], ['sweep', 1, 3, 'k=2'], ['sweep', 2, 3, 'k=5'], ['sweep', 3, 3, null],
    ]);
    expect(progress.at(-1)!.etaSeconds).toBe(0);
  });

  it('a grid of two settings runs row by row, the second setting fastest', async () => {
    const answer = await call('sweep', { axes: [{ setting: 'k', values: ['2', '3'] }, { setting: 'y-range', values: ['off', 'on'] }] });
    expect(answer.cells.map((c) => c.values)).toEqual([['2', 'off'], ['2', 'on'], ['3', 'off'], ['3', 'on']]);
    const { runs } = await call('getState', {});
    expect(answer.cells.map((c) => runs.find((r) => r.id === c.runId)!.config.model.yRange)).toEqual([null, [0, 5.5], null, [0, 5.5]]);
  });

  it('Stop in the middle of a sweep keeps the runs finished and queues no more', async () => {
    const before = (await call('getState', {})).runs.length;
    progress.length = 0;
    const stopAfterFirst = svc.subscribe((e) => {
      if (e.event === 'experimentProgress' && e.payload.done === 1) void call('stop', {});
    });
    const answer = await call('sweep', { axes: [{ setting: 'epochs', values: ['200', '200', '200', '200', '200', '200'] }] });
    stopAfterFirst();
    expect(answer.cancelled).toBe(true);
    expect(answer.cells.length).toBeGreaterThanOrEqual(1);
    expect(answer.cells.length).toBeLessThan(6);
    const { runs, status } = await call('getState', {});
    expect(status).toBe('idle');
    expect(runs.length).toBe(before + answer.cells.length);
    expect(runs.slice(before).every((r) => r.epochs === 200)).toBe(true);
  });

  it('a fitted blend of three runs is no worse on the validation split than its best member, and is a run', async () => {
    const { runs } = await call('getState', {});
    const members = runs.filter((r) => r.name.startsWith('sweep k=')).slice(0, 3);
    const answer = await call('blend', { ids: members.map((r) => r.id), mode: 'fitted' });
    expect(answer.validRmse).toBeLessThanOrEqual(Math.min(...members.map((r) => r.validRmse!)) + 1e-6);
    expect(answer.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 6);
    const equal = await call('blend', { ids: members.map((r) => r.id), mode: 'equal' });
    expect(equal.members.map((m) => m.weight)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const after = (await call('getState', {})).runs;
    const blended = after.find((r) => r.id === answer.runId)!;
    expect(blended).toMatchObject({ engine: 'blend', validRmse: answer.validRmse, trainRmse: null, canOpen: false, epochs: 0 });
    expect(blended.blend!.members.map((m) => m.name)).toEqual(answer.members.map((m) => members.find((r) => r.id === m.id)!.name));
    await expect(call('blend', { ids: [answer.runId, members[0].id], mode: 'fitted' })).rejects.toThrow(/is a blend: it has no factors of its own/);
  });

  it("opening a blend fills the sheet's predictions with its members' weighted mean and its valid RMSE; a Step goes back to one model", async () => {
    const blended = (await call('getState', {})).runs.find((r) => r.name === 'blend of 3 (equal)')!;
    const members = blended.blend!.members;
    const mean: number[] = [];
    for (const m of members) {
      await call('openRun', { id: m.id });
      (await call('getState', {})).numbers.snapshot.predictions.forEach((p, i) => (mean[i] = (mean[i] ?? 0) + m.weight * p));
    }
    await call('openRun', { id: blended.id });
    const { numbers, config, canUndo } = await call('getState', {});
    expect(numbers.blend).toEqual({ runId: blended.id, name: 'blend of 3 (equal)', members: members.map((m) => ({ name: m.name, weight: m.weight })), underneath: members[0].name });
    expect(numbers.snapshot.predictions.length).toBe(mean.length);
    numbers.snapshot.predictions.forEach((p, i) => expect(Math.abs(p - mean[i])).toBeLessThan(1e-5));
    expect(numbers.fit.validRmse).toBeCloseTo(blended.validRmse!, 5);
    expect([numbers.snapshot.userFactors, numbers.snapshot.userBias]).toEqual([[], []]); // a blend has no factors of its own
    const underneath = (await call('getState', {})).runs.find((r) => r.id === members[0].id)!;
    expect(config).toEqual(underneath.config);
    expect(canUndo).toBe(true);
    // The first Step trains the model underneath, alone: the sheet is a single model again.
    await call('step', {});
    const after = (await call('getState', {})).numbers;
    expect(after.blend).toBeUndefined();
    expect(after.snapshot.userFactors.length).toBeGreaterThan(0);
  });

  it("exports a blend as one ONNX serving model whose scores are the weighted mean of its members' own exports", async () => {
    const blended = (await call('getState', {})).runs.find((r) => r.name === 'blend of 3 (equal)')!;
    expect(blended.blend!.members).toHaveLength(3); // equal weights: every member in the graph
    const folder = mkdtempSync(join(tmpdir(), 'collabsheet-blend-export-'));
    const answer = await call('exportEmbeddings', { path: folder, formats: ['onnx'], run: blended.id });
    expect('files' in answer && answer.files.map((f) => f.slice(folder.length + 1))).toEqual(['model.onnx', 'model-unrated.onnx', 'model-pairs.onnx', 'ids.json']);
    const { users } = JSON.parse(readFileSync(join(folder, 'ids.json'), 'utf8')) as { users: string[] };
    const table = idTable(users);
    const feed = { user_ids: table.dtype === 'int64' ? tensor(BigInt64Array.from(table.ids, BigInt), [users.length]) : tensor([...table.ids], [users.length]) };
    const scoresOf = (dir: string) => {
      const session = createSession(readFileSync(join(dir, 'model.onnx')), { threads: 1, device: 'cpu' });
      try {
        return session.run(feed, { scores: null }).scores.data as Float32Array;
      } finally {
        session.dispose();
      }
    };
    const mean = new Float64Array(scoresOf(folder).length);
    for (const m of blended.blend!.members) {
      // Each member opened in the sheet and exported alone, the single-model path.
      await call('openRun', { id: m.id });
      const own = mkdtempSync(join(tmpdir(), 'collabsheet-member-export-'));
      await call('exportEmbeddings', { path: own, formats: ['onnx'] });
      scoresOf(own).forEach((x, i) => (mean[i] += m.weight * x));
    }
    const scores = scoresOf(folder);
    const worst = scores.reduce((w, x, i) => Math.max(w, Math.abs(x - mean[i])), 0);
    console.log(`blend export: max |blend model − weighted mean of member models| over ${scores.length} scores = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    await expect(call('exportEmbeddings', { path: folder, formats: ['csv', 'onnx'], run: blended.id })).rejects.toThrow('A blend exports only its ONNX serving model: csv hold one model');
    const single = blended.blend!.members[0];
    await expect(call('exportEmbeddings', { path: folder, formats: ['onnx'], run: single.id })).rejects.toThrow(`"${single.name}" is not a blend`);
  });

  it('a short tune adds its best single run (openable) and its best blend', async () => {
    const before = (await call('getState', {})).runs.length;
    progress.length = 0;
    const answer = await call('tune', { budgetSeconds: 5 });
    expect(answer.cancelled).toBe(false);
    expect(answer.trained).toBeGreaterThan(1);
    expect(progress.every((p) => p.kind === 'tune')).toBe(true);
    const { runs } = await call('getState', {});
    const single = runs.find((r) => r.id === answer.bestSingleId)!;
    expect(single.name).toMatch(/^tune best: /);
    expect(single.canOpen).toBe(true);
    expect(runs.length).toBe(before + 1 + (answer.bestBlendId ? 1 : 0));
    if (answer.bestBlendId) expect(runs.find((r) => r.id === answer.bestBlendId)!.validRmse).toBeLessThanOrEqual(single.validRmse! + 1e-6);
  });

  it('sweep runs and blends survive a save and an open: the blend with its members, a sweep run with its factors', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'collabsheet-experiments-')), 'sweeps.collabsheet');
    const saved = (await call('getState', {})).runs;
    await call('saveProject', { path });
    const reopened = await call('openProject', { path });
    expect(reopened.runs).toEqual(saved);
    const swept = reopened.runs.find((r) => r.name === 'sweep k=2')!;
    await call('openRun', { id: swept.id });
    expect((await call('getState', {})).numbers.fit.validRmse).toBeCloseTo(swept.validRmse!, 5);
  });

  it('refuses bad commands in plain words, and the service still answers', async () => {
    await expect(call('sweep', { axes: [{ setting: 'k', values: ['2', 'abc'] }] })).rejects.toThrow("Sweep: k: expected an integer, got 'abc'");
    await expect(call('sweep', { axes: [{ setting: 'lr', values: ['-1'] }] })).rejects.toThrow(/Sweep: lr: must be above 0, got -1/);
    await expect(call('sweep', { axes: [{ setting: 'k', values: ['2'] }, { setting: 'k', values: ['3'] }] })).rejects.toThrow(/two different settings/);
    await expect(call('sweep', { axes: [{ setting: 'k', values: Array.from({ length: 7 }, (_, i) => String(i + 1)) }, { setting: 'wd', values: ['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6'] }] }))
      .rejects.toThrow(/at most 40 runs: use fewer values/);
    await expect(call('sweep', { axes: [] })).rejects.toThrow('sweep: axes must be at least 1 items, got 0');
    await expect(call('sweep', { axes: [{ setting: 'colour', values: ['1'] }] } as never)).rejects.toThrow(/sweep/);
    await expect(call('blend', { ids: ['r1'], mode: 'fitted' })).rejects.toThrow('blend: ids must be at least 2 items, got 1');
    await expect(call('blend', { ids: ['r1', 'r1'], mode: 'fitted' })).rejects.toThrow(/names each run once/);
    await expect(call('blend', { ids: ['r1', 'r999'], mode: 'fitted' })).rejects.toThrow(/There is no run r999/);
    await expect(call('tune', { budgetSeconds: 1 })).rejects.toThrow(/tune/);
    const { settings } = await call('getState', {});
    await call('setSettings', { settings: { ...settings, validPct: 0 } });
    await expect(call('sweep', { axes: [{ setting: 'k', values: ['2'] }] })).rejects.toThrow('A sweep compares valid RMSE: set Validation % above 0 in the settings first');
    await expect(call('tune', { budgetSeconds: 5 })).rejects.toThrow('Tune compares valid RMSE: set Validation % above 0 in the settings first');
    // Runs of the 20% split are not blended on another one.
    await call('setSettings', { settings: { ...settings, validPct: 0.3 } });
    const ids = (await call('getState', {})).runs.filter((r) => r.name.startsWith('sweep k=')).slice(0, 2).map((r) => r.id);
    await expect(call('blend', { ids, mode: 'fitted' })).rejects.toThrow(/was trained on another validation split \(20%, seed 42\)/);
    expect((await call('getState', {})).status).toBe('idle');
  });

  it('an AutoRec run of a sweep over the model opens in the sheet with its predictions, survives a save, and Steps on', async () => {
    const answer = await call('sweep', { axes: [{ setting: 'model', values: ['dotbias', 'autorec'] }] });
    const { runs } = await call('getState', {});
    const autorec = runs.find((r) => r.id === answer.cells[1].runId)!;
    expect(autorec.config.model.kind).toBe('autorec');
    expect(autorec.canOpen).toBe(true);
    await call('openRun', { id: autorec.id });
    const opened = await call('getState', {});
    expect(opened.config.model.kind).toBe('autorec');
    expect(opened.numbers.fit.validRmse).toBeCloseTo(autorec.validRmse!, 5);
    expect(opened.numbers.snapshot.predictions.length).toBe(opened.sheet.users.length * opened.sheet.movies.length);
    expect(opened.numbers.snapshot.userFactors).toEqual([]);
    const path = join(mkdtempSync(join(tmpdir(), 'collabsheet-autorec-')), 'autorec.collabsheet');
    await call('saveProject', { path });
    const reopened = await call('openProject', { path });
    expect(reopened.config.model.kind).toBe('autorec');
    expect(reopened.numbers.fit.validRmse).toBeCloseTo(autorec.validRmse!, 5);
    await call('step', {});
    const stepped = await call('getState', {});
    expect(stepped.status).toBe('idle');
    expect(stepped.numbers.fit.trainRmse).toBeLessThan(opened.numbers.fit.trainRmse + 0.05);
  });
});
