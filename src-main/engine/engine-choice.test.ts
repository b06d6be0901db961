import { describe, expect, it } from 'vitest';
import type { TrainConfig } from './types.ts';
import { CLI_ENGINE_WORDS, parseTrainArgs } from '../cli/args.ts';
import { chooseEngine as choose, type EngineRequest, FUSED_CROSSOVER_RATINGS, type FusedSupport, type RequestWords } from './engine-choice.ts';

const chooseEngine = (config: TrainConfig, ratings: number, requested: EngineRequest = 'auto', unsupported?: FusedSupport, words: RequestWords = CLI_ENGINE_WORDS) =>
  choose(config, ratings, requested, words, unsupported);
const configOf = (...flags: string[]) => parseTrainArgs(['r.csv', ...flags])!.config;

// Issue 11 item 5: auto picks the fused kernel for factor models from the crossover on.
describe('chooseEngine', () => {
  it('auto: fused for dot and dotbias (with or without a y range) at and above the crossover, ONNX below', () => {
    for (const flags of [[], ['--model', 'dot'], ['--y-range', 'none'], ['--model', 'dot', '--y-range', '1,5']]) {
      expect(chooseEngine(configOf(...flags), FUSED_CROSSOVER_RATINGS).engine).toBe('fused');
      expect(chooseEngine(configOf(...flags), 25_000_000, 'auto').engine).toBe('fused');
      expect(chooseEngine(configOf(...flags), FUSED_CROSSOVER_RATINGS - 1).engine).toBe('onnx');
    }
    expect(chooseEngine(configOf(), 100_000).reason).toBe('100,000 ratings, under 1,000,000: ONNX Runtime is as fast');
    expect(chooseEngine(configOf(), 25_000_000).reason).toBe('25,000,000 ratings, at least 1,000,000: the fused kernel is faster');
  });

  it('auto: the neural and classes models, L-BFGS and a GPU stay in ONNX Runtime at any size, saying why', () => {
    expect(chooseEngine(configOf('--model', 'nn'), 25_000_000)).toEqual({ engine: 'onnx', reason: 'the neural model trains in ONNX Runtime' });
    expect(chooseEngine(configOf('--model', 'classes'), 25_000_000).reason).toBe('the ratings-as-classes model trains in ONNX Runtime');
    expect(chooseEngine(configOf('--optimizer', 'lbfgs'), 25_000_000).engine).toBe('onnx');
    expect(chooseEngine(configOf('--device', 'cuda'), 25_000_000).engine).toBe('onnx');
  });

  it('forced: onnx always; fused whatever the size, refused in plain words for a model it cannot train', () => {
    expect(chooseEngine(configOf('--model', 'nn'), 25_000_000, 'onnx').engine).toBe('onnx');
    expect(chooseEngine(configOf(), 100, 'fused')).toEqual({ engine: 'fused', reason: '--engine fused' });
    expect(() => chooseEngine(configOf('--model', 'nn'), 25_000_000, 'fused'))
      .toThrow('--engine fused: the neural model trains in ONNX Runtime; use --engine onnx or auto');
  });

  it("takes the fused engine's own support rule when given one", () => {
    const never = () => 'not built here';
    expect(chooseEngine(configOf(), 25_000_000, 'auto', never)).toEqual({ engine: 'onnx', reason: 'not built here' });
  });

  it('names a request in the words of whoever asked (the app says Engine: …)', () => {
    const app: RequestWords = { asked: (e) => `Engine ${e}`, instead: 'choose auto or ONNX Runtime' };
    expect(chooseEngine(configOf(), 100, 'fused', undefined, app)).toEqual({ engine: 'fused', reason: 'Engine fused' });
    expect(() => chooseEngine(configOf('--model', 'nn'), 100, 'fused', undefined, app)).toThrow('Engine fused: the neural model trains in ONNX Runtime; choose auto or ONNX Runtime');
  });
});
