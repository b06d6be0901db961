/**
 * Tune: successive halving over the search space (search-space.ts) within a time budget, then
 * more seeds of the best settings, returning the best single run and the best blend of the runs
 * it trained.
 *
 *   rung 0: N candidates, each for a quarter of its epochs (one-cycle over the shorter run);
 *   rung 1: the best third of them for half their epochs;
 *   rung 2: the best third of those for all their epochs;
 *   seeds:  for the blend, settings trained again with other seeds, in turn: the best two of
 *           rung 2, then the best of each other model kind (by the furthest rung it reached),
 *           at all its epochs, each while its own estimate still fits the seed stage's share
 *           (a setting that no longer fits drops out, so the cheap fused ones go on after the
 *           ONNX ones have used their part). Seeds differ by ±0.002 and their average beats
 *           each; the kinds' errors differ (the ratings-as-classes model is worse alone, better
 *           in a blend: recipes.ts), which short rungs cannot see.
 *
 * Deterministic for a seed and budget: N and the number of seed runs are decided up front from
 * the budget by a cost model (cost.ts), never from the clock; which runs go on is decided by
 * their valid RMSE, which the trainer reproduces exactly for a seed. The clock is only a safety
 * net: the whole wall time counts against the budget, and a tune that reaches it (a machine far
 * slower than the cost model's) stops at once and says so (`budgetHit`), since that answer
 * depends on the machine's speed.
 *
 * Measured (ml-100k, seed 42, 120 s): at load ~2.5 on the 2-core build machine, random split,
 * 92 runs in 110 s, best single 0.8906 (bestDotBias at lr 3e-3 for 7 epochs, seed 47; reproduced
 * by `collabsheet train`), blend 0.8867 (before the blend solver and the seed stage's other
 * kinds). At load 14 the plan's rung 0 did not finish: 0.9050 / 0.9263 (u1). The model family's
 * ceiling as we measured it: singles plateau at 0.891–0.894 (random) and 0.912–0.915 (u1) over
 * k, lr, wd, bs, epochs, y_range; a fitted blend of 5 dotbias + 3 classes + NN + k 20 + k 100
 * reaches 0.8845 (random) and 0.9049 (u1), equal weights 0.8864 / 0.9071.
 *
 * With fused candidates (search-space.ts) and the blend pool by family, the 120 s plan's own
 * answer (the deadline moved out of reach, so the load cannot cut it; seed 42): random split 66
 * candidates + 16 seed runs = 112 runs (44 fused), single 0.8916 (ONNX dotbias), blend 0.8819 of
 * 12 (dotbias and classes seeds, dot, 3 fused); u1 71 + 17 = 120 runs, single 0.9121, blend
 * 0.9035. It took 322 s and 243 s of wall time at load 2–3, against the plan's 95 s: on this
 * machine under load a real 120 s tune stops before its plan ends (random split: 47 runs, 0.9001).
 * A seed share of 0.4 instead of 0.25: random single 0.8911, blend 0.8825.
 *
 * The kNN members (neighbour-members.ts: fitted first, ~1 s) and ridge weights (blend.ts), the
 * same plan's own answer (seed 42): random split single 0.8916 (reproduced by `collabsheet
 * train`), blend 0.8806 with the kNN members and convex weights, 0.8782 with ridge weights
 * (42 members: both kNN, 40 runs); u1 (the members' estimate takes one candidate off the plan)
 * single 0.9121, convex 0.9041, ridge 0.8995. Those blends are judged on the split their weights
 * were fitted on, as the issue has it; fitted on one half of it and judged on the other, ridge
 * scores 0.8815 / 0.9010 and convex 0.8821 / 0.9040. Each rung trains cheapest first, so a real
 * tune the load cuts short has trained the fused candidates, and blends its rung 0 runs then.
 *
 * A real 120 s tune of that plan did not finish it on a quiet machine (r90: 62 runs in 118 s, blend 0.8824):
 * two ONNX network runs with SGD/momentum at Adam's wd decayed into subnormal floats (25 and 33 s each,
 * valid 1.12), and classes/nn took 2.3× their estimate. With SGD's own wd range (search-space.ts) and
 * networkFactor 2.5 (cost.ts) the plan is smaller but honest, and a real tune finishes it (seed 42, the
 * other work beside it): r90 39 candidates + 10 seeds = 67 runs in 103 s (load 2–3), single 0.8916,
 * blend 0.8788; u1 42 + 9 = 70 runs in 84 s (load 1.1–1.3), single 0.9121, blend 0.9015. With the
 * seed stage filled by each run's own estimate (seedRuns): r90 69 runs in 101 s, blend 0.8790;
 * u1 73 runs in 105 s (both at load 2–3.9, CI beside them), blend 0.9012 — the same within noise,
 * but a seed stage of expensive settings can no longer overrun its share.
 *
 * With AutoRec (models/autorec.ts) last among the seeded candidates and the ONNX costs raised 1.2× (cost.ts), on a
 * machine ~1.5× slower than the one above, the plan's own answer, finished (seed 42): r90 27 candidates + seed
 * runs = 47 runs in 106 s, single 0.8855 (AutoRec, reproduced exactly by the `collabsheet train` line it prints),
 * blend 0.8686 of 22; u1 29 candidates, 56 runs in 99 s, single 0.9065 (AutoRec, reproduced exactly), blend
 * 0.8913 of 29. AutoRec errs unlike the factor models: in both blends it and its second seed carry the largest
 * weights (0.26–0.30 each). Before AutoRec, on the same machine: u1 65 runs, single 0.9121, blend 0.9018, and the
 * budget cut the plan short.
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import { itemCount, userCount } from '../../data/dataset.ts';
import type { TrainConfig } from '../types.ts';
import { type Blend, blend } from './blend.ts';
import { type CostModel, type DataShape, MEASURED_COST, estimateRunSeconds } from './cost.ts';
import { type NeighbourMember, estimateNeighbourSeconds, fitNeighbourMembers } from './neighbour-members.ts';
import { PaceClock, type QueueProgress } from './progress.ts';
import { type CancelSignal, type Run, type TrainedRun, trainRun } from './run.ts';
import { type TuneCandidate, candidates } from './search-space.ts';
import { bestRun } from './sweep.ts';

export interface TuneOptions {
  budgetSeconds: number;
  seed: number;
  signal?: CancelSignal;
  /** Each run keeps its trained parameters (TrainedRun.params) for onRun. */
  keepParams?: boolean;
  onProgress?: (p: QueueProgress) => void;
  onRun?: (run: TrainedRun, stage: TuneStage) => void;
  /** The estimate the plan is made with (tests give a fixed one). */
  cost?: CostModel;
  /**
   * When the budget started (performance.now() ms): the caller's, so reading the data counts
   * too. Default: now.
   */
  startedAt?: number;
  /**
   * Fit the kNN blend members (neighbour-members.ts) before the runs; default true. The app
   * says false: its blends open in the sheet and export as ONNX from their members' models.
   */
  neighbours?: boolean;
  /**
   * The best blend's weights (blend.ts): 'ridge' (default; the convex fit where that is better
   * on the validation split), or 'fitted' (convex), which the app asks for — its run store keeps
   * a blend's weights in [0, 1].
   */
  blendWeights?: 'ridge' | 'fitted';
}

export type TuneStage = 'rung 0' | 'rung 1' | 'rung 2' | 'seeds';

export interface TunedRun extends TrainedRun {
  stage: TuneStage;
}

export interface TunePlan {
  candidates: number;
  /** The seed runs the plan expects at its candidates' mean cost; the seed stage fills seedSeconds by each run's own. */
  seedRuns: number;
  /** The cost model's seconds kept for the seed stage. */
  seedSeconds: number;
  /** What the cost model expects the kNN members to take, seconds (0 without them). */
  neighbourSeconds: number;
  /** What the cost model expects the training to take, seconds, the kNN members' included. */
  plannedSeconds: number;
}

export interface TuneResult {
  plan: TunePlan;
  /** Every run finished, in training order. */
  runs: TunedRun[];
  /** The kNN members fitted for the blend (none when TuneOptions.neighbours was false or the data too wide). */
  neighbours: NeighbourMember[];
  bestSingle: Run | null;
  bestBlend: Blend | null;
  cancelled: boolean;
  budgetHit: boolean;
  seconds: number;
}

/** Share of the budget the plan fills: reading the data, the blend and the cost model's error take the rest. */
const PLANNED_SHARE = 0.8;
/** Share of the plan kept for the seed runs. */
const SEED_SHARE = 0.25;
const KEEP = 1 / 3;
const RUNG_EPOCHS = [0.25, 0.5, 1];
/** Fused candidates cost the plan next to nothing, so the list is long enough for hundreds of them beside the ONNX ones. */
const MAX_CANDIDATES = 800;
/** Seed runs repeat this many of the last rung's best settings (and each other kind's best). */
const TOP_FINALS = 2;
/** At most this many seed runs, however cheap: the blend takes at most MAX_BLEND runs anyway. */
const MAX_SEED_RUNS = 60;
/** The blend is fitted over at most this many runs, so its weights fit few numbers. */
const MAX_BLEND = 40;

/**
 * Training stops this long before the budget ends, for what follows it: the run in flight stops
 * between batches but not while its sessions are built, then the blend fits and the summary.
 * Without it a real ml-100k tune at load 3 ended 0.9 s past its 120 s.
 */
const stopMargin = (budgetSeconds: number): number => Math.min(2, budgetSeconds * 0.02);

const epochsAt = (c: TrainConfig, rung: number): number => Math.max(1, Math.ceil(c.epochs * RUNG_EPOCHS[rung]));
const atRung = (c: TuneCandidate, rung: number): TuneCandidate => ({ ...c, config: { ...c.config, epochs: epochsAt(c.config, rung) } });
/** A family of runs, for the seed stage and the blend: the engine and the model kind. */
const familyOf = (c: TuneCandidate): string => `${c.engine} ${c.config.model.kind}`;

/** The plan for a budget; `neighbourSeconds` (the kNN members' estimate) is taken off it first. */
export function planTune(d: DataShape, budgetSeconds: number, seed: number, cost: CostModel = MEASURED_COST, neighbourSeconds = 0): { plan: TunePlan; pool: TuneCandidate[] } {
  const all = candidates(seed, MAX_CANDIDATES);
  const costs = RUNG_EPOCHS.map((_, rung) => all.map((c) => estimateRunSeconds(atRung(c, rung).config, d, cost, c.engine)));
  const trainingBudget = Math.max(0, budgetSeconds * PLANNED_SHARE - neighbourSeconds);
  const halvingBudget = trainingBudget * (1 - SEED_SHARE);
  const expected = (n: number): number => {
    let total = 0;
    let kept = n;
    for (let rung = 0; rung < RUNG_EPOCHS.length; rung++) {
      const mean = costs[rung].slice(0, n).reduce((a, b) => a + b, 0) / n;
      total += kept * mean;
      kept = Math.ceil(kept * KEEP);
    }
    return total;
  };
  let n = 1;
  while (n < MAX_CANDIDATES && expected(n + 1) <= halvingBudget) n++;
  const seedBudget = trainingBudget - expected(n);
  const meanFull = costs[2].slice(0, n).reduce((a, b) => a + b, 0) / n;
  const seedRuns = Math.max(0, Math.floor(seedBudget / meanFull));
  return { plan: { candidates: n, seedRuns, seedSeconds: seedBudget, neighbourSeconds, plannedSeconds: neighbourSeconds + expected(n) + seedBudget }, pool: all.slice(0, n) };
}

export async function tune(train: RatingsDataset, valid: RatingsDataset, o: TuneOptions): Promise<TuneResult> {
  if (valid.ratings.length === 0) throw new Error('tune needs a validation split to choose by: give --valid or --valid-pct');
  const startedAt = o.startedAt ?? performance.now();
  const deadline = startedAt + (o.budgetSeconds - stopMargin(o.budgetSeconds)) * 1000;
  const shape = { ratings: train.ratings.length, users: userCount(train), items: itemCount(train) };
  const cost = o.cost ?? MEASURED_COST;
  const withNeighbours = o.neighbours ?? true;
  const { plan, pool } = planTune(shape, o.budgetSeconds, o.seed, cost, withNeighbours ? estimateNeighbourSeconds(train, cost) : 0);

  const runs: TunedRun[] = [];
  let cancelled = false;
  let budgetHit = false;
  const halvingRuns = plan.candidates + Math.ceil(plan.candidates * KEEP) + Math.ceil(Math.ceil(plan.candidates * KEEP) * KEEP);
  // The seed stage's count is known when it starts (seedRuns below); until then, the plan's.
  let total = halvingRuns + plan.seedRuns;
  // The time left is paced by the plan's estimates, not epochs: cheap fused runs go first.
  const estimate = (c: TuneCandidate) => estimateRunSeconds(c.config, shape, cost, c.engine);
  const clock = new PaceClock(pool.reduce((n, c) => n + estimate(atRung(c, 0)), 0));
  const cancel = () => o.signal?.aborted ?? false;
  const overBudget = () => performance.now() > deadline;
  const shouldStop = () => cancel() || overBudget();
  // First: they take about a second, and a tune the budget cuts short in rung 0 still blends with them.
  const neighbours = withNeighbours ? fitNeighbourMembers(train, valid, shouldStop) : [];

  /** Trains the configs in order; false once the budget or Cancel ended the tune. */
  const trainAll = async (configs: TuneCandidate[], stage: TuneStage, labels: string[]): Promise<TrainedRun[] | null> => {
    const done: TrainedRun[] = [];
    for (const [i, { engine, config }] of configs.entries()) {
      if (shouldStop()) break;
      o.onProgress?.(clock.progress(runs.length, total, labels[i]));
      const r = await trainRun(train, valid, config, { id: `r${runs.length + 1}`, label: labels[i], keepParams: o.keepParams, shouldStop, engine });
      if (r.run.stopped?.kind === 'cancelled') break;
      clock.finished(estimate({ engine, config }));
      runs.push({ ...r, stage });
      done.push(r);
      o.onRun?.(r, stage);
    }
    if (!shouldStop()) return done;
    cancelled = cancel();
    budgetHit = !cancelled;
    return null;
  };

  /** Per candidate: the furthest rung it reached and its valid RMSE there. */
  const reached = new Map<number, { rung: number; rmse: number }>();
  {
    let survivors = pool.map((candidate, index) => ({ candidate, index }));
    for (let rung = 0; rung < RUNG_EPOCHS.length && survivors.length > 0; rung++) {
      // Cheapest first (by the plan's estimate, so the order is the same anywhere): which runs go on
      // depends only on their RMSEs, so the order changes no answer of a whole plan, but a tune the
      // budget cuts short has trained as many candidates as it could — fused ones, mostly.
      survivors = survivors.map((s) => ({ s, c: estimate(atRung(s.candidate, rung)) })).sort((a, b) => a.c - b.c || a.s.index - b.s.index).map(({ s }) => s);
      const configs = survivors.map((s) => atRung(s.candidate, rung));
      if (rung > 0) clock.queued(configs.reduce((n, c) => n + estimate(c), 0));
      const trained = await trainAll(configs, `rung ${rung}` as TuneStage, survivors.map((s) => `rung ${rung} #${s.index + 1}`));
      if (!trained) break;
      survivors.forEach((s, i) => reached.set(s.index, { rung, rmse: trained[i].run.validRmse ?? Infinity }));
      if (rung === RUNG_EPOCHS.length - 1) {
        const queued = (configs: TuneCandidate[]) => {
          total = halvingRuns + configs.length;
          clock.queued(configs.reduce((n, c) => n + estimate(c), 0));
        };
        await seedRuns(seedSettings(pool, reached), plan.seedSeconds, o.seed, estimate, queued, trainAll);
        break;
      }
      const ranked = survivors.map((s, i) => ({ ...s, rmse: trained[i].run.validRmse ?? Infinity }))
        .sort((a, b) => a.rmse - b.rmse || a.index - b.index);
      survivors = ranked.slice(0, Math.ceil(ranked.length * KEEP));
    }
  }
  o.onProgress?.(clock.progress(runs.length, total, null));
  const bestSingle = bestRun(runs.map((r) => r.run));
  return {
    plan, runs, neighbours, cancelled, budgetHit, bestSingle,
    // Rung 0's quarter-length runs are left out, except the best single run (so the blend is never worse than
    // it) — unless the budget ended the tune in rung 0, when they are all it has.
    bestBlend: blendOf(runs.some((r) => r.stage !== 'rung 0') ? runs.filter((r) => r.stage !== 'rung 0' || r.run === bestSingle) : runs, neighbours, valid, o.blendWeights ?? 'ridge'),
    seconds: (performance.now() - startedAt) / 1000,
  };
}

type TrainAll = (configs: TuneCandidate[], stage: TuneStage, labels: string[]) => Promise<TrainedRun[] | null>;
type Indexed = { candidate: TuneCandidate; index: number };

/**
 * What the seed runs repeat, in turn: the best TOP_FINALS of the last rung, then the best
 * candidate of each other family — engine and model kind — (furthest rung first, then lowest
 * RMSE), at all its epochs.
 */
function seedSettings(pool: TuneCandidate[], reached: Map<number, { rung: number; rmse: number }>): Indexed[] {
  const ranked = [...reached.entries()]
    .sort(([i, a], [j, b]) => b.rung - a.rung || a.rmse - b.rmse || i - j)
    .map(([index]) => ({ candidate: pool[index], index }));
  const chosen = ranked.slice(0, TOP_FINALS);
  for (const c of ranked) {
    if (!chosen.some((x) => familyOf(x.candidate) === familyOf(c.candidate))) chosen.push(c);
  }
  return chosen;
}

/**
 * The settings given, in turn, with seeds seed+1, seed+2, …, while each run's estimate fits
 * what is left of `seconds`: a setting that does not fit drops out and the others go on.
 */
async function seedRuns(
  settings: Indexed[], seconds: number, seed: number, estimate: (c: TuneCandidate) => number,
  queued: (configs: TuneCandidate[]) => void, trainAll: TrainAll,
): Promise<void> {
  const configs: TuneCandidate[] = [];
  const labels: string[] = [];
  let left = seconds;
  let active = settings;
  for (let round = 1; active.length > 0 && configs.length < MAX_SEED_RUNS; round++) {
    const s = (seed + round) >>> 0;
    const fitted: Indexed[] = [];
    for (const from of active) {
      const c = { ...from.candidate, config: { ...from.candidate.config, seed: s } };
      const cost = estimate(c);
      if (cost > left || configs.length >= MAX_SEED_RUNS) continue;
      left -= cost;
      configs.push(c);
      labels.push(`#${from.index + 1}, seed ${s}`);
      fitted.push(from);
    }
    active = fitted;
  }
  if (configs.length === 0) return;
  queued(configs);
  await trainAll(configs, 'seeds', labels);
}

/**
 * Fitted weights over the kNN members and at most MAX_BLEND of the runs given (those that
 * trained at least half their epochs): each family's best in turn, then each family's second
 * best, and so on, so a family that is worse alone but errs differently (ratings as classes,
 * the fused kernel's) is not crowded out by thirty near-copies of the best one.
 */
function blendOf(runs: TrainedRun[], neighbours: readonly NeighbourMember[], valid: RatingsDataset, weights: 'ridge' | 'fitted'): Blend | null {
  const usable = runs
    .filter((r) => r.validPredictions !== null && Number.isFinite(r.run.validRmse))
    .sort((a, b) => a.run.validRmse! - b.run.validRmse!);
  const families = new Map<string, TrainedRun[]>();
  for (const r of usable) {
    const family = familyOf({ engine: r.run.engine, config: r.run.settings });
    families.set(family, [...(families.get(family) ?? []), r]);
  }
  const pool: TrainedRun[] = [];
  for (let place = 0; pool.length < Math.min(MAX_BLEND, usable.length); place++) {
    for (const members of families.values()) if (place < members.length && pool.length < MAX_BLEND) pool.push(members[place]);
  }
  const inputs = [...neighbours.map((m) => ({ id: m.id, predictions: m.validPredictions })), ...pool.map((r) => ({ id: r.run.id, predictions: r.validPredictions! }))];
  if (inputs.length === 0) return null;
  const convex = blend(inputs, valid.ratings, 'fitted');
  const ridge = weights === 'ridge' ? blend(inputs, valid.ratings, 'ridge') : null;
  // The convex fit is never worse than its best member; ridge, pulled towards 0 by λ, could be on few members.
  const { predictions: _, ...b } = ridge && ridge.validRmse < convex.validRmse ? ridge : convex;
  return b;
}
