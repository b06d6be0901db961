/**
 * Issue 13 findings 5 and 7 through the service and the real training worker: a project, sheet
 * or rating that lies is refused whole, with the file and the place, before anything of the open
 * sheet is replaced — and the open sheet still steps, solves, edits and saves afterwards.
 *
 * The property at the end mutates real saved projects (numbers to -1, 1e39, NaN, 10⁹…, arrays
 * cut short, codes out of range, keys deleted) and opens each: it loads fully, or it is refused
 * naming the file and the sheet before it is untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, saveProject, type CollabProject } from '../io/project.ts';
import { demoSheetPath } from '../io/resources.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-validate-'));
const file = (name: string) => join(dir, name);

/** The app state a project stores, loosely typed for crafting bad ones. */
type Loose = Record<string, unknown> & { view: { size: unknown }; edits: unknown[][] };
const stateOf = (p: CollabProject) => p.state as Loose;

describe('opening what lies', () => {
  let svc: DisposableService;
  const demo = file('demo.collabsheet');
  const generated = file('generated.collabsheet');
  /** The demo sheet trained with Adam: its project holds optimizer moments (L-BFGS keeps none). */
  const adam = file('adam.collabsheet');

  /** Saves `project` (a decoded one, changed) as a file of its own. */
  async function crafted(name: string, change: (p: CollabProject) => void, from = demo): Promise<string> {
    const { runs: _, ...project } = await openProject(from);
    change(project);
    const path = file(name);
    await saveProject(path, project);
    return path;
  }

  /** Opening `path` is refused with a message naming it, and the open sheet is as it was. */
  async function refused(path: string, message: RegExp): Promise<void> {
    const before = await svc.getState({});
    const error = await svc.openProject({ path }).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(message);
    expect(error!.message.startsWith(`${path}: `)).toBe(true);
    expect(await svc.getState({})).toEqual(before);
  }

  beforeAll(async () => {
    svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
    await svc.newSynthetic({ spec: { users: 40, items: 30, ratings: 500, rank: 2, noise: 0.2, popularitySkew: 0.5, seed: 3 }, split: { method: 'random', validPct: 0.1, seed: 42 } });
    await svc.step({});
    await svc.saveProject({ path: generated });
    await svc.openRatings({ path: demoSheetPath() });
    await svc.setRating({ row: 0, col: 1, rating: 1 });
    await svc.step({});
    await svc.saveProject({ path: demo });
    const { config } = await svc.getState({});
    await svc.setConfig({ config: { ...config, optim: { ...config.optim, optimizer: 'adam', lr: 0.01, schedule: 'constant' }, batchSize: 32 } });
    await svc.step({});
    await svc.saveProject({ path: adam });
    await svc.openProject({ path: demo });
  }, 60_000);

  afterAll(async () => {
    await svc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  // Finding 5: the schema let -5 through; install() disposed the old trainer, then
  // chooseVisibleBlock threw, and Step, Solve, edits, Open and Import answered "Session already disposed".
  it('refuses a project with view.size -5, and the sheet before it still solves, edits and saves', async () => {
    const bad = await crafted('size.collabsheet', (p) => (stateOf(p).view.size = -5));
    await refused(bad, /: is not a CollabSheet app project \(state\.view\.size: must be at least 2\)$/);
    expect((await svc.solve({})).epochs).toBeGreaterThan(0);
    await svc.setRating({ row: 2, col: 3, rating: 4 });
    expect((await svc.getState({})).sheet.ratings[2][3]).toBe(4);
    expect(await svc.saveProject({ path: file('after.collabsheet') })).toMatchObject({ project: { path: file('after.collabsheet'), unsaved: false } });
    expect((await svc.openProject({ path: file('after.collabsheet') })).sheet.ratings[2][3]).toBe(4);
  }, 60_000);

  // Finding 5: rank 10⁶ took memory until the process died; 10⁹ ratings kept the worker from answering.
  it('refuses a generated spec beyond the generator\'s bounds, saying the bound', async () => {
    await refused(await crafted('rank.collabsheet', (p) => ((p.source as { spec: { rank: number } }).spec.rank = 1e6), generated), /\(source\.spec\.rank: must be at most 64\)$/);
    await refused(await crafted('rows.collabsheet', (p) => ((p.source as { spec: { ratings: number } }).spec.ratings = 1e9), generated), /\(source\.spec\.ratings: must be at most 50,000,000\)$/);
    await refused(await crafted('users.collabsheet', (p) => ((p.source as { spec: { users: number } }).spec.users = 1.5), generated), /\(source\.spec\.users: must be a whole number from 2 to 1,000,000\)$/);
    expect((await svc.openProject({ path: generated })).sheet.data.source).toBe('synthetic');
    await svc.openProject({ path: demo });
  }, 60_000);

  // Finding 7: 1e39 is a finite double, Infinity once stored as float32.
  it('refuses ratings too large for float32 in a project\'s data, its edits and a sheet file; edits too', async () => {
    const embedded = (p: CollabProject) => (p.source as { dataset: { ratings: Float32Array } }).dataset;
    await refused(await crafted('data.collabsheet', (p) => (embedded(p).ratings[5] = 1e39)), /\(its rating number 6, Infinity, is too large \(ratings must lie within ±1,000,000\)\)$/);
    await refused(await crafted('edit.collabsheet', (p) => stateOf(p).edits.push([...stateOf(p).edits[0].slice(0, 2), 1e39])), /\(state\.edits\.1\.2: the edit of .+ × .+, rating 1e\+39, is too large/);
    await refused(await crafted('scale.collabsheet', (p) => ((stateOf(p).scale as { hi: number }).hi = 1e39)), /\(state\.scale\.hi: must be at most 1,000,000\)$/);

    const before = await svc.getState({});
    const sheet = JSON.parse(readFileSync(demoSheetPath(), 'utf8'));
    sheet.scale.hi = 1e39;
    sheet.ratings[0][0] = 1e39;
    writeFileSync(file('wide.json'), JSON.stringify(sheet));
    await expect(svc.openRatings({ path: file('wide.json') })).rejects.toThrow(`${file('wide.json')} at scale.hi: 1e+39 is too large (ratings must lie within ±1,000,000)`);
    writeFileSync(file('big.csv'), 'user,item,rating\n1,1,4\n1,2,1e309\n');
    await expect(svc.openRatings({ path: file('big.csv') })).rejects.toThrow(`${file('big.csv')}:3: rating 1e309 is too large (ratings must lie within ±1,000,000) (1,2,1e309)`);
    await expect(svc.setRating({ row: 0, col: 0, rating: 1e39 })).rejects.toThrow(/: rating 1e\+39 is too large/);
    await expect(svc.paste({ row: 0, col: 0, text: `1${'0'.repeat(39)}` })).rejects.toThrow(/Paste line 1, column 1: rating 1e\+39 is too large/);
    expect(await svc.getState({})).toEqual(before);
  }, 60_000);

  it('refuses a factor table whose values do not fill its shape, and moments of another length', async () => {
    const model = (p: Pick<CollabProject, 'model'>) => p.model!;
    await refused(
      await crafted('shape.collabsheet', (p) => {
        const uf = model(p).params.user_factors;
        uf.data = uf.data.subarray(1);
      }),
      /\(model\.params\.user_factors\.data: holds a number of values its shape does not have\)$/,
    );
    await refused(await crafted('nan.collabsheet', (p) => (model(p).params.item_factors.data[0] = NaN)), /\(model\.params\.item_factors\.data: has values that are not finite numbers \(NaN or Infinity\)\)$/);
    const uf = model(await openProject(adam)).params.user_factors.data.length;
    const shortMoment = (p: CollabProject) => {
      const buffers = model(p).optimizer!.params.user_factors;
      const [name] = Object.keys(buffers);
      buffers[name] = buffers[name].subarray(2);
    };
    await refused(
      await crafted('moments.collabsheet', shortMoment, adam),
      new RegExp(`\\(model\\.optimizer\\.params\\.user_factors\\.\\w+: has ${uf - 2} values; it needs ${uf} values, one per value of user_factors\\)$`),
    );
    await refused(await crafted('step.collabsheet', (p) => (model(p).optimizer!.step = -1), adam), /\(model\.optimizer\.step: Too small/);
    expect((await svc.openProject({ path: adam })).config.optim.optimizer).toBe('adam');
    await svc.openProject({ path: demo });
  }, 60_000);

  // The property: every mutation is loaded fully or refused with the file named, and after a
  // refusal the sheet before it is untouched and still steps.
  it('mutated projects: each loads fully or is refused naming the file; the sheet before it still answers', async () => {
    let loaded = 0;
    let refusedCount = 0;
    const mutation = fc.record({
      at: fc.nat(),
      how: fc.constantFrom('value', 'delete', 'truncate'),
      value: fc.constantFrom(-1, 0, 0.5, 2, 1e9, 1e39, Number.NaN, -1e39),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(demo, generated, adam), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (base, mutations) => {
        const path = await crafted(`fuzz-${loaded + refusedCount}.collabsheet`, (p) => mutations.forEach((m) => mutate(p, m)), base);
        const before = await svc.getState({});
        const opened = await svc.openProject({ path }).then(() => null, (e: unknown) => e as Error);
        if (opened) {
          refusedCount++;
          expect(opened.message.startsWith(`${path}: `), opened.message).toBe(true);
          expect(await svc.getState({})).toEqual(before);
        } else {
          loaded++;
          expect((await svc.getState({})).project.path).toBe(path);
        }
        expect((await svc.step({})).epochs).toBe(1);
        await svc.getState({});
      }),
      { numRuns: 80, seed: 13 },
    );
    // Both outcomes happen: the property tests something on each side.
    expect(loaded).toBeGreaterThan(0);
    expect(refusedCount).toBeGreaterThan(10);
  }, 240_000);
});

type Mutation = { at: number; how: 'value' | 'delete' | 'truncate'; value: number };
type Node = { parent: Record<string | number, unknown>; key: string | number; value: unknown };

/** Every value inside the project, with where it sits (typed arrays are leaves). */
function nodes(root: unknown): Node[] {
  const out: Node[] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
    for (const [key, value] of Object.entries(v)) {
      out.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(key) : key, value });
      walk(value);
    }
  };
  walk(root);
  return out;
}

function mutate(project: CollabProject, m: Mutation): void {
  const all = nodes(project);
  const { parent, key, value } = all[m.at % all.length];
  if (m.how === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.how === 'truncate' && (Array.isArray(value) || ArrayBuffer.isView(value))) {
    const a = value as unknown[] | Int32Array;
    parent[key] = Array.isArray(a) ? a.slice(0, a.length >> 1) : (a as Int32Array).subarray(0, a.length >> 1);
  } else if (ArrayBuffer.isView(value)) {
    // One element: a code out of range, a rating or factor overflowing, a NaN.
    const a = value as unknown as Float32Array;
    if (a.length > 0) a[m.at % a.length] = m.value;
  } else if (typeof value === 'string') {
    parent[key] = m.value === 0 ? '' : String(m.value);
  } else {
    parent[key] = m.value;
  }
}
