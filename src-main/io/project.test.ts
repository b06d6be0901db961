import { spawn } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../engine/types.ts';
import { autosave, autosavePathFor, type CollabProject, discardAutosave, findRecoverable, openProject, PROJECT_FORMAT_VERSION, ProjectFileError, saveProject } from './project.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-project-'));
const config = { model: { kind: 'dotbias', factors: 2 }, epochs: 5 } as unknown as TrainConfig;

function sample(): CollabProject {
  return {
    name: 'Lesson 7 sheet',
    source: {
      kind: 'embedded',
      dataset: {
        users: Int32Array.of(0, 1, 1),
        items: Int32Array.of(1, 0, 1),
        ratings: Float32Array.of(3.5, 1, 5),
        timestamps: Float64Array.of(1e9, 1e9 + 1, 1e9 + 2),
        userIds: ['14', '29'],
        itemIds: ['27', '49'],
        itemTitles: ['Toy Story', undefined],
        itemGenres: [['Comedy'], undefined],
      },
    },
    config,
    model: {
      params: { user_factors: { shape: [2, 2], data: Float32Array.of(0.1, -0.2, Math.PI, 1e-30) }, item_bias: { shape: [2], data: Float32Array.of(0.5, -0.5) } },
      optimizer: { step: 12, hypers: { lr: 0.005, mom: 0.9, sqrMom: 0.99, eps: 1e-5, wd: 0.1 }, params: { user_factors: { avg: Float32Array.of(1, 2, 3, 4) } } },
    },
    history: [{ epoch: 1, trainRmse: 1.1, trainMae: 0.9, validRmse: null, validMae: null, lr: 0.001, seconds: 0.2 }],
    state: { view: { n: 15 }, split: { kind: 'random', validPct: 0.1, seed: 42 } },
  };
}

describe('project files', () => {
  it('round-trips data, config, parameters bit-exactly, optimizer state, history and app state', async () => {
    const path = join(dir, 'roundtrip.collabsheet');
    await saveProject(path, sample());
    const back = await openProject(path);
    expect(back).toEqual({ ...sample(), runs: [] });
    expect(back.model!.params.user_factors.data).toBeInstanceOf(Float32Array);
  });

  it('stores a reference to the ratings file instead of the data', async () => {
    const path = join(dir, 'ref.collabsheet');
    const project: CollabProject = { ...sample(), source: { kind: 'file', path: '/data/ml-25m/ratings.csv', bytes: 678_260_987, mtimeMs: 1.5e12, importOptions: { badRows: 'skip', scale: { min: 0.5, max: 5 } } } };
    await saveProject(path, project);
    expect((await openProject(path)).source).toEqual(project.source);
  });

  it('a save replaces the previous version atomically and leaves no temp file', async () => {
    const path = join(dir, 'twice.collabsheet');
    await saveProject(path, sample());
    await saveProject(path, { ...sample(), name: 'second' }, { overwrite: true });
    expect((await openProject(path)).name).toBe('second');
    expect(readdirSync(dir).filter((f) => f.includes('twice') && f.endsWith('.collabsheet-tmp'))).toEqual([]);
  });

  describe('refuses bad files with one-line messages', () => {
    async function saved(): Promise<{ path: string; bytes: Buffer }> {
      const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.collabsheet`);
      await saveProject(path, sample());
      return { path, bytes: readFileSync(path) };
    }
    const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
      ['not a project', () => Buffer.from('user,item,rating\n1,2,3\n'), /: not a CollabSheet project$/],
      ['empty', () => Buffer.alloc(0), /: the file is empty \(not a CollabSheet project\)$/],
      ['newer version', (b) => (b.writeUInt32LE(PROJECT_FORMAT_VERSION + 1, 8), b), /: was saved by a newer CollabSheet \(project format 3; this version reads up to 2\): update CollabSheet to open it$/],
      ['truncated', (b) => b.subarray(0, b.length - 10), /: is damaged: it ends after \d+ bytes, \d+ bytes short \(an interrupted copy\?\)$/],
      ['cut inside the header', (b) => b.subarray(0, 40), /: is damaged: the file is cut short/],
      ['flipped bit in an array', (b) => (b[b.length - 20] ^= 1, b), /: is damaged \(checksum mismatch in array \d+\)$/],
      ['flipped bit in the header', (b) => (b[30] ^= 1, b), /: is damaged \(header checksum mismatch\)$/],
    ];
    for (const [name, damage, message] of cases) {
      it(name, async () => {
        const { path, bytes } = await saved();
        writeFileSync(path, damage(Buffer.from(bytes)));
        const error = await openProject(path).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProjectFileError);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message.startsWith(path)).toBe(true);
      });
    }
    // Issue 13 finding 5 (and 10's "Ctor is not a constructor"): the header's claims about an
    // array were trusted; a length of -5 threw "Invalid typed array length", a kind "toString"
    // reached `new`. The checksums are recomputed, so only the claim is wrong.
    const lying = async (ref: Record<string, unknown>): Promise<Buffer> => {
      const { bytes } = await saved();
      const length = bytes.readUInt32LE(12);
      const header = JSON.parse(bytes.subarray(24, 24 + length).toString('utf8'));
      Object.assign(header.body.source.dataset.ratings, ref);
      let text = JSON.stringify(header);
      text += ' '.repeat((8 - ((24 + text.length) % 8)) % 8);
      const prefix = Buffer.from(bytes.subarray(0, 24));
      prefix.writeUInt32LE(text.length, 12);
      prefix.writeUInt32LE(crc32(Buffer.from(text)), 16);
      return Buffer.concat([prefix, Buffer.from(text), bytes.subarray(24 + length)]);
    };
    for (const [claim, message] of [
      [{ length: -5 }, /is damaged \(array \d+ claims -5 values in 12 bytes\)$/],
      [{ length: 1e6 }, /is damaged \(array \d+ claims 1000000 values in 12 bytes\)$/],
      [{ kind: 'toString' }, /is not a valid project \(source\.dataset\.ratings: /],
    ] as const) {
      it(`an array whose header claims ${JSON.stringify(claim)}`, async () => {
        const path = join(dir, 'lying.collabsheet');
        writeFileSync(path, await lying(claim));
        await expect(openProject(path)).rejects.toThrow(message);
      });
    }
    it('missing file', async () => {
      await expect(openProject(join(dir, 'nope.collabsheet'))).rejects.toThrow(`${join(dir, 'nope.collabsheet')}: no such file`);
    });
  });

  it('a save killed with SIGKILL mid-write leaves the last complete project readable', { timeout: 120_000 }, async () => {
    let killedMidWrite = 0;
    for (let attempt = 0; attempt < 16 && killedMidWrite < 2; attempt++) {
      const runDir = mkdtempSync(join(dir, 'kill-'));
      const path = join(runDir, 'killed.collabsheet');
      const lastSaved = await saveUntilKilled(path);
      expect(lastSaved).toBeGreaterThanOrEqual(2);
      const project = await openProject(path);
      const generation = Number(project.name.replace('generation ', ''));
      // The save in flight either completed (rename done) or left the previous file intact.
      expect(generation === lastSaved || generation === lastSaved + 1).toBe(true);
      expect(project.model!.params.user_factors.data.every((v) => v === generation)).toBe(true);
      // A temp file left behind proves the kill landed inside a save.
      if (readdirSync(runDir).some((f) => f.endsWith('.collabsheet-tmp'))) killedMidWrite++;
    }
    expect(killedMidWrite).toBeGreaterThan(0);
  });
});

/** Runs the save loop in a child and SIGKILLs it 1–30 ms into the third save (which takes ~40 ms). */
async function saveUntilKilled(path: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'project-save-loop.fixture.ts'), path, '4000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let lastSaved = 0;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      for (const m of text.matchAll(/saved (\d+)/g)) lastSaved = Number(m[1]);
      if (text.includes('saving 3') && !timer) timer = setTimeout(() => child.kill('SIGKILL'), 1 + Math.random() * 14);
    });
    child.on('exit', () => resolve());
  });
  return lastSaved;
}

describe('autosave and recovery', () => {
  it('offers an untitled autosave and an autosave newer than its project, not an older one', async () => {
    const recovery = mkdtempSync(join(tmpdir(), 'collabsheet-recovery-'));
    const projectPath = join(dir, 'autosaved.collabsheet');
    await saveProject(projectPath, sample());
    const untitled = await autosave(recovery, null, 'session1', { ...sample(), name: 'Untitled' });
    const shadow = await autosave(recovery, projectPath, 'session1', { ...sample(), name: 'edited' });
    expect(shadow).toBe(autosavePathFor(recovery, projectPath, 'session2'));
    const found = await findRecoverable(recovery);
    expect(found.map((f) => [f.name, f.autosaveOf]).sort()).toEqual([
      ['Untitled', null],
      ['edited', projectPath],
    ]);
    expect((await openProject(found.find((f) => f.autosaveOf === null)!.path)).name).toBe('Untitled');

    // Saving the project afterwards makes its autosave stale.
    const later = new Date(Date.now() + 60_000);
    utimesSync(projectPath, later, later);
    expect((await findRecoverable(recovery)).map((f) => f.path)).toEqual([untitled]);
    await discardAutosave(untitled);
    expect(await findRecoverable(recovery)).toEqual([]);
  });
});
