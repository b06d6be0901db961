import { describe, expect, it } from 'vitest';
import { buildModelGraph, defineModel } from '../models/index.ts';
import { createOptimizer } from '../optim/index.ts';
import { Batches } from './batches.ts';
import { trainingMemory } from './memory.ts';
import { ParamStore } from './params.ts';
import { fastbookRecipe } from './recipes.ts';
import type { ModelConfig, OptimConfig } from '../types.ts';

const rows = { users: 40, items: 30 };
const capacity = 64;
const ratings = Float32Array.from([1, 2, 3, 4, 5]);

const models: ModelConfig[] = [
  fastbookRecipe().model,
  { ...fastbookRecipe().model, kind: 'dot', factors: 7 },
  { ...fastbookRecipe().model, kind: 'nn', layers: [16, 8], dropout: 0.2 },
  { ...fastbookRecipe().model, kind: 'classes', layers: [10] },
];
const optims: OptimConfig[] = [
  fastbookRecipe().optim,
  { ...fastbookRecipe().optim, optimizer: 'momentum', wdMode: 'l2' },
  { ...fastbookRecipe().optim, optimizer: 'sgd' },
];

describe('training memory: one wasm arena planned to the byte', () => {
  const cases = models.flatMap((model) => optims.flatMap((optim) =>
    (['lazy', 'dense'] as const).map((mode) => ({ model, optim, mode }))));

  it.each(cases)('$model.kind, $optim.optimizer, $mode updates: tables, batches and state fill the plan exactly', ({ model, optim, mode }) => {
    const graph = buildModelGraph(defineModel(model, { ...rows, ratings }).definition, 'float32', 'train');
    const specs = graph.builder.params.map((p) => p.spec);
    const maskSpecs = graph.builder.masks.map((m) => m.spec);
    const memory = trainingMemory({ specs, maskSpecs, rows, capacity, optim, mode });
    const arena = memory.arena!;
    expect(arena).not.toBeNull();
    const store = new ParamStore(specs, rows, model.init, Math.random, memory.alloc);
    const batches = new Batches(capacity, specs, maskSpecs, memory.alloc);
    const optimizer = createOptimizer(store.params, optim, { mode, backend: memory.backend! });
    // Every buffer ONNX Runtime reads or writes, and every table the step updates, is in the arena.
    for (const p of store.params) expect(arena.owns(p.data)).toBe(true);
    for (const g of batches.grads) expect(arena.owns(g instanceof Float32Array ? g : g.values)).toBe(true);
    expect(arena.owns(batches.users) && arena.owns(batches.items) && arena.owns(batches.predictions)).toBe(true);
    // A first step allocates the row sums / scatter buffers the plan counted, and nothing more.
    for (const g of batches.grads) if (!(g instanceof Float32Array)) g.count = capacity;
    optimizer.step(batches.grads);
    expect(arena.used).toBe(arena.capacity);
  });

  it('L-BFGS (no optimizer state) gets tables and batch buffers only', () => {
    const model = { ...fastbookRecipe().model, factors: 5 };
    const specs = buildModelGraph(defineModel(model, { ...rows, ratings }).definition, 'float32', 'train').builder.params.map((p) => p.spec);
    const memory = trainingMemory({ specs, maskSpecs: [], rows, capacity, optim: { ...fastbookRecipe().optim, optimizer: 'lbfgs' }, mode: 'lazy' });
    expect(memory.backend).toBeNull();
    new ParamStore(specs, rows, model.init, Math.random, memory.alloc);
    new Batches(capacity, specs, [], memory.alloc);
    expect(memory.arena!.used).toBe(memory.arena!.capacity);
  });
});
