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
 * Rating count from which 'auto' picks the fused engine for a factor model. Measured
 * (`npm run bench -- --scale`, k 50, 10 epochs, whole runs): at 1M the fused engine is both faster
 * and better, 1.1 s and valid RMSE 0.8437 against ONNX Runtime's 3.3 s and 0.8590 (5M: 2.6 s,
 * 0.7016 against 10.3 s, 0.7528); on ml-100k's 90k ratings ONNX Runtime's fastbook recipe is the
 * better model (0.8935 against the fused engine's 0.9011 in 0.3 s), and fast enough (~3.5 s).
 * Between the two the choice is speed against ~0.01 of RMSE; 1M keeps the fastbook result for
 * data of ml-100k's and ml-1m's size.
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
