/**
 * Inference-only ONNX ops the serving model needs and training never does, built on the graph
 * builder's OpDef interface (no gradient rules: nothing differentiates through a ranking or a
 * lookup).
 * TopK would be the natural op, but it has two outputs and the builder's nodes have one by
 * design, so top-k is composed from ArgMax + GatherElements instead (serving-model.ts).
 */
import type { Attrs, OpDef, Value } from '../../engine/graph/graph.ts';

const ArgMax: OpDef = {
  type: 'ArgMax',
  infer([x], attrs) {
    const axis = attrs.axis?.kind === 'int' ? attrs.axis.value : 0;
    if (axis < 0 || axis >= x.rank) throw new Error(`ArgMax: axis ${axis} out of range for ${x}`);
    return { dtype: 'int64', shape: x.shape.map((d, i) => (i === axis ? 1 : d)) };
  },
  grad: null,
};

/** Index of the largest entry along `axis`, keeping the axis (ties: the first, i.e. lowest index). */
export const argMax = (x: Value, axis: number): Value =>
  x.graph.apply(ArgMax, [x], { axis: { kind: 'int', value: axis }, keepdims: { kind: 'int', value: 1 }, select_last_index: { kind: 'int', value: 0 } });

const GatherElements: OpDef = {
  type: 'GatherElements',
  infer([data, idx], attrs) {
    if (idx.dtype !== 'int64' || idx.rank !== data.rank) throw new Error(`GatherElements: bad indices ${idx} for ${data}`);
    if (!(attrs.axis?.kind === 'int')) throw new Error('GatherElements: missing axis');
    return { dtype: data.dtype, shape: idx.shape };
  },
  grad: null,
};

/** out[i][j] = data[i][idx[i][j]] along `axis` (here: the score of each picked item). */
export const gatherElements = (data: Value, idx: Value, axis: number): Value =>
  data.graph.apply(GatherElements, [data, idx], { axis: { kind: 'int', value: axis } });

const Flatten: OpDef = {
  type: 'Flatten',
  infer([x], attrs) {
    const axis = attrs.axis?.kind === 'int' ? attrs.axis.value : 1;
    if (axis < 0 || axis > x.rank) throw new Error(`Flatten: axis ${axis} out of range for ${x}`);
    const product = (dims: readonly (number | string)[]) =>
      dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a * b, 1) : dims.join('*');
    return { dtype: x.dtype, shape: [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))] };
  },
  grad: null,
};

/** x as [prod(dims before axis), prod(dims from axis)]: a neural serving model's N × n_items pairs as one batch. */
export const flatten = (x: Value, axis: number): Value => x.graph.apply(Flatten, [x], { axis: { kind: 'int', value: axis } });

/**
 * An id table: a side's original ids in row order. int64 when every id is a canonical decimal
 * integer within ±2^53 (MovieLens, the Excel workbook), so a caller feeds the numbers it has;
 * string otherwise (names from a crosstab).
 */
export type IdTable = { dtype: 'int64'; ids: readonly number[] } | { dtype: 'string'; ids: readonly string[] };

export function idTable(ids: readonly string[]): IdTable {
  const numbers = ids.map(Number);
  const canonical = numbers.every((n, i) => Number.isSafeInteger(n) && String(n) === ids[i]);
  return canonical ? { dtype: 'int64', ids: numbers } : { dtype: 'string', ids };
}

/** The value a lookup answers for an id or row not in the table. */
export const MISSING_ROW = -1;
export const MISSING_STRING_ID = '';

const LabelEncoder: OpDef = {
  type: 'LabelEncoder',
  domain: 'ai.onnx.ml',
  infer([x], attrs) {
    const keys = attrs.keys_int64s ? 'int64' : 'string';
    if (x.dtype !== keys) throw new Error(`LabelEncoder: keys are ${keys}, input is ${x}`);
    return { dtype: attrs.values_int64s ? 'int64' : 'string', shape: x.shape };
  },
  grad: null,
};

const rowCodes = (n: number) => Array.from({ length: n }, (_, i) => i);
const int64s = (value: readonly number[]) => ({ kind: 'ints', value }) as const;

/**
 * ai.onnx.ml LabelEncoder (ONNX Runtime: a hash map built once at session creation, one probe
 * per id): original ids → row codes 0 … n−1, MISSING_ROW for an id not in the table.
 */
export function rowsOf(ids: Value, table: IdTable): Value {
  const keys: Attrs = table.dtype === 'int64' ? { keys_int64s: int64s(table.ids) } : { keys_strings: { kind: 'strings', value: table.ids } as const };
  return ids.graph.apply(LabelEncoder, [ids], {
    ...keys, values_int64s: int64s(rowCodes(table.ids.length)), default_int64: { kind: 'int', value: MISSING_ROW },
  });
}

/** The reverse: row codes → original ids; a code not in the table (−1) → −1 or "". */
export function idsOf(rows: Value, table: IdTable): Value {
  const values: Attrs = table.dtype === 'int64'
    ? { values_int64s: int64s(table.ids), default_int64: { kind: 'int', value: MISSING_ROW } as const }
    : { values_strings: { kind: 'strings', value: table.ids } as const, default_string: { kind: 'string', value: MISSING_STRING_ID } as const };
  return rows.graph.apply(LabelEncoder, [rows], { keys_int64s: int64s(rowCodes(table.ids.length)), ...values });
}
