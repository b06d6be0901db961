/**
 * Parameter initialisation, by name: fastai's truncated normal (std 0.01) or Excel's uniform
 * [0, 1) for embedding tables, PyTorch's nn.Linear defaults for dense layers.
 */
import { normalSampler } from '../../data/random.ts';
import type { InitKind } from '../types.ts';

export type ParamInit =
  /** An embedding table (factors or biases): per the model config's InitKind. */
  | { kind: 'embedding' }
  /** nn.Linear weight: kaiming_uniform_(a=√5), i.e. U(−1/√fanIn, 1/√fanIn). */
  | { kind: 'linear-weight'; fanIn: number }
  /** nn.Linear bias: U(−1/√fanIn, 1/√fanIn). */
  | { kind: 'linear-bias'; fanIn: number };

export function initParam(data: Float32Array, init: ParamInit, embeddingInit: InitKind, rand: () => number): void {
  if (init.kind === 'embedding') {
    if (embeddingInit === 'uniform') uniform(data, 0, 1, rand);
    else truncNormal(data, 0.01, rand);
  } else {
    const bound = 1 / Math.sqrt(init.fanIn);
    uniform(data, -bound, bound, rand);
  }
}

/** fastai trunc_normal_: x.normal_().fmod_(2).mul_(std) — a normal folded into (−2σ, 2σ). */
export function truncNormal(data: Float32Array, std: number, rand: () => number): void {
  const normal = normalSampler(rand);
  for (let i = 0; i < data.length; i++) data[i] = (normal() % 2) * std;
}

export function uniform(data: Float32Array, lo: number, hi: number, rand: () => number): void {
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * rand();
}
