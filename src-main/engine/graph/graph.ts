/**
 * The graph builder: value handles that know their dtype and shape eagerly (so a wrong shape
 * fails where the op is written, not inside ONNX Runtime), nodes with deterministic names, and
 * typed attributes. Ops (ops.ts) create nodes through `Graph.apply`; serialize.ts turns a graph
 * into ONNX bytes. One output per node keeps the autodiff walk a plain reverse loop.
 */

/** 'string' only as a graph input or output (a serving model's original ids); no string constants. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'string';
export type FloatType = 'float32' | 'float64';
/** A static size, or a symbolic one ('B' for the batch, 'n_users'…) resolved at run time. */
export type Dim = number | string;
export type Shape = readonly Dim[];

export const isFloat = (d: DType): d is FloatType => d === 'float32' || d === 'float64';

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Data of an initializer (a constant baked into the model). */
export interface ConstTensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: readonly string[] }
  | { kind: 'dtype'; value: DType }
  | { kind: 'tensor'; value: ConstTensor };
export type Attrs = Readonly<Record<string, Attr>>;

/** A lazily built gradient: rules return thunks so that only inputs on the loss path get nodes. */
export type GradThunk = () => Value;
/**
 * A gradient rule: given the gradient of the node's output, one entry per input — a thunk
 * building that input's gradient, or null where the input is not differentiable (indices,
 * shapes, conditions).
 */
export type GradRule = (g: Value, node: Node) => ReadonlyArray<GradThunk | null>;

export interface OpDef {
  readonly type: string;
  /** The operator set the op belongs to; absent: the default ONNX domain ('ai.onnx.ml' for LabelEncoder). */
  readonly domain?: string;
  /** Output dtype and shape from the inputs; throws with a message naming the op on misuse. */
  infer(inputs: readonly Value[], attrs: Attrs): { dtype: DType; shape: Shape };
  /** null: no rule (the autodiff walk throws naming this op if it lies on the loss path). */
  readonly grad: GradRule | null;
}

export interface Node {
  readonly op: OpDef;
  readonly name: string;
  readonly inputs: readonly Value[];
  readonly attrs: Attrs;
  readonly output: Value;
}

export class Value {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    /** The node producing this value; null for graph inputs and constants. */
    readonly node: Node | null,
    /** Initializer data for constants; null otherwise. */
    readonly constant: ConstTensor | null,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `${this.name}: ${this.dtype}[${this.shape.join(', ')}]`;
  }
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly constants: Value[] = [];
  private readonly nameCounts = new Map<string, number>();
  private readonly constantCache = new Map<string, Value>();
  /** What `namedConstant` puts before each name now (`scoped`). */
  private namePrefix = '';

  /** `float` is the dtype models build their parameters in: float32 to train, float64 to gradcheck. */
  constructor(readonly float: FloatType = 'float32') {}

  input(name: string, dtype: DType, shape: Shape): Value {
    if (this.inputs.some((v) => v.name === name)) throw new Error(`graph input ${name} declared twice`);
    const v = new Value(this, name, dtype, shape, null, null);
    this.inputs.push(v);
    return v;
  }

  /** A constant; identical constants are shared (one initializer per distinct value). */
  constant(dtype: DType, dims: number[], values: readonly number[]): Value {
    const key = `${dtype}|${dims.join(',')}|${values.join(',')}`;
    const cached = this.constantCache.get(key);
    if (cached) return cached;
    const data = typedArrayOf(dtype, values);
    const v = new Value(this, this.freshName('const'), dtype, dims, null, { dtype, dims, data });
    this.constants.push(v);
    this.constantCache.set(key, v);
    return v;
  }

  /**
   * A named constant holding `data` as given (no copy, no de-duplication): big tables such as a
   * serving model's trained factors, for which `constant`'s value-keyed cache costs seconds.
   */
  namedConstant(unscoped: string, dtype: DType, dims: number[], data: TensorData): Value {
    const name = this.namePrefix + unscoped;
    if (dims.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`constant ${name}: [${dims}] does not hold ${data.length} values`);
    if ([...this.inputs, ...this.constants].some((v) => v.name === name)) throw new Error(`graph name ${name} used twice`);
    const v = new Value(this, name, dtype, dims, null, { dtype, dims, data });
    this.constants.push(v);
    return v;
  }

  /**
   * Runs `build` with `prefix` before every named constant it makes: a blend's members each put
   * their own parameters (all called user_factors…) into one graph.
   */
  scoped<T>(prefix: string, build: () => T): T {
    const outer = this.namePrefix;
    this.namePrefix = outer + prefix;
    try {
      return build();
    } finally {
      this.namePrefix = outer;
    }
  }

  scalar(x: number, dtype: DType = this.float): Value {
    return this.constant(dtype, [], [x]);
  }

  /** A 1-D int64 constant: axes, starts, shapes. */
  ints(values: readonly number[]): Value {
    return this.constant('int64', [values.length], values);
  }

  apply(op: OpDef, inputs: readonly Value[], attrs: Attrs = {}): Value {
    for (const v of inputs) {
      if (v.graph !== this) throw new Error(`${op.type}: input ${v.name} belongs to another graph`);
    }
    const { dtype, shape } = op.infer(inputs, attrs);
    const name = this.freshName(op.type);
    const node: { op: OpDef; name: string; inputs: readonly Value[]; attrs: Attrs; output?: Value } =
      { op, name, inputs, attrs };
    const output = new Value(this, name, dtype, shape, node as Node, null);
    node.output = output;
    this.nodes.push(node as Node);
    return output;
  }

  /** Deterministic names: the op type and a per-type counter, so the same build gives the same bytes. */
  private freshName(prefix: string): string {
    const n = this.nameCounts.get(prefix) ?? 0;
    this.nameCounts.set(prefix, n + 1);
    return `${prefix}_${n}`;
  }
}

export function typedArrayOf(dtype: DType, values: readonly number[]): TensorData {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'int64': return BigInt64Array.from(values, (x) => BigInt(x));
    case 'bool': return Uint8Array.from(values, (x) => (x ? 1 : 0));
    case 'string': throw new Error('string constants are not supported (strings only enter and leave a graph)');
  }
}
