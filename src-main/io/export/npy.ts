/**
 * NumPy .npy v1.0 writer for float32 arrays. Written by hand because the format is a 10-byte
 * preamble plus a Python-literal header (numpy/lib/format.py): magic "\x93NUMPY", version 1.0,
 * a little-endian uint16 header length, then the header dict padded with spaces and ended by
 * '\n' so that the data starts on a 64-byte boundary; then the raw little-endian C-order data.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const PREAMBLE = MAGIC.length + 2 + 2; // magic, version, header length
const ALIGN = 64;

export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || count !== data.length) {
    throw new Error(`npy: shape (${shape.join(', ')}) does not hold ${data.length} values`);
  }
  // Python tuple syntax: a 1-tuple needs its trailing comma.
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = PREAMBLE + dict.length + 1; // + '\n'
  const headerLength = dict.length + 1 + ((ALIGN - (unpadded % ALIGN)) % ALIGN);
  if (headerLength > 0xffff) throw new Error('npy: header too long for format version 1.0');
  const out = new Uint8Array(PREAMBLE + headerLength + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLength, true);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[PREAMBLE + i] = header.charCodeAt(i);
  // DataView with littleEndian = true: '<f4' holds on a big-endian host too.
  const start = PREAMBLE + headerLength;
  for (let i = 0; i < data.length; i++) view.setFloat32(start + 4 * i, data[i], true);
  return out;
}
