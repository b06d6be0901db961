/**
 * Issue 12 item 3: the lrFind command through the endpoint, with the real training worker, on the
 * demo sheet — what the renderer's lr_find plot will rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import type { CommandArgs, CommandName, CommandResults, EventMessage } from './contract.ts';
import { createEndpoint, type ServiceEndpoint } from './endpoint.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

let svc: DisposableService;
let endpoint: ServiceEndpoint;
let nextId = 1;
const events: EventMessage[] = [];

async function call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResults[C]> {
  const reply = await endpoint.handle({ id: nextId++, command, args });
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as CommandResults[C];
}

beforeAll(async () => {
  svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
  endpoint = createEndpoint(svc);
  svc.subscribe((e) => events.push(e));
});

afterAll(() => svc.dispose());

describe('lrFind', () => {
  it("refuses the demo sheet's L-BFGS in words: it takes no learning rate", async () => {
    expect((await call('getState', {})).config.optim.optimizer).toBe('lbfgs');
    await expect(call('lrFind', {})).rejects.toThrow(
      'Finding a learning rate: L-BFGS chooses its own step lengths and takes no learning rate: finding one needs adam, sgd or momentum (change the optimizer in the settings)',
    );
  });

  it('with Adam: answers the curve and the suggestions, and leaves the sheet exactly as it was', async () => {
    const { config } = await call('getState', {});
    await call('setConfig', { config: { ...config, batchSize: 16, optim: { ...config.optim, optimizer: 'adam', lr: 0.01, schedule: 'one-cycle' } } });
    await call('step', {});
    const before = await call('getState', {});
    events.length = 0;

    const r = await call('lrFind', {});
    expect(r.points.length).toBeGreaterThan(20);
    expect(r.points[0]).toEqual({ lr: 1e-7, loss: expect.any(Number), smoothed: expect.any(Number) });
    expect(Object.keys(r.suggestions).sort()).toEqual(['minimum', 'steep', 'valley']);
    expect(r.suggestions.valley).toBeGreaterThan(1e-7);

    // Nothing announced, nothing changed: factors, predictions, fit, history, unsaved flag.
    expect(events.filter((e) => e.event === 'changed' || e.event === 'epoch' || e.event === 'state')).toEqual([]);
    expect(await call('getState', {})).toEqual(before);
  });

  it('is refused while training', async () => {
    const s = await call('getState', {});
    await call('setSettings', { settings: { ...s.settings, epochsPerSecond: 20 } });
    const run = call('solve', {});
    await expect(call('lrFind', {})).rejects.toThrow('Training is running');
    await call('stop', {});
    await run;
    await call('setSettings', { settings: s.settings });
  });
});
