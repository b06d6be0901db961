/**
 * The training graph alone at scale: ONNX Runtime forward+backward µs per rating for the scale
 * benchmark's model (dotbias, k = 50, y_range 0–5.5) on tables of MovieLens-25M's size, with
 * pre-allocated fetches as the trainer binds them (no optimizer step, no batch fill). Isolates
 * what a graph change buys from the rest of the epoch. Rows: `--rows random` draws them uniformly
 * from the whole tables (the worst case for the gathers); `--rows blocked` draws them from
 * CELLS_PER_BATCH random user ranges × item ranges of the size the trainer's BlockedOrder cuts
 * at 25M ratings (train/epoch-order.ts), which is what training batches look like.
 *
 * `--model dot` times the smallest training graph there is (dot product, no biases, no sigmoid):
 * ONNX Runtime's floor per rating for this kind of model (docs/scale.md).
 *
 *   npx tsx bench/scale-graph.ts [--rows random|blocked] [--model dotbias|dot] [--batch 32768] [--factors 50] [--batches 60] [--threads 1] [--print]
 */
import onnxProto from 'onnx-proto';
import { mulberry32 } from '../src-main/data/random.ts';
import { buildModelGraph, defineModel, gradOutputName, modelBytes } from '../src-main/engine/models/index.ts';
import { createSession, type TensorHandle, tensor } from '../src-main/engine/runtime/session.ts';
import { CELLS_PER_BATCH } from '../src-main/engine/train/epoch-order.ts';
import { ML25M } from './ml25m-shape.ts';
import { scaleConfig } from './scale-data.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const batch = opt('--batch', 32768);
const factors = opt('--factors', 50);
const batches = opt('--batches', 60);
const threads = opt('--threads', 1);
const rowsArg = args.indexOf('--rows');
const blocked = rowsArg >= 0 && args[rowsArg + 1] === 'blocked';

const config = scaleConfig(threads);
const modelArg = args.indexOf('--model');
const plainDot = modelArg >= 0 && args[modelArg + 1] === 'dot';
const model = { ...config.model, factors, ...(plainDot ? { kind: 'dot' as const, yRange: null } : {}) };
const { definition } = defineModel(model, { users: ML25M.users, items: ML25M.items, ratings: new Float32Array([1, 5]) });
const graph = buildModelGraph(definition, 'float32', 'train');
const bytes = modelBytes(graph);

/** The serialised graph, one node a line, and how many [B, k]-sized values it computes. */
function describe(): string {
  const shapes = new Map(graph.builder.graph.nodes.map((n) => [n.name, n.output.shape] as const));
  const nodes = onnxProto.onnx.ModelProto.decode(bytes).graph!.node!;
  let full = 0;
  const lines = nodes.map((n) => {
    const shape = shapes.get(n.name!) ?? [];
    if (shape.length === 2 && shape[0] === 'B' && shape[1] === factors) full++;
    return `  ${n.opType!.padEnd(10)} ${n.output!.join(',').padEnd(18)} ← ${n.input!.join(', ')}  [${shape.join(', ')}]`;
  });
  return `${lines.join('\n')}\n  ${nodes.length} nodes, ${full} [B, ${factors}] values`;
}

const rand = mulberry32(7);
const rows = { user: ML25M.users, item: ML25M.items };
const feeds: Record<string, TensorHandle> = {};
/** Row codes for one batch: uniform over the table, or within the batch's cells' ranges. */
function codes(count: number): Int32Array {
  if (!blocked) return Int32Array.from({ length: batch }, () => Math.floor(rand() * count));
  // BlockedOrder's grid side at 25M ratings (ranges by rating count are narrower for popular rows; equal widths here).
  const side = Math.round(Math.sqrt((ML25M.ratings * 0.9 / batch) * CELLS_PER_BATCH));
  const width = Math.ceil(count / side);
  const starts = Array.from({ length: CELLS_PER_BATCH }, () => Math.floor(rand() * side) * width);
  const perCell = Math.ceil(batch / CELLS_PER_BATCH);
  return Int32Array.from({ length: batch }, (_, j) => Math.min(count - 1, starts[Math.floor(j / perCell)] + Math.floor(rand() * width)));
}
const users = codes(rows.user);
const items = codes(rows.item);
feeds.users = tensor(users, [batch]);
feeds.items = tensor(items, [batch]);
feeds.ratings = tensor(Float32Array.from({ length: batch }, () => 0.5 + Math.floor(rand() * 10) / 2), [batch]);
const fetches: Record<string, TensorHandle> = {
  loss: tensor(new Float32Array(1), []),
  prediction: tensor(new Float32Array(batch), [batch]),
};
for (const p of graph.builder.params) {
  const s = p.spec;
  const n = s.lookup === 'user' ? rows.user : rows.item;
  const width = s.shape.reduce((a, b) => a * b, 1);
  feeds[s.name] = tensor(Float32Array.from({ length: n * width }, () => (rand() - 0.5) * 0.02), [n, ...s.shape]);
  fetches[gradOutputName(s.name)] = tensor(new Float32Array(batch * width), [batch, ...s.shape]);
}

const session = createSession(bytes, { threads, device: 'cpu' });
for (let i = 0; i < 5; i++) session.run(feeds, fetches);
const times: number[] = [];
for (let i = 0; i < batches; i++) {
  const t = performance.now();
  session.run(feeds, fetches);
  times.push(performance.now() - t);
}
session.dispose();
times.sort((a, b) => a - b);
const median = times[times.length >> 1];
if (args.includes('--print')) console.log(describe());
console.log(`graph fwd+bwd (${plainDot ? 'dot' : 'dotbias, sigmoid_range'}): ${blocked ? 'blocked' : 'random'} rows, batch ${batch}, k ${factors}, ${threads} thread(s): median ${median.toFixed(2)} ms/batch, ` +
  `${(median * 1000 / batch).toFixed(3)} µs/rating (min ${(times[0] * 1000 / batch).toFixed(3)})`);
