import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../../data/split.ts';
import { generatePlanted, plantedRmse } from '../../../data/synthetic.ts';
import { scaleRecipe } from '../recipes.ts';
import { type Trainer, createTrainer } from '../trainer.ts';
import type { TrainConfig } from '../../types.ts';
import { blockWorkerFromSource } from './from-source.ts';
import { firstRows, gatherRows, halfOf, quarters, scatterRows } from './quarters.ts';

const { data, truth } = generatePlanted({ users: 1000, items: 800, ratings: 60_000, rank: 5, noise: 0.3, seed: 1 });
const { train, valid } = randomSplit(data, 0.1, 42);
const rows = { users: 1000, items: 800 };

describe('quarters: the four blocks two workers train', () => {
  it('split users and items into even and odd codes, every rating in exactly one block', () => {
    const q = quarters(train, rows);
    const seen = new Map<string, number>();
    for (const [w, share] of q.shares.entries()) {
      expect(share.users).toEqual({ start: w, step: 2, count: 500 });
      share.rounds.forEach((block, r) => {
        const items = share.itemHalves[r];
        for (let j = 0; j < block.ratings.length; j++) {
          const user = share.users.start + block.users[j] * share.users.step;
          expect(block.users[j]).toBeLessThan(share.users.count);
          expect(block.items[j] % 2).toBe(items.start);
          const key = `${user} ${block.items[j]} ${block.ratings[j]}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }
        expect(q.counts[r][w]).toBe(block.ratings.length);
        // Interleaved halves are balanced here: each block holds about a quarter of the ratings.
        expect(Math.abs(block.ratings.length / train.ratings.length - 0.25)).toBeLessThan(0.02);
      });
      // The blocks trained at the same time share no item (their users differ by construction).
      expect(share.itemHalves[0]).toEqual(q.shares[1 - w].itemHalves[1]);
    }
    const expected = new Map<string, number>();
    for (let j = 0; j < train.ratings.length; j++) {
      const key = `${train.users[j]} ${train.items[j]} ${train.ratings[j]}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(seen).toEqual(expected);
  });

  it('gather and scatter rows by set: odd rows of 7 out and back, in order', () => {
    const table = Float32Array.from({ length: 7 * 3 }, (_, i) => i);
    const odd = halfOf(7, 1);
    expect(odd.count).toBe(3);
    const rowsOut = gatherRows(table, 3, odd);
    expect(Array.from(rowsOut)).toEqual([3, 4, 5, 9, 10, 11, 15, 16, 17]);
    const into = new Float32Array(7 * 3);
    scatterRows(into, 3, odd, rowsOut);
    expect(Array.from(into).map((v, i) => (Math.floor(i / 3) % 2 === 1 ? v === i : v === 0)).every(Boolean)).toBe(true);
    expect(Array.from(gatherRows(table, 3, firstRows(2)))).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

// The trainer uses two block workers only with a second core; on one core there is nothing to test.
const cores = availableParallelism();
if (cores < 2) console.warn(`two-core epochs: not tested — this machine has ${cores} core`);
describe.runIf(cores >= 2)(`two-core epochs (this machine: ${cores} cores)`, () => {
  const config: TrainConfig = { ...scaleRecipe(1024), epochs: 5, threads: 1 };
  const twoCores = { twoCores: { start: blockWorkerFromSource, from: 0 } };

  async function fit(trainer: Trainer) {
    let last = null;
    while (trainer.epochsDone < config.epochs) {
      const r = await trainer.runEpoch();
      expect(r.stopped).toBeNull();
      last = r.metrics!;
    }
    return last!;
  }

  it('trains as well as one thread, and the same seed gives the same factors', async () => {
    const one = await createTrainer(train, valid, config);
    const a = await createTrainer(train, valid, config, twoCores);
    const b = await createTrainer(train, valid, config, twoCores);
    const [single, first, second] = [await fit(one), await fit(a), await fit(b)];
    const floor = plantedRmse(valid, truth);
    console.log(`two-core epochs, planted 60k, 5 epochs: valid ${first.validRmse!.toFixed(4)} (one thread ${single.validRmse!.toFixed(4)}, planted floor ${floor.toFixed(4)})`);
    expect(first.validRmse!).toBeLessThan(single.validRmse! * 1.03);
    expect(first.validRmse!).toBeLessThan(floor * 1.6);
    expect(second.validRmse).toBe(first.validRmse);
    const [pa, pb] = [a.exportParams(), b.exportParams()];
    for (const name of Object.keys(pa.params)) expect(pb.params[name].data).toEqual(pa.params[name].data);
    expect(pa.optimizer!.step).toBeGreaterThan(0);
    // The trainer's own evaluation reads the tables the workers sent back.
    expect(a.evaluate().validRmse).toBeCloseTo(first.validRmse!, 6);
    await Promise.all([one.dispose(), a.dispose(), b.dispose()]);
  }, 120_000);

  it('stops mid-epoch, keeps the rows trained so far, and trains on after', async () => {
    // Small batches: an epoch of ~420 steps lasts well beyond the first stop poll.
    const trainer = await createTrainer(train, valid, { ...config, batchSize: 128 }, twoCores);
    const before = trainer.evaluate().validRmse!;
    let polls = 0;
    // runEpoch asks once before starting; the next ask is the first poll while the workers train.
    const r = await trainer.runEpoch({ shouldStop: () => ++polls > 1 });
    expect(r.stopped).toEqual({ kind: 'cancelled' });
    expect(trainer.epochsDone).toBe(0);
    const after = trainer.evaluate().validRmse!;
    expect(Number.isFinite(after)).toBe(true);
    expect(after).not.toBe(before);
    const next = await trainer.runEpoch();
    expect(next.stopped).toBeNull();
    expect(next.metrics!.validRmse!).toBeLessThan(before);
    await trainer.dispose();
  }, 120_000);
});
