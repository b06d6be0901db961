// The tune's draws: SGD and momentum in ONNX Runtime must not decay their weights into subnormal floats.
import { describe, expect, it } from 'vitest';
import { candidates } from './search-space.ts';

describe('search space', () => {
  it('keeps lr·wd of the ONNX SGD and momentum draws near Adam\'s (at most 1 % a batch)', () => {
    const plain = candidates(42, 800).filter((c) => c.engine === 'onnx' && c.config.optim.optimizer !== 'adam');
    expect(plain.length).toBeGreaterThan(20);
    for (const { config } of plain) expect(config.optim.lr * config.optim.wd).toBeLessThanOrEqual(0.01);
  });
});
