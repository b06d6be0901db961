/**
 * Which engine trains (issue 11 item 5): the fused WebAssembly kernel for the factor models on
 * big data, ONNX Runtime otherwise. Pure, so the CLI, the app's settings and the benchmark all
 * choose the same way and tests pin the rule.
 */
import { fusedUnsupported } from '../engine/fused/index.ts';
import type { TrainConfig } from '../engine/types.ts';

export const ENGINE_REQUESTS = ['auto', 'onnx', 'fused'] as const;
/** What --engine asks for; 'auto' lets chooseEngine decide. */
export type EngineRequest = (typeof ENGINE_REQUESTS)[number];
export type EngineName = Exclude<EngineRequest, 'auto'>;

/**
 * Rating count from which 'auto' picks the fused engine for a factor model. Provisional: a
 * placeholder until the 1M / 5M / 25M runs of `npm run bench -- --scale` measure where the fused
 * engine starts to beat ONNX Runtime, which then sets it.
 */
export const FUSED_CROSSOVER_RATINGS = 1_000_000;

export interface EngineChoice {
  engine: EngineName;
  /** One line for the CLI output and the status line: why this engine. */
  reason: string;
}

/** Why the fused engine cannot train `config`, or null when it can (default: the fused engine's own rule, fusedUnsupported). */
export type FusedSupport = (config: TrainConfig) => string | null;

/**
 * The engine for `config` on `ratingCount` training ratings. Throws an Error whose message is
 * the refusal when --engine fused is forced on a configuration the fused engine cannot train.
 */
export function chooseEngine(config: TrainConfig, ratingCount: number, requested: EngineRequest = 'auto', unsupported: FusedSupport = fusedUnsupported): EngineChoice {
  const why = unsupported(config);
  if (requested === 'onnx') return { engine: 'onnx', reason: '--engine onnx' };
  if (requested === 'fused') {
    if (why) throw new Error(`--engine fused: ${why}; use --engine onnx or auto`);
    return { engine: 'fused', reason: '--engine fused' };
  }
  if (why) return { engine: 'onnx', reason: why };
  const count = ratingCount.toLocaleString('en-US');
  const crossover = FUSED_CROSSOVER_RATINGS.toLocaleString('en-US');
  return ratingCount >= FUSED_CROSSOVER_RATINGS
    ? { engine: 'fused', reason: `${count} ratings, at least ${crossover}: the fused kernel is faster` }
    : { engine: 'onnx', reason: `${count} ratings, under ${crossover}: ONNX Runtime is as fast` };
}
