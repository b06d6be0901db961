/**
 * The settings a tune searches, as seeded draws: the engine, model (dotbias, dot, nn, ratings as
 * classes), k, lr, wd, optimizer, batch size, epochs and y_range. The first candidates are the
 * recipes we measured best (recipes.ts), so a tune with room for them never does worse than
 * those; the rest are drawn around them — wide enough to find something else, not so wide that
 * most draws are wasted (lr and wd log-uniform over about a decade; SGD and momentum at their
 * own rates).
 *
 * Half the factor-model draws train in the fused kernel (run.ts), about 50× cheaper a run than
 * ONNX Runtime on ml-100k, at the per-rating optimizer's own rates: its singles are a little
 * worse (0.898 against 0.892 on the random split), but its per-update L2 (frequent rows held
 * back more) and per-row AdaGrad err differently, which a blend uses, and it costs the budget
 * next to nothing.
 */
import { mulberry32 } from '../../data/random.ts';
import { autoRecRecipe, bestDotBias, classesMember, fastbookRecipe, nnRecipe } from '../train/recipes.ts';
import type { ModelKind, OptimizerKind, TrainConfig } from '../types.ts';
import type { RunEngine } from './run.ts';

/** One configuration a tune may train, and the engine it trains in. */
export interface TuneCandidate {
  engine: RunEngine;
  config: TrainConfig;
}

type Rand = () => number;

const pick = <T>(rand: Rand, choices: readonly T[]): T => choices[Math.floor(rand() * choices.length)];
const logUniform = (rand: Rand, lo: number, hi: number): number => Number((lo * (hi / lo) ** rand()).toPrecision(2));
const intBetween = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

/** Weighted by how often each did well in our measurements (recipes.ts). */
const MODELS: readonly ModelKind[] = ['dotbias', 'dotbias', 'dotbias', 'dotbias', 'dotbias', 'dotbias', 'classes', 'classes', 'nn', 'dot'];
const OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'adam', 'adam', 'adam', 'adam', 'adam', 'adam', 'adam', 'momentum', 'sgd'];
const FACTORS = [16, 24, 32, 40, 50, 64, 80, 100, 128];
const BATCH_SIZES = [32, 48, 64, 64, 64, 96, 128, 256];
const Y_RANGES: readonly ([number, number] | null)[] = [[0, 5.5], [0.8, 5.2], [0.8, 5.2], [0.5, 5.5], [1, 5], null];
const LAYERS = [[50], [100], [100], [200], [200, 100]];

/**
 * The fused kernel's best on ml-100k (random split, seed 42): bestDotBias' model with per-row
 * AdaGrad at peak lr 0.3, per-update L2 0.25, 10 epochs — valid 0.8979 (wd 0.2: 0.9002, 0.3: 0.9003).
 */
export function fusedRecipe(seed: number): TrainConfig {
  const r = bestDotBias(seed);
  return { ...r, epochs: 10, optim: { ...r.optim, lr: 0.3, wd: 0.25 } };
}

/** The measured recipes, with the tune's seed: tried first. */
export function seededCandidates(seed: number): TuneCandidate[] {
  const slow = bestDotBias(seed);
  const onnx = (config: TrainConfig): TuneCandidate => ({ engine: 'onnx', config });
  return [
    // First: it costs the plan next to nothing, so even the smallest budget has it.
    { engine: 'fused', config: fusedRecipe(seed) },
    onnx(bestDotBias(seed)),
    // bestDotBias at a lower rate for longer: 0.8918 on the random split, 0.9121 on u1.
    onnx({ ...slow, epochs: 7, optim: { ...slow.optim, lr: 3e-3 } }),
    onnx(classesMember(seed)),
    onnx({ ...nnRecipe(), seed }),
    // The best single model we measured (0.8855 random split, 0.9060 u1) and the blend's most different member, at ~15 s a run on
    // ml-100k: last, so a budget too small for it keeps the cheaper recipes. Not drawn: two or three of it would take the budget.
    onnx(autoRecRecipe(seed)),
  ];
}

/** Share of the factor-model draws that train in the fused kernel. */
const FUSED_SHARE = 0.5;
/** The fused per-rating optimizers: libmf's AdaGrad (the optim's 'adam' maps to it), or plain SGD. */
const FUSED_OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'adam', 'adam', 'sgd'];
const FUSED_FACTORS = [8, 16, 32, 50, 64, 100, 128, 200];

/** One random candidate. */
export function drawCandidate(rand: Rand, seed: number): TuneCandidate {
  const kind = pick(rand, MODELS);
  const network = kind === 'nn' || kind === 'classes';
  if (!network && rand() < FUSED_SHARE) return { engine: 'fused', config: drawFused(rand, seed, kind) };
  return { engine: 'onnx', config: drawOnnx(rand, seed, kind) };
}

function drawOnnx(rand: Rand, seed: number, kind: ModelKind): TrainConfig {
  const base = fastbookRecipe(64);
  const optimizer = pick(rand, OPTIMIZERS);
  const network = kind === 'nn' || kind === 'classes';
  const lr = optimizer === 'adam' ? logUniform(rand, 1.5e-3, 1.2e-2) : logUniform(rand, 0.02, 0.3);
  // Decoupled wd shrinks each weight by lr·wd a batch: at SGD's rates Adam's wd range took 3–6 % a batch, the
  // weights decayed into subnormal floats (valid 1.12, the mean) and such a run took 25–33 s instead of ~1 s
  // (ml-100k, r90 tune). SGD and momentum get a wd with about Adam's lr·wd (one draw either way: the other
  // draws stay the same).
  const [wdLo, wdHi] = optimizer !== 'adam' ? [0.001, 0.01] : network ? [0.05, 0.4] : [0.04, 0.3];
  const wd = logUniform(rand, wdLo, wdHi);
  const yRange = pick(rand, Y_RANGES);
  return {
    ...base,
    seed,
    epochs: network ? intBetween(rand, 4, 10) : intBetween(rand, 3, 12),
    batchSize: pick(rand, BATCH_SIZES),
    model: {
      ...base.model,
      kind,
      factors: pick(rand, FACTORS),
      yRange: kind === 'classes' ? base.model.yRange : yRange,
      layers: network ? pick(rand, LAYERS) : base.model.layers,
      dropout: network ? pick(rand, [0, 0, 0.1, 0.2]) : 0,
    },
    optim: { ...base.optim, optimizer, lr, wd },
  };
}

/** A fused candidate: the per-rating rates measured around fusedRecipe (AdaGrad 0.1–0.5, wd 0.15–0.4; SGD 0.005–0.03). */
function drawFused(rand: Rand, seed: number, kind: ModelKind): TrainConfig {
  const base = fusedRecipe(seed);
  const optimizer = pick(rand, FUSED_OPTIMIZERS);
  const lr = optimizer === 'adam' ? logUniform(rand, 0.1, 0.5) : logUniform(rand, 0.005, 0.03);
  const wd = optimizer === 'adam' ? logUniform(rand, 0.15, 0.4) : logUniform(rand, 0.03, 0.15);
  return {
    ...base,
    epochs: intBetween(rand, 6, 30),
    model: { ...base.model, kind, factors: pick(rand, FUSED_FACTORS), yRange: pick(rand, Y_RANGES) },
    optim: { ...base.optim, optimizer, lr, wd },
  };
}

/** The tune's candidate list for a seed: the recipes, then draws up to `count`. */
export function candidates(seed: number, count: number): TuneCandidate[] {
  const rand = mulberry32(seed ^ 0x7a3d1f05);
  const list = seededCandidates(seed).slice(0, count);
  while (list.length < count) list.push(drawCandidate(rand, seed));
  return list;
}
