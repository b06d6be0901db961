/**
 * JSON with binary arrays: typed arrays anywhere in a plain-data value are lifted out into blobs
 * and replaced by `{"$blob": n}`, so a project's parameters (megabytes of float32) are stored as raw
 * bytes instead of decimal text — 4 bytes a number instead of ~20, and bit-exact.
 */
const KINDS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
export type BlobKind = keyof typeof KINDS;
export type AnyTypedArray = InstanceType<(typeof KINDS)[BlobKind]>;

export interface BlobRef {
  $blob: number;
  kind: BlobKind;
  length: number;
}

export function liftBlobs(value: unknown): { json: unknown; blobs: AnyTypedArray[] } {
  const blobs: AnyTypedArray[] = [];
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const kind = v.constructor.name as BlobKind;
      if (!(kind in KINDS)) throw new Error(`cannot store a ${kind} in a project`);
      blobs.push(v as AnyTypedArray);
      return { $blob: blobs.length - 1, kind, length: (v as AnyTypedArray).length } satisfies BlobRef;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return { json: walk(value), blobs };
}

/** Puts the blobs back; `blob(ref)` returns the typed array for a reference (or throws). */
export function lowerBlobs(json: unknown, blob: (ref: BlobRef) => AnyTypedArray): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      if (isBlobRef(v)) return blob(v);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(json);
}

function isBlobRef(v: object): v is BlobRef {
  const r = v as Partial<BlobRef>;
  // hasOwn, not `in`: a file's "toString" or "constructor" kind is no typed array ("Ctor is not a constructor").
  return typeof r.$blob === 'number' && typeof r.kind === 'string' && Object.hasOwn(KINDS, r.kind) && typeof r.length === 'number';
}

/** Bytes per value of a blob kind. */
export const blobElementBytes = (kind: BlobKind): number => KINDS[kind].BYTES_PER_ELEMENT;

/** A typed array of `kind` over `bytes` (copied when the offset is not aligned to its element). */
export function typedView(kind: BlobKind, bytes: Uint8Array, length: number): AnyTypedArray {
  const Ctor = KINDS[kind];
  // A length the file claims, checked against the bytes it has before a view is made of them.
  if (!Number.isSafeInteger(length) || length < 0 || length * Ctor.BYTES_PER_ELEMENT !== bytes.byteLength) {
    throw new RangeError(`an array of ${length} ${kind} values needs ${length * Ctor.BYTES_PER_ELEMENT} bytes, the file has ${bytes.byteLength}`);
  }
  const aligned = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0;
  const src = aligned ? bytes : bytes.slice();
  return new Ctor(src.buffer as ArrayBuffer, src.byteOffset, length);
}
