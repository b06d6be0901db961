import { describe, expect, it } from 'vitest';
import { idleTail, trainingProgressText } from './training-progress.ts';

const p = { epoch: 3, fraction: 0.25, lr: 0.01, elapsedSeconds: 5 };

describe('trainingProgressText', () => {
  it('estimates the rest of the epoch from the time the done part took', () => {
    expect(trainingProgressText(p)).toBe('epoch 3 · 25% · about 15 s left in this epoch');
  });
  it('shows minutes for long epochs and "under 1 s" near the end', () => {
    expect(trainingProgressText({ ...p, fraction: 0.1, elapsedSeconds: 30 })).toBe('epoch 3 · 10% · about 5 min left in this epoch');
    expect(trainingProgressText({ ...p, fraction: 0.99, elapsedSeconds: 20 })).toBe('epoch 3 · 99% · under 1 s left in this epoch');
  });
  it('gives no estimate from too little of the epoch', () => {
    expect(trainingProgressText({ ...p, fraction: 0.01, elapsedSeconds: 0.2 })).toBe('epoch 3 · 1%');
  });
});

describe('idleTail (issue 16 item 4)', () => {
  it('says a Solve converged at its last epoch, until training moves on', () => {
    expect(idleTail(69, 69)).toBe(' · converged at epoch 69');
    expect(idleTail(69, 70)).toBe('');
    expect(idleTail(null, 69)).toBe('');
  });
});
