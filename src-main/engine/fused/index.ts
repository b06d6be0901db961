/**
 * The fused engine (issue 11): factor models (dot, dotbias, ± sigmoid_range) trained per rating
 * in a WebAssembly SIMD kernel on shared memory by N threads, beside ONNX Runtime.
 */
export { describeFusedConfig, FUSED_DEFAULTS, FUSED_RUN_WORKERS, FUSED_SGD, type FusedConfig, type FusedModel, type FusedOptimizer, fusedConfigFrom, fusedUnsupported, fusedWdFor } from './config.ts';
export { type FusedHooks, type FusedResult, trainFused } from './trainer.ts';
export { FusedArena } from './arena.ts';
