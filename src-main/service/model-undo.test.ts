/**
 * Issue 16 item 2: a settings change that discards the trained factors (another k, another
 * model kind, Reset) says so and is undoable. Before, setConfig cleared the chart and started a
 * fresh model with no undo step: the trained factors were gone ("Nothing to undo"). Through the
 * real service and worker on the demo sheet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import type { AppState, EventMessage } from './contract.ts';
import { MODEL_STEPS_KEPT } from './edit-history.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

describe('undoing a model change (issue 16 item 2)', () => {
  let svc: DisposableService;
  const events: EventMessage[] = [];
  const withK = (s: AppState, factors: number) => ({ config: { ...s.config, model: { ...s.config.model, factors } } });

  beforeAll(async () => {
    svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
    svc.subscribe((e) => events.push(e));
  });

  afterAll(() => svc.dispose());

  it('another k says the trained factors were set aside; Undo brings back the config, the factors and the chart; Redo the new model', async () => {
    await svc.solve({});
    const trained = await svc.getState({});
    expect(trained.history.length).toBeGreaterThan(0);
    const k = trained.config.model.factors;

    const changed = await svc.setConfig(withK(trained, k + 2));
    expect(changed.historyCleared).toBe(true);
    expect(changed.canUndo).toBe(true); // before: false, the factors were gone
    const said = events.flatMap((e) => (e.event === 'message' ? [e.payload.text] : []));
    expect(said.at(-1)).toBe(`k changed from ${k} to ${k + 2}: the model starts afresh, and the factors trained for ${trained.history.length} epochs were set aside — Undo (Ctrl+Z) brings them back`);
    await svc.step({});
    const afterChange = await svc.getState({});

    const undone = await svc.undo({});
    expect(undone.config).toEqual(trained.config);
    const back = await svc.getState({});
    expect(back.numbers.snapshot).toEqual(trained.numbers.snapshot);
    expect(back.numbers.fit).toEqual(trained.numbers.fit);
    expect(back.history).toEqual(trained.history);
    expect(events.at(-2)).toMatchObject({ event: 'state', payload: { history: trained.history } }); // the chart gets it whole
    expect(back.canRedo).toBe(true);

    await svc.redo({});
    const redone = await svc.getState({});
    expect(redone.config.model.factors).toBe(k + 2);
    expect(redone.numbers.snapshot).toEqual(afterChange.numbers.snapshot);
    expect(redone.history).toEqual(afterChange.history);
    await svc.undo({});
  }, 60_000);

  it('Reset is undoable the same way', async () => {
    const trained = await svc.getState({});
    await svc.reset({ seed: 7, init: trained.config.model.init });
    expect((await svc.getState({})).numbers.snapshot).not.toEqual(trained.numbers.snapshot);
    await svc.undo({});
    expect((await svc.getState({})).numbers.snapshot).toEqual(trained.numbers.snapshot);
  }, 60_000);

  it(`keeps only the last ${MODEL_STEPS_KEPT} model changes (factors are big), and a changed optimizer setting is no undo step`, async () => {
    let s = await svc.getState({});
    const k = s.config.model.factors;
    for (let i = 1; i <= MODEL_STEPS_KEPT + 1; i++) await svc.setConfig(withK(s, k + i));
    s = await svc.getState({});
    await svc.setConfig({ config: { ...s.config, optim: { ...s.config.optim, lr: s.config.optim.lr / 2 } } });
    for (let i = 0; i < MODEL_STEPS_KEPT; i++) await svc.undo({});
    expect((await svc.getState({})).config.model.factors).toBe(k + 1);
    await expect(svc.undo({})).rejects.toThrow('Nothing to undo');
  }, 60_000);
});
