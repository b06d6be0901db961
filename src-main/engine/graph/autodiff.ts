/**
 * Reverse-mode autodiff over a Graph: appends the backward nodes to the same graph and returns
 * the gradient of a scalar loss with respect to each requested value.
 *
 * The walk visits only nodes on a path from a requested value to the loss, sums the gradients of
 * values used more than once (fan-out), and throws naming the op when a node on that path has no
 * rule. Requested values may be intermediate (the rows a Gather produced): the walk never goes
 * upstream of what was requested, which is how the models get embedding gradients of size
 * batch × k instead of table × k.
 */
import { type Node, type Value, isFloat } from './graph.ts';
import { add } from './ops.ts';

export function gradients(loss: Value, wrt: readonly Value[]): Value[] {
  const graph = loss.graph;
  if (loss.rank !== 0 || !isFloat(loss.dtype)) throw new Error(`gradients: loss must be a float scalar, got ${loss}`);
  for (const w of wrt) {
    if (w.graph !== graph) throw new Error(`gradients: ${w} belongs to another graph`);
    if (!isFloat(w.dtype)) throw new Error(`gradients: cannot differentiate with respect to ${w}`);
  }
  // Snapshot: backward nodes appended below are not walked.
  const nodes = graph.nodes.slice();

  // Forward: values that depend on a requested value (through float values only).
  const fromWrt = new Set<Value>(wrt);
  for (const n of nodes) {
    if (isFloat(n.output.dtype) && n.inputs.some((v) => fromWrt.has(v))) fromWrt.add(n.output);
  }
  if (!fromWrt.has(loss)) throw new Error(`gradients: ${loss.name} does not depend on ${wrt.map((w) => w.name).join(', ')}`);

  const grads = new Map<Value, Value>([[loss, graph.scalar(1, loss.dtype)]]);
  const accumulate = (v: Value, g: Value) => {
    const prev = grads.get(v);
    grads.set(v, prev ? add(prev, g) : g);
  };

  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    const g = grads.get(node.output);
    // Off the path: not reached from the loss, or not a function of what we differentiate.
    if (!g || !fromWrt.has(node.output)) continue;
    const thunks = ruleOf(node)(g, node);
    node.inputs.forEach((input, k) => {
      if (!fromWrt.has(input)) return;
      const thunk = thunks[k];
      if (!thunk) throw new Error(`gradients: ${node.op.type} (${node.name}) has no gradient for input ${k} (${input.name})`);
      accumulate(input, thunk());
    });
  }

  return wrt.map((w) => {
    const g = grads.get(w);
    if (!g) throw new Error(`gradients: ${loss.name} does not depend on ${w.name}`);
    return g;
  });
}

function ruleOf(node: Node) {
  if (!node.op.grad) throw new Error(`gradients: no gradient rule for op ${node.op.type} (${node.name})`);
  return node.op.grad;
}
