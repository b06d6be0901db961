/** Issue 12 item 1: the run store's records, bounds, naming and its project round trip. */
import { describe, expect, it } from 'vitest';
import type { EpochMetrics, ModelParams } from '../../engine/types.ts';
import type { LazyModel } from '../../io/project.ts';
import { defaultConfig } from '../default-config.ts';
import { RUN_LIMITS, RunStore, type FinishedRun } from './run-store.ts';
import { runName, runWords } from './run-words.ts';

const config = defaultConfig(100_000, { lo: 0.5, hi: 5 });
const metric = (epoch: number, valid = 0.9): EpochMetrics => ({ epoch, trainRmse: 0.8, trainMae: 0.6, validRmse: valid, validMae: 0.7, lr: 0.005, seconds: 0.1 });
const params = (values: number, fill = 0): ModelParams => ({ params: { user_factors: { shape: [values], data: new Float32Array(values).fill(fill) } }, optimizer: { step: 3, hypers: { lr: 1, mom: 0, sqrMom: 0, eps: 0, wd: 0 }, params: {} } });
const finished = (over: Partial<FinishedRun> = {}): FinishedRun => ({
  config,
  settings: { validPct: 0.1, splitSeed: 42 },
  engine: 'onnx',
  curve: [metric(1), metric(2, 0.85)],
  seconds: 1.5,
  fit: { trainRmse: 0.8, trainMae: 0.6, validRmse: 0.85, validMae: 0.7 },
  params: params(4),
  ...over,
});

describe('RunStore', () => {
  it('a run records its settings, engine, curve, time and fit, and is named by model, k, optimizer and lr', () => {
    const store = new RunStore();
    const id = store.add(finished({ config: { ...config, model: { ...config.model, kind: 'dotbias', factors: 5 }, optim: { ...config.optim, optimizer: 'adam', lr: 0.005 } } }));
    const [run] = store.list();
    expect(run).toMatchObject({ id, name: 'dotbias k 5 adam lr 0.005', engine: 'onnx', epochs: 2, seconds: 1.5, validRmse: 0.85, validPct: 0.1, canOpen: true });
    expect(store.curves([id])).toEqual([{ id, epochs: [1, 2], trainRmse: [0.8, 0.8], validRmse: [0.9, 0.85] }]);
  });

  it('keeps the latest 50 runs, the parameters of the latest 10, and the newest whatever its size', () => {
    const store = new RunStore();
    for (let i = 0; i < 55; i++) store.add(finished());
    const runs = store.list();
    expect(runs).toHaveLength(RUN_LIMITS.runs);
    expect(runs[0].id).toBe('r6');
    expect(runs.filter((r) => r.canOpen).map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `r${46 + i}`));
    const huge = new RunStore();
    huge.add(finished({ params: params(RUN_LIMITS.paramBytes / 4 / 2 + 1) }));
    huge.add(finished({ params: params(RUN_LIMITS.paramBytes / 4 / 2 + 1) })); // two of them exceed the bytes kept
    expect(huge.list().map((r) => r.canOpen)).toEqual([false, true]);
  });

  it('keeps no optimizer moments: opening a run starts a fresh optimizer, at half the bytes', async () => {
    const store = new RunStore();
    const id = store.add(finished({ params: params(4, 2) }));
    expect((await store.opened(id)).params).toEqual({ params: params(4, 2).params, optimizer: null });
  });

  it('a Step series grows one run: its epochs, time and curve add up, its fit and factors are the latest', async () => {
    const store = new RunStore();
    const id = store.add(finished({ curve: [metric(1)], seconds: 1 }));
    expect(store.extend(id, finished({ curve: [metric(2, 0.7)], seconds: 2, fit: { trainRmse: 0.5, trainMae: 0.4, validRmse: 0.7, validMae: 0.6 }, params: params(4, 9) }))).toBe(true);
    expect(store.list()).toHaveLength(1);
    expect(store.list()[0]).toMatchObject({ epochs: 2, seconds: 3, validRmse: 0.7 });
    expect((await store.opened(id)).params.params['user_factors'].data[0]).toBe(9);
    expect(store.extend('r99', finished())).toBe(false);
  });

  it('thins a long curve to 500 epochs, the first and last kept, and still counts every epoch', () => {
    const store = new RunStore();
    const id = store.add(finished({ curve: Array.from({ length: 2001 }, (_, i) => metric(i + 1)) }));
    const [curve] = store.curves([id]);
    expect(curve.epochs).toHaveLength(RUN_LIMITS.curvePoints);
    expect([curve.epochs[0], curve.epochs.at(-1)]).toEqual([1, 2001]);
    expect(store.list()[0].epochs).toBe(2001);
  });

  it('rename, delete, and a run that is not there or kept no factors: refused in words', async () => {
    const store = new RunStore();
    for (let i = 0; i < 12; i++) store.add(finished());
    store.rename('r2', 'k 20 baseline');
    expect(store.list()[1].name).toBe('k 20 baseline');
    store.delete('r3');
    expect(store.list().map((r) => r.id)).not.toContain('r3');
    expect(() => store.rename('r3', 'x')).toThrow('There is no run r3: it was deleted, or is older than the latest 50 runs');
    await expect(store.opened('r1')).rejects.toThrow(/kept no factors \(only the latest 10 runs, up to 128 MB, keep theirs\): solve with its settings again$/);
  });

  it('round-trips through a project: records, curves and ids; factors read only when a run is opened', async () => {
    const store = new RunStore();
    store.add(finished());
    store.add(finished({ params: params(4, 5) }));
    store.rename('r2', 'second');
    const stored = await store.stored();
    let reads = 0;
    const lazy = (p: ModelParams | null): LazyModel | null => p && { bytes: 16, load: async () => (reads++, p) };
    const back = await RunStore.fromProject(stored.map((s) => ({ meta: JSON.parse(JSON.stringify(s.meta)), params: lazy(s.params) })), [], false);
    expect(back.list()).toEqual(store.list());
    expect(back.curves(['r1', 'r2'])).toEqual(store.curves(['r1', 'r2']));
    expect(reads).toBe(0);
    expect((await back.opened('r2')).params.params['user_factors'].data[0]).toBe(5);
    expect(reads).toBe(1);
    expect(back.add(finished())).toBe('r3'); // ids go on from the saved ones
  });

  it('a saved record that is not valid is left out, and the notice says so', async () => {
    const notices: string[] = [];
    const good = (await (() => {
      const s = new RunStore();
      s.add(finished());
      return s.stored();
    })())[0];
    const bad = [{ meta: { ...(good.meta as object), id: 'x1' }, params: null }, { meta: { ...(good.meta as object), config: { model: 'dot' } }, params: null }];
    const back = await RunStore.fromProject([...bad, { meta: good.meta, params: null }], notices, false);
    expect(back.list()).toHaveLength(1);
    expect(notices).toEqual(['2 saved runs were not valid here and left out of the Runs list']);
  });
});

describe('runWords', () => {
  it('says each setting in a few words; L-BFGS has no lr, schedule or batch', () => {
    const lbfgs = { ...config, optim: { ...config.optim, optimizer: 'lbfgs' as const } };
    expect(runWords(lbfgs, { validPct: 0, splitSeed: 42 }).map((w) => w.key)).not.toContain('lr');
    const adam = { ...config, model: { ...config.model, yRange: null }, optim: { ...config.optim, optimizer: 'adam' as const, lr: 1e-7, wd: 0.1, wdMode: 'l2' as const } };
    const words = runWords(adam, { validPct: 0.1, splitSeed: 7 });
    expect(words.find((w) => w.key === 'lr')?.text).toBe('lr 1e-7');
    expect(words.find((w) => w.key === 'wd')?.text).toBe('wd 0.1 (L2)');
    expect(words.find((w) => w.key === 'yRange')?.text).toBe('no y_range');
    expect(words.find((w) => w.key === 'valid')?.text).toBe('valid 10% (seed 7)');
    expect(runName(words)).toBe(`${adam.model.kind} k ${adam.model.factors} adam lr 1e-7`);
  });
});
