/**
 * Issue 11 items 2 and 6: the fused engine recovers a planted low-rank model to its noise floor;
 * N = 1, 2, 4, 8 threads give the same factors (the block schedule makes the result independent
 * of N up to the grid's 16: stronger than "the same quality"), the same N and seed the same bits;
 * Stop returns the last finished epoch's factors; a divergent learning rate stops with a message
 * and the last good factors.
 */
import { describe, expect, it } from 'vitest';
import { dropRatingColumns, type RatingsDataset } from '../../data/dataset.ts';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted, plantedRmse } from '../../data/synthetic.ts';
import { FUSED_DEFAULTS, FusedArena, type FusedConfig, trainFused } from './index.ts';

function planted(ratings: number, seed: number, users = 300, items = 200) {
  const { data, truth } = generatePlanted({ users, items, ratings, rank: 4, noise: 0.3, seed, factorStd: 0.5, biasStd: 0.3 });
  const { train, valid } = randomSplit(data, 0.1, seed);
  return { train, valid, floor: plantedRmse(valid, truth) };
}

const config = (over: Partial<FusedConfig> = {}): FusedConfig => ({
  ...FUSED_DEFAULTS, yRange: null, factors: 8, epochs: 20, seed: 3, workers: 1, lr: 0.05, wd: 0.02, ...over,
});

const factorsOf = (r: { params: Record<string, { data: Float32Array }> }) => Object.fromEntries(Object.entries(r.params).map(([n, p]) => [n, Array.from(p.data)]));

describe('the fused engine on planted data (issue 11 item 6)', () => {
  const { train, valid, floor } = planted(150_000, 7, 1000, 500);
  for (const optimizer of ['sgd', 'adagrad'] as const) {
    it(`${optimizer}: recovers the planted model to within 5% of the noise floor`, async () => {
      const r = await trainFused(train, valid, config({ factors: 4, ...(optimizer === 'sgd' ? { optimizer, lr: 0.01, initStd: 0.3 } : { optimizer, lr: 0.2 }) }));
      expect(r.stop).toBeNull();
      expect(r.history).toHaveLength(20);
      const last = r.history.at(-1)!;
      expect(last.validRmse!, `valid RMSE against the planted floor ${floor}`).toBeLessThan(1.05 * floor);
      expect(r.params.user_factors.shape).toEqual([1000, 4]);
      expect(r.params.item_bias.shape).toEqual([500]);
    });
  }
});

describe('threads and determinism (issue 11 item 2)', () => {
  const { train, valid } = planted(20_000, 9);
  const cfg = config({ epochs: 3, model: 'dotbias', yRange: [0, 5.5], factors: 6 });

  it('an owner that drops the columns once they are blocked (the CLI) gets the same run', async () => {
    const kept = await trainFused(train, valid, { ...cfg, workers: 2 });
    const own = { train: { ...train }, valid: { ...valid } };
    const blocked: RatingsDataset[] = [];
    const dropped = await trainFused(own.train, own.valid, { ...cfg, workers: 2 }, {
      onBlocked: (d) => {
        blocked.push(d);
        dropRatingColumns(d);
      },
    });
    expect(blocked).toEqual([own.train, own.valid]);
    expect(own.train.ratings).toHaveLength(0);
    expect(factorsOf(dropped)).toEqual(factorsOf(kept));
    expect(dropped.history.map((m) => m.validRmse)).toEqual(kept.history.map((m) => m.validRmse));
  });

  it('ratings imported into the kernel\'s memory (the CLI) are blocked where they lie: the same run, no second copy, the columns taken', async () => {
    const kept = await trainFused(train, valid, { ...cfg, workers: 2 });
    const arena = new FusedArena();
    // What the import does with an arena: each column in a region of its memory.
    const into = (d: RatingsDataset): RatingsDataset => {
      const place = (c: Int32Array | Float32Array) => {
        const { buffer, offset } = arena.take(c.byteLength);
        new Uint8Array(buffer, offset, c.byteLength).set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        return [buffer, offset, c.length] as const;
      };
      return { ...d, users: new Int32Array(...place(d.users)), items: new Int32Array(...place(d.items)), ratings: new Float32Array(...place(d.ratings)) };
    };
    const own = { train: into(train), valid: into(valid) };
    const imported = arena.used;
    const seen: number[] = [];
    const inPlace = await trainFused(own.train, own.valid, { ...cfg, workers: 2 }, { arena, onBlocked: (d) => seen.push(d.ratings.length) });
    expect(factorsOf(inPlace)).toEqual(factorsOf(kept));
    expect(inPlace.history.map((m) => m.validRmse)).toEqual(kept.history.map((m) => m.validRmse));
    // Blocked in place, the columns now hold slots in block order: the datasets no longer show them.
    expect(seen).toEqual([0, 0]);
    // The run took only its tables and control words beyond the imported columns (12 bytes a rating).
    expect(arena.used - imported).toBeLessThan(12 * (train.ratings.length + valid.ratings.length));
  });

  it('N = 1, 2, 4, 8: the same factors, bit for bit; the same N and seed twice: the same bits', async () => {
    const one = await trainFused(train, valid, cfg);
    for (const workers of [2, 4, 8, 2]) {
      const r = await trainFused(train, valid, { ...cfg, workers });
      expect(factorsOf(r), `${workers} threads`).toEqual(factorsOf(one));
      expect(r.history.map((m) => m.validRmse)).toEqual(one.history.map((m) => m.validRmse));
    }
    const otherSeed = await trainFused(train, valid, { ...cfg, seed: 4 });
    expect(factorsOf(otherSeed)).not.toEqual(factorsOf(one));
  }, 60_000);
});

describe('Stop and divergence', () => {
  const { train, valid } = planted(60_000, 11);

  for (const workers of [1, 2]) {
    it(`Stop during epoch 3 (${workers} thread${workers > 1 ? 's' : ''}) returns the factors of epoch 2`, async () => {
      // A constant schedule: a 2-epoch run then follows the same learning rates as the first 2 of 50.
      const cfg = config({ schedule: 'constant', epochs: 50, workers });
      const stop = new AbortController();
      const r = await trainFused(train, valid, cfg, {
        signal: stop.signal,
        // After epoch 2's metrics the trainer starts epoch 3; the abort lands while it runs.
        onEpoch: (m) => m.epoch === 2 && setImmediate(() => stop.abort()),
      });
      expect(r.stop).toEqual({ kind: 'cancelled' });
      expect(r.history).toHaveLength(2);
      const two = await trainFused(train, valid, { ...cfg, epochs: 2 });
      expect(factorsOf(r)).toEqual(factorsOf(two));
    }, 30_000);
  }

  it('a divergent learning rate stops with a message naming it, keeping finite factors', async () => {
    const r = await trainFused(train, valid, config({ optimizer: 'sgd', lr: 5, schedule: 'constant' }));
    expect(r.stop?.kind).toBe('diverged');
    expect(r.stop && 'message' in r.stop ? r.stop.message : '').toMatch(/learning rate 5 is too high: try 0\.5 or lower/);
    for (const p of Object.values(r.params)) expect(p.data.every(Number.isFinite)).toBe(true);
  });

  it('refuses an empty training set instead of calling its NaN errors a divergence', async () => {
    const empty: RatingsDataset = { ...train, users: new Int32Array(0), items: new Int32Array(0), ratings: new Float32Array(0) };
    await expect(trainFused(empty, null, config())).rejects.toThrow(/the training set has no ratings/);
  });

  it('refuses codes outside the tables before touching memory', async () => {
    const bad: RatingsDataset = { ...train, users: Int32Array.from(train.users, (u, j) => (j === 5 ? 300 : u)) };
    await expect(trainFused(bad, null, config())).rejects.toThrow(/training rating 6: user 300 .* outside the 300 users/);
  });
});
