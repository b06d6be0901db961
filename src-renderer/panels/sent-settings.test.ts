import { describe, expect, it } from 'vitest';
import type { AppState, TrainConfig } from '../../src-main/service/contract.ts';
import { SentSettings, type SettingsChange } from './sent-settings.ts';

type Optim = Pick<TrainConfig['optim'], 'lr' | 'wd'>;
const stateWith = (optim: Optim) => ({ config: { optim }, settings: {} }) as unknown as AppState;
const optimOf = (s: AppState) => s.config.optim as unknown as Optim;
const withOptim = (s: AppState, o: Partial<Optim>): SettingsChange => ({ config: { ...s.config, optim: { ...s.config.optim, ...o } } });

/** A service that answers when told to, in order, as the real one does; its state follows what it took. */
function slowService(first: AppState) {
  let state = first;
  const queue: { change: SettingsChange; answer: (refusal: string | null) => void }[] = [];
  return {
    state: () => state,
    apply: (change: SettingsChange) => new Promise<string | null>((answer) => queue.push({ change, answer })),
    answerNext(refuse?: string) {
      const { change, answer } = queue.shift()!;
      if (!refuse) state = { ...state, ...change };
      answer(refuse ?? null);
    },
  };
}

describe('settings sent and not answered yet', () => {
  it('a second change made before the first is answered keeps the first (the lr went back to 1 before)', async () => {
    const service = slowService(stateWith({ lr: 1, wd: 0.1 }));
    const sent = new SentSettings();
    const first = sent.send(withOptim(sent.intended(service.state()), { lr: 0.01 }), service.apply);
    const second = sent.send(withOptim(sent.intended(service.state()), { wd: 0.01 }), service.apply);
    expect(optimOf(sent.intended(service.state()))).toEqual({ lr: 0.01, wd: 0.01 });
    service.answerNext();
    service.answerNext();
    await Promise.all([first, second]);
    expect(optimOf(service.state())).toEqual({ lr: 0.01, wd: 0.01 });
    expect(optimOf(sent.intended(service.state()))).toEqual({ lr: 0.01, wd: 0.01 });
  });

  it('once every answer is in, a refused change is gone and the state received is what shows', async () => {
    const service = slowService(stateWith({ lr: 1, wd: 0.1 }));
    const sent = new SentSettings();
    const refused = sent.send(withOptim(sent.intended(service.state()), { lr: 99 }), service.apply);
    expect(optimOf(sent.intended(service.state())).lr).toBe(99);
    service.answerNext('Learning rate: at most 10');
    expect(await refused).toBe('Learning rate: at most 10');
    expect(optimOf(sent.intended(service.state()))).toEqual({ lr: 1, wd: 0.1 });
  });

  it('a failure to send clears what was sent too', async () => {
    const sent = new SentSettings();
    const state = stateWith({ lr: 1, wd: 0.1 });
    await expect(sent.send(withOptim(state, { lr: 0.5 }), () => Promise.reject(new Error('socket closed')))).rejects.toThrow('socket closed');
    expect(optimOf(sent.intended(state)).lr).toBe(1);
  });
});
