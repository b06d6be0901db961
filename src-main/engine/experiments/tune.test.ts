// Issue 12 item 5: tune is deterministic for a seed and budget, and its runs' settings reproduce them.
import { describe, expect, it } from 'vitest';
import { randomSplit } from '../../data/split.ts';
import { generatePlanted } from '../../data/synthetic.ts';
import { rmse } from '../metrics.ts';
import { MEASURED_COST, estimateRunSeconds } from './cost.ts';
import { trainRun } from './run.ts';
import { planTune, tune } from './tune.ts';

const { data } = generatePlanted({ users: 50, items: 40, ratings: 1000, rank: 3, noise: 0.3, seed: 9 });
const { train, valid } = randomSplit(data, 0.15, 42);
// Every run, in either engine, priced at just over 10 s: a 100 s budget plans 3 candidates (rungs of 3, 1, 1) and 2 seed
// runs, whatever this machine's speed; the real runs take well under a second each.
const cost = { ...MEASURED_COST, runSeconds: 10, fusedRunSeconds: 10 };
const shape = { ratings: train.ratings.length, users: train.userIds.length, items: train.itemIds.length };

describe('tune', () => {
  it('plans from the budget alone', () => {
    expect(planTune(shape, 100, 42, cost).plan).toMatchObject({ candidates: 3, seedRuns: 2 });
    expect(planTune(shape, 100, 42, cost)).toEqual(planTune(shape, 100, 42, cost));
    expect(planTune(shape, 400, 42, cost).plan.candidates).toBeGreaterThan(3);
  });

  it('gives the same answer for the same seed, and runs whose settings reproduce their RMSE', async () => {
    const a = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost });
    const b = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost });
    expect(a.budgetHit).toBe(false);
    expect(a.runs.map((r) => r.stage)).toEqual(['rung 0', 'rung 0', 'rung 0', 'rung 1', 'rung 2', 'seeds', 'seeds']);
    expect(b.runs.map((r) => [r.run.settings, r.run.validRmse])).toEqual(a.runs.map((r) => [r.run.settings, r.run.validRmse]));
    expect(b.bestSingle!.id).toBe(a.bestSingle!.id);
    expect(b.bestBlend).toEqual(a.bestBlend);

    const best = a.bestSingle!;
    expect(best.validRmse).toBe(Math.min(...a.runs.map((r) => r.run.validRmse!)));
    const again = await trainRun(train, valid, best.settings, { id: 'x', label: 'again', engine: best.engine });
    expect(again.run.validRmse).toBe(best.validRmse);

    // The blend is of the kNN members and runs that trained at least half their epochs (and the best single run), and no worse than the best of them.
    const ids = new Map(a.runs.map((r) => [r.run.id, r]));
    const knnIds = a.neighbours.map((m) => m.id);
    expect(knnIds).toEqual(['knn-item', 'knn-user']);
    const members = a.bestBlend!.members.filter((m) => !knnIds.includes(m.id)).map((m) => ids.get(m.id)!);
    expect(members.every((m) => m.stage !== 'rung 0' || m.run.id === best.id)).toBe(true);
    expect(a.bestBlend!.validRmse).toBeLessThanOrEqual(Math.min(best.validRmse!, ...a.neighbours.map((m) => m.validRmse)) + 1e-9);
  });

  it('offers the blend the kNN members, judged as runs are, and fits none when told not to (the app\'s tune)', async () => {
    const withKnn = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost });
    const without = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost, neighbours: false });
    expect(without.neighbours).toEqual([]);
    expect(without.bestBlend!.members.every((m) => m.id.startsWith('r'))).toBe(true);
    for (const m of withKnn.neighbours) expect(m.validRmse).toBeCloseTo(rmse(m.validPredictions, valid.ratings), 12);
    // The same runs either way (the members' estimate is far below a 10 s run here), and a blend no worse for the members.
    // (On planted low-rank data the factor runs are the right model and take the weight; on ml-100k kNN helps: bench.)
    expect(withKnn.runs.map((r) => r.run.validRmse)).toEqual(without.runs.map((r) => r.run.validRmse));
    expect(withKnn.bestBlend!.validRmse).toBeLessThanOrEqual(without.bestBlend!.validRmse + 1e-9);
  });

  it('takes the kNN members\' estimate off the budget before planning the runs', () => {
    const plain = planTune(shape, 400, 42, cost);
    const reserved = planTune(shape, 400, 42, cost, 100);
    expect(reserved.plan.neighbourSeconds).toBe(100);
    expect(reserved.plan.candidates + reserved.plan.seedRuns).toBeLessThan(plain.plan.candidates + plain.plan.seedRuns);
    expect(reserved.plan.plannedSeconds).toBeLessThanOrEqual(400 * 0.8 + 1e-9);
  });

  it('takes fused candidates nearly free beside the ONNX ones, and their runs reproduce in the fused engine', async () => {
    // ONNX runs at 10 s, the fused kernel's at its measured cost: the same budget holds more candidates, fused ones among them.
    const cheapFused = { ...MEASURED_COST, runSeconds: 10 };
    const { plan, pool } = planTune(shape, 100, 42, cheapFused);
    expect(plan.candidates).toBeGreaterThan(planTune(shape, 100, 42, cost).plan.candidates);
    expect(pool.filter((c) => c.engine === 'onnx').length).toBeLessThanOrEqual(3);
    expect(pool.some((c) => c.engine === 'fused')).toBe(true);

    const r = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost: cheapFused });
    const fused = r.runs.filter((x) => x.run.engine === 'fused');
    expect(fused.length).toBeGreaterThan(0);
    // Each rung trains cheapest first, so a tune the budget cuts short has the most candidates: the fused ones lead rung 0.
    const rung0 = r.runs.filter((x) => x.stage === 'rung 0').map((x) => estimateRunSeconds(x.run.settings, shape, cheapFused, x.run.engine));
    expect(rung0).toEqual([...rung0].sort((a, b) => a - b));
    expect(r.runs[0].run.engine).toBe('fused');
    const again = await trainRun(train, valid, fused[0].run.settings, { id: 'x', label: 'again', engine: 'fused' });
    expect(again.run.validRmse).toBe(fused[0].run.validRmse);
  });

  it('fills the seed stage by each run\'s own estimate: once the ONNX settings no longer fit, the cheap fused ones go on', async () => {
    const cheapFused = { ...MEASURED_COST, runSeconds: 10 };
    const r = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost: cheapFused });
    const seeds = r.runs.filter((x) => x.stage === 'seeds');
    const estimates = seeds.map((x) => estimateRunSeconds(x.run.settings, shape, cheapFused, x.run.engine));
    expect(estimates.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(r.plan.seedSeconds);
    // The plan's mean-cost count is what the ONNX runs alone would get; the fused settings add their seeds beyond it.
    expect(seeds.length).toBeGreaterThan(r.plan.seedRuns);
    expect(seeds.filter((x) => x.run.engine === 'onnx').length).toBeLessThanOrEqual(Math.floor(r.plan.seedSeconds / 10));
    expect(new Set(seeds.filter((x) => x.run.engine === 'fused').map((x) => x.run.settings.seed)).size).toBeGreaterThan(1);
  });

  it('another seed searches other settings', async () => {
    expect(planTune(shape, 400, 7, cost).pool).not.toEqual(planTune(shape, 400, 42, cost).pool);
  });

  it('stops at Cancel and says so', async () => {
    const cancel = new AbortController();
    const r = await tune(train, valid, { budgetSeconds: 100, seed: 42, cost, signal: cancel.signal, onRun: () => cancel.abort() });
    expect(r.cancelled).toBe(true);
    expect(r.budgetHit).toBe(false);
    expect(r.runs).toHaveLength(1);
  });

  it('counts the time before it against the budget: a budget already spent trains nothing', async () => {
    const r = await tune(train, valid, { budgetSeconds: 1, seed: 42, cost, startedAt: performance.now() - 2000 });
    expect(r.budgetHit).toBe(true);
    expect(r.runs).toHaveLength(0);
    expect(r.neighbours).toHaveLength(0);
    expect(r.bestSingle).toBeNull();
  });
});
