/**
 * ONNX Runtime sessions: the only onnxruntime-node import in the project.
 *
 * Runs are synchronous. onnxruntime-node's public `session.run` is a synchronous native call
 * wrapped in a Promise after a setImmediate hop; the trainer's contract has synchronous
 * evaluate/predict/snapshot, and the epoch loop yields to the event loop on its own schedule
 * (trainer.ts), so we call the native session object directly. It is the same object the public
 * API wraps (onnxruntime-node/dist/binding.js, typed by the package); the package version is
 * pinned exactly in package.json, and runtime/session.test.ts exercises this path.
 *
 * Threads: intra-op threads are set deliberately, inter-op to 1 (our graphs are chains), and
 * spinning is off so idle pool threads do not steal the core the TypeScript optimizer step needs.
 */
import ort from 'onnxruntime-node';
import { binding, initOrt } from 'onnxruntime-node/dist/binding.js';
import type { Device } from '../types.ts';

/** A tensor fed to or returned by a session. Wraps a typed array without copying. */
export type TensorHandle = ort.Tensor;
export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array;

/** Strings only for a serving model's ids (training feeds numbers). */
export function tensor(data: TensorArray | readonly string[], dims: readonly number[]): TensorHandle {
  return isStrings(data) ? new ort.Tensor('string', [...data], dims) : new ort.Tensor(data, dims);
}
const isStrings = (data: TensorArray | readonly string[]): data is readonly string[] => Array.isArray(data);

export interface SessionConfig {
  /** Intra-op threads (1 on a 2-core machine leaves a core for the TS step; see measurements). */
  threads: number;
  device: Device;
}

export interface Session {
  /** The device the session actually runs on. */
  readonly device: Device;
  /** Why the requested device was not used (null when it was). */
  readonly notice: string | null;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs the model. `fetches` maps each wanted output to a pre-allocated tensor of the exact
   * output shape (written in place: no allocation) or to null (ORT allocates a new one).
   */
  run(feeds: Readonly<Record<string, TensorHandle>>, fetches: Readonly<Record<string, TensorHandle | null>>): Record<string, TensorHandle>;
  dispose(): void;
}

const PROVIDER: Record<Device, string> = { cpu: 'cpu', cuda: 'cuda', webgpu: 'webgpu' };
const NO_RUN_OPTIONS = {};

/** Devices this onnxruntime-node build knows; 'bundled: false' ones need a separate download. */
export function deviceSupport(): { device: Device; bundled: boolean }[] {
  const known = binding.listSupportedBackends();
  return (Object.keys(PROVIDER) as Device[]).flatMap((device) => {
    const b = known.find((k) => k.name === PROVIDER[device]);
    return b ? [{ device, bundled: b.bundled }] : [];
  });
}

/**
 * Creates a session on the requested device, or on the CPU with a notice saying why not. A bad
 * model (a bug of ours) still throws.
 */
export function createSession(model: Uint8Array, config: SessionConfig): Session {
  if (!Number.isInteger(config.threads) || config.threads < 1) {
    throw new Error(`threads must be a positive integer, got ${config.threads}`);
  }
  if (config.device !== 'cpu') {
    try {
      return open(model, config.threads, config.device, null);
    } catch (e) {
      return open(model, config.threads, 'cpu', deviceNotice(config.device, e));
    }
  }
  return open(model, config.threads, 'cpu', null);
}

/** Why a device could not be used, for the user: ONNX Runtime's reason without its source paths, and what to do. */
function deviceNotice(device: Device, error: unknown): string {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  // "/onnxruntime_src/…/webgpu_context.cc:136 …<lambda()> … was false. Failed to get a WebGPU adapter: …": the last sentence says it.
  const plain = first.startsWith('/') && first.includes('. ') ? first.slice(first.lastIndexOf('. ') + 2) : first.replace(/^Ort\w+: /, '');
  const why = device === 'cuda' && /failed to load shared library/i.test(plain)
    ? 'this install has no CUDA libraries: onnxruntime-node downloads them only when asked, and they need an NVIDIA driver'
    : plain;
  return `The ${device} device is not available here (${why}): training runs on the CPU instead. Choose device cpu to train there without this notice.`;
}

function open(model: Uint8Array, threads: number, device: Device, notice: string | null): Session {
  // ONNX Runtime's own log goes to stderr as raw C++ text ("[E:onnxruntime:… provider_bridge_ort.cc …]"
  // for a missing CUDA library); what matters reaches the user as an exception or the notice.
  ort.env.logLevel = 'fatal';
  initOrt();
  const native = new binding.InferenceSession();
  native.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
    executionProviders: [PROVIDER[device]],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return {
    device,
    notice,
    inputNames: native.inputMetadata.map((m) => m.name),
    outputNames: native.outputMetadata.map((m) => m.name),
    run: (feeds, fetches) => native.run(feeds, fetches, NO_RUN_OPTIONS) as Record<string, TensorHandle>,
    dispose: () => native.dispose(),
  };
}
