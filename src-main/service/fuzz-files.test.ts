/**
 * Issue 13 item 7, the files half: mutated sheet files, mutated workbooks and every kind of path
 * (FIFO, device, folder, dangling symlink, symlink to a device) opened through the real service
 * and its real worker. After each case the service must still be alive (no worker restart), have
 * answered within its deadline, and keep a usable sheet: the old one intact when the file was
 * refused, the new one when it opened; and no file in the folder may have changed. Fixed seeds:
 * a failure names its case and replays.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCollabWorkbook } from '../io/xlsx.ts';
import { demoSheetPath } from '../io/resources.ts';
import type { AppState, EventMessage } from './contract.ts';
import { createService, type DisposableService } from './service.ts';
import { tsxWorkerFactory } from './testing/tsx-worker.ts';

const DEADLINE_MS = 15_000;
const dir = mkdtempSync(join(tmpdir(), 'collabsheet-fuzz-files-'));
let svc: DisposableService;
const events: EventMessage[] = [];
const tally = { cases: 0, opened: 0, refused: 0, deaths: 0, hangs: 0, stranded: 0, changedOutside: 0 };

function within<T>(p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('HANG')), DEADLINE_MS))]);
}

/** The folder's files and their sizes and mtimes: what "nothing else changed" compares. */
const snapshot = () =>
  readdirSync(dir)
    .sort()
    .map((f) => {
      const s = statSync(join(dir, f), { throwIfNoEntry: false });
      return `${f}:${s?.size ?? '-'}:${s?.mtimeMs ?? '-'}`;
    })
    .join('\n');

/** Opens `path` through the service; checks the host survived and the sheet is whole either way. */
async function openCase(path: string): Promise<void> {
  tally.cases++;
  const before: AppState = await svc.getState({});
  const deaths = events.length;
  const files = snapshot();
  let outcome: 'opened' | 'refused';
  try {
    await within(svc.openRatings({ path }));
    outcome = 'opened';
  } catch (error) {
    if ((error as Error).message === 'HANG') {
      tally.hangs++;
      throw new Error(`${path}: no answer within ${DEADLINE_MS} ms`);
    }
    expect((error as Error).message).toMatch(new RegExp(path.split('/').at(-1)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    outcome = 'refused';
  }
  tally[outcome]++;
  if (events.slice(deaths).some((e) => e.event === 'message' && /training worker stopped/.test(e.payload.text))) tally.deaths++;
  if (snapshot() !== files) tally.changedOutside++;
  const after = await within(svc.getState({}));
  if (outcome === 'refused' && JSON.stringify(after.sheet.ratings) !== JSON.stringify(before.sheet.ratings)) tally.stranded++;
  try {
    await within(svc.step({}));
  } catch {
    tally.stranded++;
  }
  expect({ deaths: tally.deaths, hangs: tally.hangs, stranded: tally.stranded, changedOutside: tally.changedOutside }).toEqual({ deaths: 0, hangs: 0, stranded: 0, changedOutside: 0 });
}

beforeAll(async () => {
  svc = await createService(tsxWorkerFactory, { source: { kind: 'sheet-file', path: demoSheetPath() }, settings: { epochsPerSecond: 0 } });
  svc.subscribe((e) => events.push(e));
});

afterAll(async () => {
  await svc.dispose();
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz-files: ${tally.cases} cases (${tally.opened} opened, ${tally.refused} refused); host deaths ${tally.deaths}, hangs ${tally.hangs}, stranded sessions ${tally.stranded}, files changed outside the chosen path ${tally.changedOutside}`);
});

/** Values a hostile file puts where a number, string or list was. */
const hostile = fc.oneof(
  fc.constantFrom(-5, 0, 1e39, -1e308, 1e309, Number.MAX_SAFE_INTEGER, 2 ** 32, 0.5, null, '', 'x'.repeat(5000), [], {}, true),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `v`. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(v)) return here.concat(...v.slice(0, 20).map((x, i) => paths(x, [...at, i])));
  if (v && typeof v === 'object') return here.concat(...Object.entries(v).map(([k, x]) => paths(x, [...at, k])));
  return here;
}

function replaced(v: Json, at: (string | number)[], value: Json | undefined): Json {
  if (at.length === 0) return value ?? null;
  const [head, ...rest] = at;
  if (Array.isArray(v)) {
    const copy = v.slice();
    if (value === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaced(copy[head as number], rest, value);
    return copy;
  }
  const copy = { ...(v as Record<string, Json>) };
  if (value === undefined && rest.length === 0) delete copy[head as string];
  else copy[head as string] = replaced(copy[head as string], rest, value);
  return copy;
}

describe('fuzz: files opened through the real service', () => {
  const demo = JSON.parse(readFileSync(demoSheetPath(), 'utf8')) as Json;
  const demoPaths = paths(demo);

  it('mutated sheet files: a value replaced or a key deleted', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(demoPaths.length - 1), fc.option(hostile, { nil: undefined }), async (which, value) => {
        const path = join(dir, `sheet-${n++}.json`);
        writeFileSync(path, JSON.stringify(replaced(demo, demoPaths[which], value as Json | undefined)));
        await openCase(path);
        rmSync(path);
      }),
      { numRuns: 80, seed: 13 },
    );
  }, 300_000);

  /** Each case: `bytes` cut short (to no fewer than `keepAtLeast`) and a few bytes overwritten, then opened. */
  async function openMutated(bytes: Buffer, o: { name: string; ext: string; keepAtLeast: number; maxFlips: number; numRuns: number; seed: number }): Promise<void> {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length), fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(255)), { maxLength: o.maxFlips }), async (cut, flips) => {
        const mutated = Buffer.from(bytes.subarray(0, Math.max(cut, o.keepAtLeast)));
        for (const [at, byte] of flips) if (at < mutated.length) mutated[at] = byte;
        const path = join(dir, `${o.name}-${n++}.${o.ext}`);
        writeFileSync(path, mutated);
        await openCase(path);
        rmSync(path);
      }),
      { numRuns: o.numRuns, seed: o.seed },
    );
  }

  it('mutated sheet files: cut short or bytes flipped', async () => {
    await openMutated(readFileSync(demoSheetPath()), { name: 'bytes', ext: 'json', keepAtLeast: 0, maxFlips: 4, numRuns: 50, seed: 14 });
  }, 300_000);

  it('mutated workbooks: cut short or bytes flipped', async () => {
    const good = join(dir, 'good.xlsx');
    const f32 = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
    await writeCollabWorkbook(good, {
      userIds: ['1', '2', '3'],
      itemIds: ['10', '20', '30', '40'],
      ratings: f32(12, (i) => (i % 4 === 1 ? NaN : 1 + (i % 5))),
      factors: 2,
      userFactors: f32(6, (i) => i / 10),
      itemFactors: f32(8, (i) => i / 20),
    });
    const bytes = readFileSync(good);
    rmSync(good);
    // Cut within the last 64 bytes at most: a zip's directory is at its end.
    await openMutated(bytes, { name: 'book', ext: 'xlsx', keepAtLeast: bytes.length - 64, maxFlips: 3, numRuns: 40, seed: 15 });
  }, 300_000);

  it('every kind of path: FIFO, devices, folder, dangling and device symlinks', async () => {
    const fifo = join(dir, 'ratings.fifo');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'folder.csv'));
    symlinkSync(join(dir, 'nowhere.csv'), join(dir, 'dangling.csv'));
    symlinkSync('/dev/zero', join(dir, 'zero.csv'));
    for (const path of [fifo, '/dev/zero', '/dev/urandom', join(dir, 'folder.csv'), join(dir, 'dangling.csv'), join(dir, 'zero.csv'), join(dir, 'zero.json'), join(dir, 'x.xlsx')]) {
      await openCase(path);
    }
    symlinkSync(fifo, join(dir, 'fifo.xlsx'));
    await openCase(join(dir, 'fifo.xlsx'));
  }, 300_000);
});
