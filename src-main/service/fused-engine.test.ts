/**
 * Issue 11 items 5 and 7: the app trains factor models on the fused engine. Through the real
 * service and training worker, on planted data: a fused Solve streams a snapshot every epoch
 * (factors, predictions, RMSE, the curve) as ONNX Runtime's does, reaches the noise floor, is
 * recorded as trained by 'fused' (state, runs, saved projects), Stop ends it between epochs
 * with the last epoch's factors, a second Solve says it starts afresh, and a fused choice the
 * fused engine cannot train is refused in words.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanted, plantedRmse, type PlantedSpec } from '../data/synthetic.ts';
import type { AppState, EpochEvent, EventMessage, TrainConfig } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

// Noisy as MovieLens is (σ 0.9): the fused defaults' regularisation (fusedWdFor: wd 0.2 under 1M ratings) is chosen for such data.
const SPEC: PlantedSpec = { users: 1000, items: 500, ratings: 150_000, rank: 4, noise: 0.9, seed: 7, factorStd: 0.5, biasStd: 0.3 };
const SCALE = { lo: -20, hi: 20, step: 0.001 };

describe('the fused engine in the app (issue 11 items 5, 7)', () => {
  let svc: DisposableService;
  let dir: string;
  const events: EventMessage[] = [];
  // The planted model's own error on the ratings: what no model can beat (the split's valid part is a random 10%).
  const { data, truth } = generatePlanted({ ...SPEC, scale: SCALE });
  const floor = plantedRmse(data, truth);
  const fused = (s: AppState, over: Partial<TrainConfig> = {}): TrainConfig => ({
    ...s.config, model: { ...s.config.model, factors: 4, yRange: null }, epochs: 20, engine: 'fused', ...over,
  });
  const epochEvents = () => events.filter((e): e is Extract<EventMessage, { event: 'epoch' }> => e.event === 'epoch').map((e) => e.payload as EpochEvent);
  const messages = () => events.filter((e) => e.event === 'message').map((e) => (e.payload as { text: string }).text);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'collabsheet-fused-'));
    svc = await createService(tsxWorkerFactory, {
      source: { kind: 'planted', name: 'planted', spec: SPEC, scale: SCALE },
      settings: { epochsPerSecond: 0, validPct: 0.1 },
    });
    svc.subscribe((e) => events.push(e));
  }, 60_000);

  afterAll(async () => {
    await svc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a fused choice the fused engine cannot train, saying why, and keeps the settings', async () => {
    const s = await svc.getState({});
    expect(s.config.engine ?? 'auto').toBe('auto');
    await expect(svc.setConfig({ config: fused(s, { model: { ...s.config.model, kind: 'nn' } }) }))
      .rejects.toThrow('Engine: fused kernel: the neural model trains in ONNX Runtime; choose Engine: auto or ONNX Runtime in the settings');
    await expect(svc.setConfig({ config: { ...s.config, optim: { ...s.config.optim, optimizer: 'lbfgs' }, batchSize: 'full', engine: 'fused' } }))
      .rejects.toThrow(/^Engine: fused kernel: L-BFGS/);
    expect((await svc.getState({})).config).toEqual(s.config);
  });

  it('a fused Solve sends the sheet every epoch, reaches the noise floor, and is recorded as trained by the fused engine', async () => {
    const before = await svc.getState({});
    await svc.setConfig({ config: fused(before) });
    events.length = 0;
    const outcome = await svc.solve({});
    expect(outcome).toMatchObject({ engine: 'fused', stopped: null, epochs: 20 });
    expect(messages()).toContainEqual(expect.stringMatching(/^Training on the fused kernel: per-row AdaGrad, lr [\d.]+, wd [\d.]+ per update, \d+ threads?, 20 epochs from fresh factors/));
    // Every epoch reaches the chart; the snapshots (factors and predictions of the visible block) move with them.
    const shown = epochEvents();
    expect(shown.flatMap((e) => e.metrics.map((m) => m.epoch))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(shown.length).toBeGreaterThan(1);
    const first = shown[0].numbers.snapshot;
    const last = shown.at(-1)!.numbers.snapshot;
    expect(last.userFactors).toHaveLength(first.userFactors.length);
    expect(last.predictions).not.toEqual(first.predictions);
    expect(last.predictions).not.toEqual(before.numbers.snapshot.predictions);
    const after = await svc.getState({});
    expect(after.history).toHaveLength(20);
    expect(after.engine).toBe('fused');
    expect(outcome.fit.validRmse!, `valid RMSE against the planted floor ${floor}`).toBeLessThan(1.08 * floor);
    // The sheet's fit is the trained factors' own (measured by the sheet's model, not the kernel's sums).
    expect(after.numbers.fit.validRmse).toBeCloseTo(outcome.fit.validRmse!, 6);
    expect(after.runs.at(-1)).toMatchObject({ engine: 'fused', epochs: 20 });
  }, 120_000);

  it('a saved project remembers the engine, and opens with the same factors whatever the engine', async () => {
    const s = await svc.getState({});
    const path = join(dir, 'fused.collab');
    await svc.saveProject({ path, overwrite: false });
    await svc.setConfig({ config: { ...s.config, engine: 'onnx' } });
    const opened = await svc.openProject({ path });
    expect(opened.engine).toBe('fused');
    expect(opened.config.engine).toBe('fused');
    expect(opened.numbers.snapshot.predictions).toEqual(s.numbers.snapshot.predictions);
  }, 60_000);

  it('Step is refused in words; a second Solve says it starts from fresh factors, and Undo brings the trained ones back', async () => {
    await expect(svc.step({})).rejects.toThrow(/^Step trains one epoch and goes on from there, which the fused kernel cannot/);
    const s = await svc.getState({});
    await svc.setConfig({ config: { ...s.config, epochs: 2 } });
    events.length = 0;
    await svc.solve({});
    expect(messages()).toContainEqual('The fused kernel trains from fresh factors (it cannot continue a model): the factors trained for 20 epochs were set aside — Undo (Ctrl+Z) brings them back');
    const after = await svc.getState({});
    expect(after.history.map((m) => m.epoch)).toEqual([1, 2]);
    expect(after.canUndo).toBe(true);
    await svc.undo({});
    expect((await svc.getState({})).history).toHaveLength(20);
  }, 60_000);

  it('Stop ends a fused Solve between epochs with the last epoch\'s factors, and the run is kept', async () => {
    const s = await svc.getState({});
    await svc.setConfig({ config: { ...s.config, epochs: 10_000 } });
    events.length = 0;
    const solving = svc.solve({});
    await until(() => epochEvents().length >= 2);
    await svc.stop({});
    const outcome = await solving;
    expect(outcome.stopped).toEqual({ kind: 'cancelled' });
    expect(outcome.engine).toBe('fused');
    expect(outcome.epochs).toBeLessThan(10_000);
    const after = await svc.getState({});
    expect(after.status).toBe('idle');
    expect(after.history).toHaveLength(outcome.epochs);
    // What the sheet shows is the last epoch shown: the stopped epoch's half-trained factors never reach it.
    expect(after.numbers.snapshot.predictions).toEqual(epochEvents().at(-1)!.numbers.snapshot.predictions);
    expect(after.runs.at(-1)).toMatchObject({ engine: 'fused', epochs: outcome.epochs });
  }, 120_000);
});

async function until(done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
