import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy } from './npy.ts';
import { pythonWith, runPython } from './testing/python.ts';

/**
 * An .npy reader written from the format description (numpy/lib/format.py), independent of the
 * writer: it checks every field instead of trusting offsets the writer computed.
 */
function readNpy(bytes: Uint8Array): { shape: number[]; values: Float32Array } {
  const magic = Array.from(bytes.subarray(0, 6));
  expect(magic).toEqual([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0))]);
  expect([bytes[6], bytes[7]]).toEqual([1, 0]);
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLength));
  expect((10 + headerLength) % 64).toBe(0);
  expect(header.endsWith('\n')).toBe(true);
  const m = /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([\d, ]*)\), \} *\n$/.exec(header);
  expect(m, `header ${JSON.stringify(header)}`).not.toBeNull();
  const shape = m![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(10 + headerLength);
  expect(body.length).toBe(4 * count);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return { shape, values: Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true)) };
}

const matrix = Float32Array.from([0.1, -2.5, 3e-8, 1e20, -0, 7]);

describe('encodeNpy', () => {
  it('writes the v1.0 layout byte for byte', () => {
    const bytes = encodeNpy(matrix, [3, 2]);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
    // 10 preamble bytes + 59 dict + '\n' = 70, padded to the next multiple of 64: data at 128.
    const headerLength = 128 - 10;
    expect(dict.length).toBe(59);
    expect(bytes.length).toBe(128 + 6 * 4);
    expect(bytes[8] + 256 * bytes[9]).toBe(headerLength);
    const header = new TextDecoder().decode(bytes.subarray(10, 128));
    expect(header).toBe(dict + ' '.repeat(headerLength - dict.length - 1) + '\n');
    // 0.1f is 0x3DCCCCCD: little-endian bytes CD CC CC 3D.
    expect(Array.from(bytes.subarray(128, 132))).toEqual([0xcd, 0xcc, 0xcc, 0x3d]);
  });

  it('reads back with an independent parser: 2-D, 1-D (trailing comma), empty, many rows', () => {
    for (const [data, shape] of [
      [matrix, [3, 2]],
      [matrix, [6]],
      [new Float32Array(0), [0, 50]],
      [new Float32Array(123456 * 2), [123456, 2]],
    ] as const) {
      const back = readNpy(encodeNpy(data, shape));
      expect(back.shape).toEqual([...shape]);
      expect(back.values).toEqual(data);
    }
    const vector = encodeNpy(matrix, [6]);
    expect(new TextDecoder().decode(vector.subarray(10, 10 + vector[8]))).toContain("'shape': (6,), }");
  });

  it('refuses a shape that does not hold the data', () => {
    expect(() => encodeNpy(matrix, [4, 2])).toThrow(/shape \(4, 2\) does not hold 6 values/);
  });
});

describe('encodeNpy, read by numpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const py = pythonWith('numpy');

  it('numpy.load gives float32, C order, the same shape and values', (ctx) => {
    if ('reason' in py) {
      console.log(`skipped: ${py.reason}`);
      ctx.skip();
      return;
    }
    const cases: [string, Float32Array, number[]][] = [['m.npy', matrix, [3, 2]], ['v.npy', matrix, [6]], ['e.npy', new Float32Array(0), [0, 5]]];
    for (const [name, data, shape] of cases) writeFileSync(join(dir, name), encodeNpy(data, shape));
    const script = `
import json, sys, numpy as np
out = []
for path in sys.argv[1:]:
    a = np.load(path, allow_pickle=False)
    out.append({"dtype": a.dtype.str, "shape": list(a.shape), "c": bool(a.flags.c_contiguous), "values": a.ravel().tolist()})
print(json.dumps(out))`;
    const loaded = JSON.parse(runPython(py.python, script, cases.map(([name]) => join(dir, name))));
    cases.forEach(([, data, shape], i) => {
      expect(loaded[i]).toMatchObject({ dtype: '<f4', shape, c: true });
      expect(Float32Array.from(loaded[i].values)).toEqual(data);
    });
  });
});
