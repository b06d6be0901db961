/**
 * Graph → ONNX ModelProto bytes for InferenceSession.create(Uint8Array). The only onnx-proto
 * import. Only the nodes and constants the requested outputs need are written, so a graph that
 * also holds a training loss can be serialised as a forward-only model.
 */
import onnxProto from 'onnx-proto';
import type { Attr, ConstTensor, DType, Graph, Node, Shape, Value } from './graph.ts';

const onnx = onnxProto.onnx;
type AttributeType = onnxProto.onnx.AttributeProto.AttributeType;

/** Opset 18: ScatterND reduction="add" (≥ 16) and reduce ops taking axes as an input (≥ 18). */
export const OPSET = 18;
/** IR 8 is what opset 18 requires and what onnx-proto 8.0.1 knows. */
const IR_VERSION = 8;
/** Opset versions of the other domains an op may name (ai.onnx.ml 3 was released with opset 18). */
const DOMAIN_OPSETS: Readonly<Record<string, number>> = { 'ai.onnx.ml': 3 };

const DTYPE_CODE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  string: onnx.TensorProto.DataType.STRING,
};

export interface ModelSpec {
  /** Graph inputs in feed order; every input an output needs must be listed. */
  inputs: readonly Value[];
  /** Output name → value. Names are what session.run returns. */
  outputs: Readonly<Record<string, Value>>;
  name?: string;
  /** The model's doc_string and metadata_props: what a model viewer (Netron) and onnx.load show. */
  doc?: string;
  metadata?: Readonly<Record<string, string>>;
}

export function serialize(graph: Graph, spec: ModelSpec): Uint8Array {
  const outputEntries = Object.entries(spec.outputs);
  if (outputEntries.length === 0) throw new Error('serialize: no outputs');
  const needed = neededNodes(graph, outputEntries.map(([, v]) => v));
  const listed = new Set(spec.inputs);
  const constants = new Set<Value>();
  for (const node of needed) {
    for (const v of node.inputs) {
      if (v.constant) constants.add(v);
      else if (!v.node && !listed.has(v)) throw new Error(`serialize: input ${v.name} is used but not listed`);
    }
  }
  for (const [, v] of outputEntries) if (!v.node && !v.constant && !listed.has(v)) {
    throw new Error(`serialize: output ${v.name} is an unlisted input`);
  }

  // A node's output is renamed to the public name (an Identity would copy it, e.g. a [B, k]
  // gradient, on every run). Graph inputs, constants and values output twice get an Identity.
  const rename = new Map<string, string>();
  const identities: ReturnType<typeof onnx.NodeProto.create>[] = [];
  for (const [name, v] of outputEntries) {
    if (v.node && !rename.has(v.name)) rename.set(v.name, name);
    else identities.push(onnx.NodeProto.create({ name: `output_${name}`, opType: 'Identity', input: [rename.get(v.name) ?? v.name], output: [name] }));
  }
  const named = (v: Value) => rename.get(v.name) ?? v.name;
  const domains = [...new Set(needed.flatMap((n) => (n.op.domain ? [n.op.domain] : [])))].map((domain) => {
    if (!(domain in DOMAIN_OPSETS)) throw new Error(`serialize: no opset version known for domain ${domain}`);
    return { domain, version: DOMAIN_OPSETS[domain] };
  });

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'collabsheet',
    docString: spec.doc,
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    opsetImport: [{ domain: '', version: OPSET }, ...domains],
    graph: {
      name: spec.name ?? 'collabsheet',
      node: [...needed.map((n) => toNodeProto(n, named)), ...identities],
      initializer: [...constants].map((c) => toTensorProto(c.name, c.constant!)),
      input: spec.inputs.map((v) => valueInfo(v.name, v.dtype, v.shape)),
      output: outputEntries.map(([name, v]) => valueInfo(name, v.dtype, v.shape)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** The nodes the outputs depend on, in graph (topological) order. */
function neededNodes(graph: Graph, outputs: Value[]): Node[] {
  const need = new Set<Node>();
  const stack = outputs.filter((v) => v.node).map((v) => v.node!);
  while (stack.length) {
    const n = stack.pop()!;
    if (need.has(n)) continue;
    need.add(n);
    for (const v of n.inputs) if (v.node) stack.push(v.node);
  }
  return graph.nodes.filter((n) => need.has(n));
}

function toNodeProto(node: Node, named: (v: Value) => string) {
  return onnx.NodeProto.create({
    name: node.name,
    opType: node.op.type,
    domain: node.op.domain,
    input: node.inputs.map(named),
    output: [named(node.output)],
    attribute: Object.entries(node.attrs).map(([name, a]) => toAttribute(name, a)),
  });
}

function toAttribute(name: string, a: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  const make = (type: AttributeType, fields: object) => onnx.AttributeProto.create({ name, type, ...fields });
  switch (a.kind) {
    case 'int': return make(T.INT, { i: a.value });
    case 'ints': return make(T.INTS, { ints: [...a.value] });
    case 'float': return make(T.FLOAT, { f: a.value });
    case 'string': return make(T.STRING, { s: new TextEncoder().encode(a.value) });
    case 'strings': return make(T.STRINGS, { strings: a.value.map((x) => new TextEncoder().encode(x)) });
    case 'dtype': return make(T.INT, { i: DTYPE_CODE[a.value] });
    case 'tensor': return make(T.TENSOR, { t: toTensorProto('', a.value) });
  }
}

function toTensorProto(name: string, t: ConstTensor) {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return onnx.TensorProto.create({ name, dataType: DTYPE_CODE[t.dtype], dims: t.dims, rawData: bytes.slice() });
}

function valueInfo(name: string, dtype: DType, shape: Shape) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DTYPE_CODE[dtype],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}
