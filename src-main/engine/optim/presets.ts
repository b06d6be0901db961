/**
 * fastai's optimizers as stepper lists (fastai optimizer.py: SGD, Adam; decouple_wd picks
 * weight_decay or l2_reg as the first stepper). Adam's list runs fused (fusedAdam); its unfused
 * form is `adamSteppers`, the reference the fused one is tested against. Given a WasmArena, the
 * same updates run in the WebAssembly SIMD kernel instead (wasm/wasm-backend.ts).
 */
import type { OptimConfig } from '../types.ts';
import { JsBackend, type StepBackend } from './backend.ts';
import { Optimizer } from './optimizer.ts';
import type { WasmArena } from './wasm/arena.ts';
import { WasmBackend } from './wasm/wasm-backend.ts';
import {
  adamStep, averageGrad, averageSqrGrad, fusedAdam, l2Reg, momentumStep, sgdStep, weightDecay,
} from './steppers.ts';
import type { Param, Stepper, UpdateMode } from './types.ts';

/** fastai's Adam defaults (not PyTorch's 0.999 / 1e-8). */
export const FASTAI_ADAM = { mom: 0.9, sqrMom: 0.99, eps: 1e-5 } as const;

export type OptimizerChoice = Pick<OptimConfig, 'optimizer' | 'lr' | 'wd' | 'wdMode'>;

export interface OptimizerOptions {
  /** How sparse gradients update tables (default 'lazy'; see UpdateMode). */
  mode?: UpdateMode;
  mom?: number;
  sqrMom?: number;
  eps?: number;
  /** Where the arithmetic runs (default: the stepper list in TypeScript; see createBackend). */
  backend?: StepBackend;
}

/**
 * The wasm kernel on an arena: params and gradients must be views into it, and the optimizer's
 * state is allocated from it (plan it with wasmBackendPlan). rowsPerStep: the most rows a
 * sparse gradient names (the batch capacity).
 */
export interface WasmPlacement {
  arena: WasmArena;
  rowsPerStep: number;
}

/** fastai Adam as its four pieces (the same math as fusedAdam, one pass per piece). */
export function adamSteppers(wdMode: OptimizerChoice['wdMode']): Stepper[] {
  return [wdMode === 'decoupled' ? weightDecay : l2Reg, averageGrad(true), averageSqrGrad, adamStep];
}

function steppersFor(choice: OptimizerChoice): Stepper[] {
  const decay = choice.wdMode === 'decoupled' ? weightDecay : l2Reg;
  switch (choice.optimizer) {
    case 'sgd':
      return [decay, sgdStep];
    case 'momentum':
      // fastai SGD(mom>0): average_grad without dampening, then momentum_step.
      return [decay, averageGrad(false), momentumStep];
    case 'adam':
      return [fusedAdam(choice.wdMode === 'decoupled')];
    case 'lbfgs':
      throw new Error('L-BFGS is a full-batch method: use Lbfgs, not a stepper optimizer');
  }
}

export function createOptimizer(
  params: readonly Param[], choice: OptimizerChoice, options: OptimizerOptions = {},
): Optimizer {
  const hypers = {
    lr: choice.lr,
    wd: choice.wd,
    mom: options.mom ?? FASTAI_ADAM.mom,
    sqrMom: options.sqrMom ?? FASTAI_ADAM.sqrMom,
    eps: options.eps ?? FASTAI_ADAM.eps,
  };
  const steppers = steppersFor(choice);
  return new Optimizer(params, steppers, hypers, options.mode ?? 'lazy', options.backend ?? new JsBackend(steppers));
}

/** The choice's steppers themselves, or the wasm kernel's equal of them on an arena. */
export function createBackend(choice: OptimizerChoice, wasm?: WasmPlacement): StepBackend {
  if (!wasm) return new JsBackend(steppersFor(choice));
  const kernel = { kind: kernelKind(choice), decoupled: choice.wdMode === 'decoupled' };
  return new WasmBackend(wasm.arena, kernel, wasm.rowsPerStep);
}

/** The kernel update that equals the choice's stepper list. */
export function kernelKind(choice: OptimizerChoice): 'sgd' | 'momentum' | 'adam' {
  if (choice.optimizer === 'lbfgs') throw new Error('L-BFGS is a full-batch method: use Lbfgs, not a stepper optimizer');
  return choice.optimizer;
}
