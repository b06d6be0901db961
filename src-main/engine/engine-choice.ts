/**
 * Which engine trains (issue 11 item 5): the fused WebAssembly kernel for the factor models on
 * big data, ONNX Runtime otherwise. Pure and in the engine layer, so the CLI's --engine, the
 * app's Engine setting and the benchmark all choose by this one rule and tests pin it; each
 * caller names the request in its own words (RequestWords).
 */
import { fusedUnsupported } from './fused/index.ts';
import type { EngineName, EngineRequest, TrainConfig } from './types.ts';

export { ENGINE_REQUESTS, type EngineName, type EngineRequest } from './types.ts';

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

/** How a caller names a forced request ("--engine fused", "Engine: fused"), and what to choose instead of a refused one. */
export interface RequestWords {
  asked(engine: EngineName): string;
  /** e.g. "use --engine onnx or auto". */
  instead: string;
}

/** Why the fused engine cannot train `config`, or null when it can (default: the fused engine's own rule, fusedUnsupported). */
export type FusedSupport = (config: TrainConfig) => string | null;

/**
 * The engine for `config` on `ratingCount` training ratings. Throws an Error whose message is
 * the refusal, in `words`, when fused is forced on a configuration the fused engine cannot train.
 */
export function chooseEngine(config: TrainConfig, ratingCount: number, requested: EngineRequest, words: RequestWords, unsupported: FusedSupport = fusedUnsupported): EngineChoice {
  const why = unsupported(config);
  if (requested === 'onnx') return { engine: 'onnx', reason: words.asked('onnx') };
  if (requested === 'fused') {
    if (why) throw new Error(`${words.asked('fused')}: ${why}; ${words.instead}`);
    return { engine: 'fused', reason: words.asked('fused') };
  }
  if (why) return { engine: 'onnx', reason: why };
  const count = ratingCount.toLocaleString('en-US');
  const crossover = FUSED_CROSSOVER_RATINGS.toLocaleString('en-US');
  return ratingCount >= FUSED_CROSSOVER_RATINGS
    ? { engine: 'fused', reason: `${count} ratings, at least ${crossover}: the fused kernel is faster` }
    : { engine: 'onnx', reason: `${count} ratings, under ${crossover}: ONNX Runtime is as fast` };
}
