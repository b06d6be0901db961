import { describe, expect, it } from 'vitest';
import type { AppState, CommandName, Service } from './contract.ts';
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
    ['a negative row', { id: 4, command: 'clearRating', args: { row: -1, col: 0 } }, /Invalid arguments for clearRating/],
    ['an extra argument', { id: 5, command: 'undo', args: { evil: true } }, /Invalid arguments for undo/],
    ['a string rating', { id: 6, command: 'setRating', args: { row: 0, col: 0, rating: '5' } }, /Invalid arguments for setRating/],
    ['an unknown optimizer', { id: 7, command: 'reset', args: { seed: 1, init: 'zeros' } }, /Invalid arguments for reset/],
  ])('refuses %s with a message, never a throw', async (_what, message, error) => {
    const { service, calls } = recordingService();
    const reply = await createEndpoint(service).handle(message);
    expect(reply.ok).toBe(false);
    expect(reply.ok === false && reply.error).toMatch(error);
    expect(calls).toEqual([]);
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
});
