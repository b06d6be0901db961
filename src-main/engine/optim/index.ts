/**
 * The TS gradient step: fastai-style optimizers built from small steppers, schedules as pure
 * functions of training progress, and L-BFGS for the full-batch "Solve".
 *
 * Mini-batch use (the trainer):
 *   const opt = createOptimizer(params, config.optim, { mode: 'lazy' });
 *   const sched = schedulesFor(config.optim.schedule, config.optim.lr, opt.hypers.mom);
 *   for each batch i of total n:                 // pos = i / n, fastai's pct_train
 *     applySchedules(opt, sched, i / n);
 *     opt.step(grads);                           // grads[j] belongs to params[j]; dense or sparse
 *
 * Full-batch use: `new Lbfgs(x0, evaluate)` with `flatLength/packParams/unpackParams` to move
 * between the parameter tables and the flat float64 vector L-BFGS works on; `await lbfgs.step()`
 * runs one iteration (direction + line search) so the UI can stream each one.
 */

export type {
  Param, SparseGrad, Grad, UpdateMode, Hypers, StepContext, Stepper, OptimizerState,
} from './types.ts';
export { Optimizer } from './optimizer.ts';
export { JsBackend, type StepBackend, type RowSums } from './backend.ts';
export {
  weightDecay, l2Reg, averageGrad, averageSqrGrad, sgdStep, momentumStep, adamStep, fusedAdam,
} from './steppers.ts';
export {
  createOptimizer, createBackend, adamSteppers, FASTAI_ADAM, type OptimizerChoice, type OptimizerOptions, type WasmPlacement,
} from './presets.ts';
export {
  type Schedule, type HyperSchedules, schedConst, schedLin, schedCos, schedExp, combineScheds, oneCycle,
  schedulesFor, applySchedules,
} from './schedule.ts';
export {
  Lbfgs, type Evaluate, type LbfgsOptions, type LbfgsIteration, type LbfgsConvergence,
} from './lbfgs.ts';
export { flatLength, packParams, unpackParams, packGrads } from './flat.ts';
