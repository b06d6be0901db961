/**
 * Checks generated backward graphs against central finite differences, in float64.
 *
 * The analytic gradients are the graph's own outputs, run in ONNX Runtime; the numeric ones come
 * from re-running the loss with each input element nudged by ±h. An embedding's gradient arrives
 * as gathered rows (one per looked-up index); it is summed into table rows here exactly as the
 * optimizer does, so the check covers that path too.
 */
import { type Value, serialize } from '../graph/index.ts';
import { type TensorArray, createSession, tensor } from '../runtime/session.ts';

export interface GradcheckTarget {
  /** A float64 graph input to nudge. */
  input: Value;
  /** The graph value holding dLoss/d(input) — or d(loss)/d(rows) when `rowsIndexedBy` is set. */
  grad: Value;
  /** The gradient is of rows gathered from `input` with these indices (one grad row per index). */
  rowsIndexedBy?: Int32Array;
}

export interface GradcheckSpec {
  loss: Value;
  /** Data for every graph input the loss needs. */
  feeds: ReadonlyMap<Value, TensorArray>;
  targets: readonly GradcheckTarget[];
  /** Finite-difference step (default 1e-6). */
  h?: number;
  /** Values of symbolic dims by name, for inputs with more than one (e.g. { B: 3, n_users: 5 }). */
  dims?: Readonly<Record<string, number>>;
}

export interface GradcheckReport {
  /** Largest |analytic − numeric| / max(|analytic|, |numeric|, floor) over all checked elements. */
  maxRelError: number;
  /** Where it occurred. */
  worst: string;
  checked: number;
}

/**
 * Magnitudes below this are compared on an absolute scale (relError·floor): a gradient of
 * exactly 0 has a numeric estimate at round-off level (~1e-11), which no relative test passes.
 */
const FLOOR = 1e-4;

export function gradcheck(spec: GradcheckSpec): GradcheckReport {
  const { loss, feeds, targets } = spec;
  const h = spec.h ?? 1e-6;
  const graph = loss.graph;
  for (const t of targets) {
    if (t.input.dtype !== 'float64') throw new Error(`gradcheck: ${t.input} must be float64`);
    if (!feeds.has(t.input)) throw new Error(`gradcheck: no data for ${t.input.name}`);
  }
  const inputs = [...feeds.keys()];
  const outputs: Record<string, Value> = { loss };
  targets.forEach((t, i) => (outputs[`grad_${i}`] = t.grad));
  const session = createSession(serialize(graph, { inputs, outputs }), { threads: 1, device: 'cpu' });
  try {
    const feedTensors: Record<string, ReturnType<typeof tensor>> = {};
    for (const [v, data] of feeds) feedTensors[v.name] = tensor(data, staticDims(v, data, spec.dims ?? {}));
    const all = Object.fromEntries(Object.keys(outputs).map((k) => [k, null]));
    const analyticOut = session.run(feedTensors, all);
    const lossOnly = { loss: null };
    const lossAt = () => (session.run(feedTensors, lossOnly).loss.data as Float64Array)[0];

    let maxRelError = 0;
    let worst = 'nothing checked';
    let checked = 0;
    targets.forEach((t, i) => {
      const analytic = tableGradient(t, analyticOut[`grad_${i}`].data as Float64Array, feeds.get(t.input)!.length);
      const x = feeds.get(t.input) as Float64Array;
      for (let j = 0; j < x.length; j++) {
        const keep = x[j];
        x[j] = keep + h;
        const up = lossAt();
        x[j] = keep - h;
        const down = lossAt();
        x[j] = keep;
        const numeric = (up - down) / (2 * h);
        const err = Math.abs(analytic[j] - numeric) / Math.max(Math.abs(analytic[j]), Math.abs(numeric), FLOOR);
        checked++;
        if (!(err <= maxRelError)) {
          maxRelError = err;
          worst = `${t.input.name}[${j}]: analytic ${analytic[j]}, numeric ${numeric}`;
        }
      }
    });
    return { maxRelError, worst, checked };
  } finally {
    session.dispose();
  }
}

/** The table-shaped gradient: the graph output itself, or gathered rows summed per index. */
function tableGradient(t: GradcheckTarget, grad: Float64Array, tableSize: number): Float64Array {
  if (!t.rowsIndexedBy) return grad;
  const idx = t.rowsIndexedBy;
  const width = grad.length / idx.length;
  const out = new Float64Array(tableSize);
  for (let r = 0; r < idx.length; r++) {
    for (let c = 0; c < width; c++) out[idx[r] * width + c] += grad[r * width + c];
  }
  return out;
}

/** Symbolic dims are the named ones given, or resolved from the data length (at most one other symbolic dim per input). */
function staticDims(v: Value, data: TensorArray, named: Readonly<Record<string, number>>): number[] {
  const shape = v.shape.map((d) => (typeof d === 'string' && named[d] !== undefined ? named[d] : d));
  if (shape.filter((d) => typeof d !== 'number').length > 1) throw new Error(`gradcheck: ${v} has several symbolic dims (name them in dims)`);
  const known = shape.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  return shape.map((d) => (typeof d === 'number' ? d : data.length / known));
}
