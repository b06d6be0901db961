import { describe, expect, it } from 'vitest';
import type { AppState, CommandName, Service } from './contract.ts';
import { defaultConfig } from './default-config.ts';
import { createEndpoint } from './endpoint.ts';
import { UserError } from './user-error.ts';

/** A service whose commands record their validated arguments; setRating fails like the real one. */
function recordingService() {
  const calls: [CommandName, unknown][] = [];
  const state = {} as AppState;
  const record = (name: CommandName) => async (args: unknown) => {
    calls.push([name, args]);
    return state;
  };
  const service = {
    getState: record('getState'),
    setRating: async () => {
      throw new UserError('Rating 9 is outside the scale');
    },
    clearRating: record('clearRating'),
    paste: record('paste'),
    undo: record('undo'),
    redo: async () => {
      throw new TypeError('boom');
    },
    setConfig: record('setConfig'),
    setSettings: record('setSettings'),
    solve: record('solve'),
    step: record('step'),
    stop: async () => null,
    reset: record('reset'),
    openRatings: record('openRatings'),
    subscribe: () => () => {},
  } as unknown as Service;
  return { service, calls };
}

describe('endpoint', () => {
  it('passes validated arguments to the command and replies with its value', async () => {
    const { service, calls } = recordingService();
    const endpoint = createEndpoint(service);
    const reply = await endpoint.handle({ id: 1, command: 'clearRating', args: { row: 2, col: 3 } });
    expect(reply).toEqual({ id: 1, ok: true, value: {} });
    expect(calls).toEqual([['clearRating', { row: 2, col: 3 }]]);
  });

  it.each([
    ['not an object', 'hello', /Malformed request/],
    ['no id', { command: 'getState', args: {} }, /Malformed request/],
    ['an unknown command', { id: 2, command: 'rm -rf', args: {} }, /Unknown command "rm -rf"/],
    ['a prototype key as command', { id: 3, command: 'toString', args: {} }, /Unknown command/],
    ['a negative row', { id: 4, command: 'clearRating', args: { row: -1, col: 0 } }, /^clearRating: row must be at least 0, got -1$/],
    ['an extra argument', { id: 5, command: 'undo', args: { evil: true } }, /^undo: unknown argument "evil"$/],
    ['a string rating', { id: 6, command: 'setRating', args: { row: 0, col: 0, rating: '5' } }, /^setRating: rating must be a number, got "5"$/],
    ['an unknown init', { id: 7, command: 'reset', args: { seed: 1, init: 'zeros' } }, /^Initialisation must be one of "trunc-normal", "uniform", got "zeros"$/],
  ])('refuses %s with a message, never a throw', async (_what, message, error) => {
    const { service, calls } = recordingService();
    const reply = await createEndpoint(service).handle(message);
    expect(reply.ok).toBe(false);
    expect(reply.ok === false && reply.error).toMatch(error);
    expect(calls).toEqual([]);
  });

  // Issue 13 finding 10 / item 6: the app showed the validator's own text ("Invalid arguments for
  // setConfig: ✖ Too big: expected number to be <=100 → at config.optim.lr"). A refused setting
  // is named as the settings panel names it, with its allowed range and the value given.
  describe('refused settings, in plain words', () => {
    const config = defaultConfig(100, { lo: 1, hi: 5 });
    const refusal = async (command: CommandName, args: unknown) => {
      const reply = await createEndpoint(recordingService().service).handle({ id: 9, command, args });
      return reply.ok ? null : reply.error;
    };

    it.each([
      ['a learning rate above its limit', { ...config, optim: { ...config.optim, lr: 150 } }, 'Learning rate must be at most 100, got 150'],
      ['a zero learning rate', { ...config, optim: { ...config.optim, lr: 0 } }, 'Learning rate must be above 0, got 0'],
      ['fractional factors', { ...config, model: { ...config.model, factors: 2.5 } }, 'Factors k must be a whole number, got 2.5'],
      ['a huge hidden layer', { ...config, model: { ...config.model, layers: [100, 99_999_999] } }, "Hidden layer 2's size must be at most 4096, got 99999999"],
      ['nine hidden layers', { ...config, model: { ...config.model, layers: Array(9).fill(10) } }, 'Hidden layers must be at most 8 layers, got 9'],
      ['a batch size of 0', { ...config, batchSize: 0 }, 'Batch size must be at least 1, got 0'],
      ['an unknown optimizer', { ...config, optim: { ...config.optim, optimizer: 'rmsprop' } }, 'Optimizer must be one of "sgd", "momentum", "adam", "lbfgs", got "rmsprop"'],
      ['y_range upside down', { ...config, model: { ...config.model, yRange: [5, 1] } }, 'y_range needs lo < hi'],
      ['an unknown setting', { ...config, optim: { ...config.optim, turbo: true } }, 'Optimizer settings: unknown setting "turbo"'],
      ['two problems', { ...config, epochs: 0, seed: -1 }, 'Epochs per Solve must be at least 1, got 0; Seed must be at least 0, got -1'],
    ])('setConfig with %s', async (_what, bad, message) => {
      expect(await refusal('setConfig', { config: bad })).toBe(message);
    });

    it('shows the validation share as the percentage the panel shows', async () => {
      expect(await refusal('setSettings', { settings: { validPct: 0.6, splitSeed: 1, epochsPerSecond: 0 } })).toBe('Validation % must be at most 50, got 60');
    });

    it('names no more than three problems', async () => {
      const bad = { ...config, epochs: 0, seed: -1, threads: 0, earlyStopPatience: -1 };
      expect(await refusal('setConfig', { config: bad })).toMatch(/; Threads must be at least 1, got 0 \(and 1 more\)$/);
    });
  });

  it('keeps the request id on refusals so the caller can match the reply', async () => {
    const { service } = recordingService();
    const reply = await createEndpoint(service).handle({ id: 42, command: 'nope', args: {} });
    expect(reply.id).toBe(42);
  });

  it("turns a command's failure into an error reply, logging only unexpected ones", async () => {
    const { service } = recordingService();
    const logged: unknown[] = [];
    const endpoint = createEndpoint(service, (e) => logged.push(e));
    const refused = await endpoint.handle({ id: 1, command: 'setRating', args: { row: 0, col: 0, rating: 9 } });
    expect(refused).toEqual({ id: 1, ok: false, error: 'Rating 9 is outside the scale' });
    expect(logged).toEqual([]);
    const crashed = await endpoint.handle({ id: 2, command: 'redo', args: {} });
    expect(crashed).toEqual({ id: 2, ok: false, error: 'boom' });
    expect(logged).toHaveLength(1);
  });

  it('says a failed allocation in words (issue 13 finding 10: "Array buffer allocation failed")', async () => {
    const { service } = recordingService();
    service.undo = async () => {
      throw new RangeError('Array buffer allocation failed');
    };
    const reply = await createEndpoint(service, () => {}).handle({ id: 3, command: 'undo', args: {} });
    expect(reply).toEqual({ id: 3, ok: false, error: expect.stringMatching(/^Not enough memory for this \(Array buffer allocation failed\): try fewer factors/) });
  });
});
