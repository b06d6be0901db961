import { describe, expect, it } from 'vitest';
import { liftBlobs, lowerBlobs, typedView } from './blob-json.ts';

describe('blob JSON', () => {
  it('lifts typed arrays out and puts them back', () => {
    const { json, blobs } = liftBlobs({ a: Float32Array.from([1, 2]), b: [Int32Array.from([3])], c: 'x' });
    expect(lowerBlobs(json, (ref) => blobs[ref.$blob])).toEqual({ a: Float32Array.from([1, 2]), b: [Int32Array.from([3])], c: 'x' });
  });

  // Issue 13 finding 10: a crafted project's `"kind": "toString"` answered "Ctor is not a constructor".
  it('takes only its own kinds as blob references, never an Object.prototype key', () => {
    const asked: unknown[] = [];
    const json = { p: { $blob: 0, kind: 'toString', length: 1 }, q: { $blob: 0, kind: 'constructor', length: 1 } };
    expect(lowerBlobs(json, (ref) => (asked.push(ref), new Float32Array(1)))).toEqual(json);
    expect(asked).toEqual([]);
  });

  it('refuses a length the bytes do not hold, in words, before making a view', () => {
    expect(() => typedView('Float32Array', new Uint8Array(8), 1e12)).toThrow('an array of 1000000000000 Float32Array values needs 4000000000000 bytes, the file has 8');
    expect(() => typedView('Float32Array', new Uint8Array(8), -5)).toThrow(RangeError);
    expect(Array.from(typedView('Int32Array', new Uint8Array(Int32Array.from([7, -1]).buffer), 2))).toEqual([7, -1]);
  });
});
