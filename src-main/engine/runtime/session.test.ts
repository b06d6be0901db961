import { describe, expect, it } from 'vitest';
import { Graph, ops, serialize } from '../graph/index.ts';
import { createSession, deviceSupport, tensor } from './session.ts';

const model = () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['B']);
  return serialize(g, { inputs: [x], outputs: { y: ops.mul(x, 2) } });
};

describe('session', () => {
  it('runs synchronously, writing into a pre-allocated output', () => {
    const s = createSession(model(), { threads: 1, device: 'cpu' });
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
    const out = new Float32Array(3);
    s.run({ x: tensor(Float32Array.from([1, 2, 3]), [3]) }, { y: tensor(out, [3]) });
    expect(Array.from(out)).toEqual([2, 4, 6]);
    s.dispose();
  });

  it('falls back to the CPU with a message when a device cannot be used', () => {
    // This build ships no CUDA provider library (onnxruntime-node's optional download).
    const s = createSession(model(), { threads: 1, device: 'cuda' });
    expect(s.device).toBe('cpu');
    // Issue 13 finding 11: said plainly — which device, why (no ONNX Runtime internals), what runs instead, what to do.
    expect(s.notice).toBe('The cuda device is not available here (this install has no CUDA libraries: onnxruntime-node downloads them ' +
      'only when asked, and they need an NVIDIA driver): training runs on the CPU instead. Choose device cpu to train there without this notice.');
    const y = s.run({ x: tensor(Float32Array.from([1]), [1]) }, { y: null }).y;
    expect(Array.from(y.data as Float32Array)).toEqual([2]);
    s.dispose();
  });

  it('runs on WebGPU where an adapter exists, else on the CPU saying why', () => {
    // onnxruntime-node 1.30 bundles the WebGPU provider (Dawn); this machine has no GPU adapter,
    // a GPU machine does (bench/device-run.sh). Either way the result is the same.
    expect(deviceSupport()).toContainEqual({ device: 'webgpu', bundled: true });
    const s = createSession(model(), { threads: 1, device: 'webgpu' });
    if (s.device === 'cpu') expect(s.notice).toMatch(/^The webgpu device is not available here \([^/:]*: No supported adapters\): training runs on the CPU instead\. Choose device cpu/);
    else expect(s.notice).toBeNull();
    const out = new Float32Array(2);
    s.run({ x: tensor(Float32Array.from([1.5, -2]), [2]) }, { y: tensor(out, [2]) });
    expect(Array.from(out)).toEqual([3, -4]);
    s.dispose();
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => createSession(model(), { threads: 0, device: 'cpu' })).toThrow(/threads must be a positive integer/);
  });
});
