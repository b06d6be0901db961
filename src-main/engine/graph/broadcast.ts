/**
 * NumPy broadcasting, made explicit: `broadcastShapes` says what shape a binary op produces, and
 * `unbroadcast` is the one place a gradient is summed back to an input's shape — so the rules of
 * Add, Mul, Where… stay one-liners.
 */
import type { Dim, Shape, Value } from './graph.ts';
import { reduceSum } from './ops.ts';

export function broadcastShapes(what: string, ...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[i - (rank - s.length)] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim !== 1) {
        throw new Error(`${what}: shapes [${shapes.map((x) => x.join(', ')).join('] and [')}] do not broadcast`);
      }
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Sums a gradient of a broadcast result back to the shape of the input it flowed from. */
export function unbroadcast(g: Value, target: Shape): Value {
  const lead = g.rank - target.length;
  if (lead < 0) throw new Error(`unbroadcast: gradient ${g} has lower rank than target [${target.join(', ')}]`);
  const stretched: number[] = [];
  target.forEach((d, i) => {
    const gd = g.shape[lead + i];
    if (d === gd) return;
    if (d !== 1) throw new Error(`unbroadcast: gradient ${g} cannot be summed to [${target.join(', ')}]`);
    stretched.push(i);
  });
  let r = g;
  if (lead > 0) r = reduceSum(r, range(lead), false);
  if (stretched.length > 0) r = reduceSum(r, stretched, true);
  return r;
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
