/**
 * Issue 11 item 3: the WebAssembly fast path (wasm/line-kernel.wat) and the general path must be
 * one parser as far as anyone can tell: same codes, ids, ratings and timestamps whichever read a
 * line, across chunk ends and the kernel's per-call row cap; and columns over SharedArrayBuffer
 * or in an arena's memory (the fused engine's) on request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.ts';
import type { RatingsDataset } from '../dataset.ts';
import { type ColumnArena, readRatingsFile, readTrainValidFiles } from './index.ts';
import { RatingColumnsBuilder } from './columns.ts';
import { prefaultPages } from './prefault.ts';
import { committedLineKernelModule, compileLineKernel, lineKernelBytesModule } from './wasm/build-line-kernel.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-line-kernel-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const plain = (d: RatingsDataset) => ({
  users: Array.from(d.users), items: Array.from(d.items), ratings: Array.from(d.ratings),
  timestamps: d.timestamps && Array.from(d.timestamps), userIds: d.userIds, itemIds: d.itemIds,
});

/** Random rows with the spellings the kernel takes (and long ids it leaves to the general path). */
function randomRows(n: number, seed: number): string[][] {
  const rand = mulberry32(seed);
  const id = () => String(rand() < 0.05 ? 1_000_000_000 + Math.floor(rand() * 1e5) : Math.floor(rand() * 3000));
  const rating = () => [String(Math.floor(rand() * 6)), (Math.floor(rand() * 10) / 2).toFixed(1), (rand() * 5).toFixed(5), `.${Math.floor(rand() * 10)}`, `${Math.floor(rand() * 5)}.`][Math.floor(rand() * 5)];
  return Array.from({ length: n }, () => [id(), id(), rating(), String(789_652_009 + Math.floor(rand() * 8e8))]);
}

describe('the line kernel and the general path', () => {
  it('give the same dataset: every line fast (plain) vs every line general (quoted)', async () => {
    const rows = randomRows(5000, 11);
    const header = 'userId,movieId,rating,timestamp\n';
    const fast = file('fast.csv', header + rows.map((r) => r.join(',')).join('\n')); // no final newline
    const general = file('general.csv', header + rows.map((r) => r.map((f) => `"${f}"`).join(',')).join('\r\n'));
    const a = await readRatingsFile(fast);
    const b = await readRatingsFile(general);
    expect(a.summary.rows).toBe(b.summary.rows);
    expect(plain(a.data)).toEqual(plain(b.data));
  });

  it('give the same dataset when the two paths alternate line by line, with the ids in one order of first appearance', async () => {
    const rows = randomRows(3000, 12);
    const mixed = rows.map((r, k) => (k % 3 === 0 ? r.map((f) => ` ${f} `).join(',') : r.join(','))).join('\n');
    const a = await readRatingsFile(file('mixed.csv', `u,i,r,t\n${mixed}\n`));
    const b = await readRatingsFile(file('all-general.csv', `u,i,r,t\n${rows.map((r) => r.map((f) => `"${f}"`).join(',')).join('\n')}\n`));
    expect(plain(a.data)).toEqual(plain(b.data));
  });

  it('carry on past the per-call row cap and across chunk ends (600k short lines, 5.6 MB)', async () => {
    const lines: string[] = ['user,item,rating'];
    for (let u = 0; u < 1000; u++) for (let i = 0; i < 600; i++) lines.push(`${u},${i},${(u + i) % 5}`);
    const { data, summary } = await readRatingsFile(file('many.csv', `${lines.join('\n')}\n`));
    expect(summary).toMatchObject({ rows: 600_000, users: 1000, items: 600, duplicates: 0 });
    for (const k of [0, 262_143, 262_144, 262_145, 466_001, 599_999]) {
      const u = Math.floor(k / 600);
      const i = k % 600;
      expect([data.userIds[data.users[k]], data.itemIds[data.items[k]], data.ratings[k]]).toEqual([String(u), String(i), (u + i) % 5]);
    }
  });

  it('still report a bad row the kernel stops at with its file and line', async () => {
    const path = file('bad.csv', 'user,item,rating\n1,2,3\n1,3,4\n1,4,x\n');
    await expect(readRatingsFile(path)).rejects.toThrow(`${path}:4: rating "x" is not a number (1,4,x)`);
    const scaled = file('scaled.csv', 'user,item,rating\n1,2,3\n1,3,9\n');
    await expect(readRatingsFile(scaled, { scale: { min: 1, max: 5 } })).rejects.toThrow(`${scaled}:3: rating 9 is outside the scale 1–5`);
  });
});

describe('sharedMemory', () => {
  it('puts the users, items and ratings columns of train and valid in SharedArrayBuffers', async () => {
    const train = file('t.csv', 'user,item,rating\n1,1,3\n1,2,4\n2,1,5\n');
    const valid = file('v.csv', 'user,item,rating\n2,2,1\n');
    const { train: t, valid: v } = await readTrainValidFiles(train, valid, { sharedMemory: true, timestamps: false });
    for (const col of [t.users, t.items, t.ratings, v.users, v.items, v.ratings]) expect(col.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(t.ratings)).toEqual([3, 4, 5]);
    const { data } = await readRatingsFile(train);
    expect(data.ratings.buffer).toBeInstanceOf(ArrayBuffer);
  });
});

/** A bump arena over one shared buffer, in 64-byte regions; `top()` is where it takes next. */
function bumpArena(bytes: number): { memory: SharedArrayBuffer; arena: ColumnArena; top: () => number } {
  const memory = new SharedArrayBuffer(bytes);
  let top = 0;
  const arena: ColumnArena = {
    take: (size) => {
      const offset = top;
      top += Math.ceil(size / 64) * 64;
      if (top > memory.byteLength) throw new Error('test arena full');
      return { buffer: memory, offset };
    },
    trim: (end) => {
      top = end;
    },
  };
  return { memory, arena, top: () => top };
}

describe('an arena', () => {
  it('gets every column of train and valid as a region of its one memory, filled as without it', async () => {
    const train = file('at.csv', 'user,item,rating\n1,1,3\n1,2,4\n2,1,5\n');
    const valid = file('av.csv', 'user,item,rating\n2,2,1\n');
    const { memory, arena, top } = bumpArena(1 << 20);
    const { train: t, valid: v } = await readTrainValidFiles(train, valid, { arena, timestamps: false });
    const columns = [t.users, t.items, t.ratings, v.users, v.items, v.ratings];
    for (const col of columns) expect(col.buffer).toBe(memory);
    // Regions one after another, none overlapping, and the estimate's spare rows given back: the
    // columns end where the arena's next region starts.
    const spans = columns.map((c) => [c.byteOffset, c.byteOffset + c.byteLength]).sort((a, b) => a[0] - b[0]);
    for (let j = 1; j < spans.length; j++) expect(spans[j][0]).toBeGreaterThanOrEqual(spans[j - 1][1]);
    expect(top()).toBe(Math.ceil(spans.at(-1)![1] / 64) * 64);
    expect(top()).toBeLessThanOrEqual(6 * 64);
    const plain = await readTrainValidFiles(train, valid, { timestamps: false });
    for (const [a, b] of [[t, plain.train], [v, plain.valid]]) {
      expect([Array.from(a.users), Array.from(a.items), Array.from(a.ratings)]).toEqual([Array.from(b.users), Array.from(b.items), Array.from(b.ratings)]);
    }
  });
});

describe('columns in an arena that grow', () => {
  it('keep every row through the growth copies, and end packed where the arena takes next', () => {
    const { memory, arena, top } = bumpArena(1 << 16);
    const b = new RatingColumnsBuilder(16, true, arena);
    for (let j = 0; j < 100; j++) b.push(j, 1000 + j, j / 2, 10 * j);
    const grownTo = top();
    const c = b.finish();
    expect([c.users, c.items, c.ratings, c.timestamps!].every((col) => col.buffer === memory && col.length === 100)).toBe(true);
    expect(Array.from(c.users)).toEqual(Array.from({ length: 100 }, (_, j) => j));
    expect(Array.from(c.items)).toEqual(Array.from({ length: 100 }, (_, j) => 1000 + j));
    expect(Array.from(c.ratings)).toEqual(Array.from({ length: 100 }, (_, j) => j / 2));
    expect(Array.from(c.timestamps!)).toEqual(Array.from({ length: 100 }, (_, j) => 10 * j));
    // The old columns stay behind; the live ones now end where the arena's next region starts.
    expect(top()).toBeLessThan(grownTo);
    expect(top()).toBe(Math.ceil((c.timestamps!.byteOffset + c.timestamps!.byteLength) / 64) * 64);
  });
});

describe('the committed line kernel bytes', () => {
  it('are what line-kernel.wat compiles to (run build-line-kernel.ts after editing it)', async () => {
    expect(committedLineKernelModule()).toBe(lineKernelBytesModule(await compileLineKernel()));
  });
});

describe('prefaultPages', () => {
  it('faults pages in without changing a value, even while the parser writes the same pages', async () => {
    const buf = new SharedArrayBuffer(16 << 20);
    const a = new Int32Array(buf);
    for (let i = 0; i < a.length; i += 7) a[i] = i + 1;
    const p = prefaultPages([a], 0)!;
    // The parser's stores, racing the worker's touches.
    for (let i = 0; i < a.length; i += 3) a[i] = -i;
    await p.done;
    for (let i = 0; i < a.length; i++) {
      const want = i % 3 === 0 ? -i : i % 7 === 0 ? i + 1 : 0;
      if (a[i] !== want) expect([i, a[i]]).toEqual([i, want]);
    }
    expect(prefaultPages([new Int32Array(new SharedArrayBuffer(1024))])).toBeNull();
  });
});
