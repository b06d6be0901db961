/**
 * Issue 12 item 1: a project keeps its runs, their parameters in a section of their own that
 * opening does not read — a run's factors are read from the file when the run is opened — and a
 * version 1 project (before runs) opens with none.
 */
import { crc32 } from 'node:zlib';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelParams, TrainConfig } from '../engine/types.ts';
import { type CollabProject, decodeProject, encodeProject, openProject, openProjectRuns, saveProject } from './project.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-project-runs-'));

const factors = (n: number, fill: number): ModelParams => ({
  params: { user_factors: { shape: [n, 4], data: new Float32Array(n * 4).fill(fill) }, item_bias: { shape: [3], data: Float32Array.of(0.5, -0.5, fill) } },
  optimizer: null,
});

function sheet(): CollabProject {
  return {
    name: 'runs',
    source: { kind: 'embedded', dataset: { users: Int32Array.of(0, 1), items: Int32Array.of(1, 0), ratings: Float32Array.of(3, 4), userIds: ['a', 'b'], itemIds: ['x', 'y'] } },
    config: { model: { kind: 'dotbias' } } as unknown as TrainConfig,
    model: factors(2, 0.25),
    history: [],
    state: { any: 'thing' },
  };
}

const bytesOf = (parts: Uint8Array[]) => Buffer.concat(parts);

describe('runs in a project file', () => {
  it('saves the runs; opening leaves their factors in the file and reads them when asked, bit-exact', async () => {
    const path = join(dir, 'three.collabsheet');
    const big = factors(50_000, 1.5); // 800 kB: far more than the sheet itself
    await saveProject(path, { ...sheet(), runs: [{ meta: { id: 'r1' }, params: factors(2, 0.1) }, { meta: { id: 'r2' }, params: null }, { meta: { id: 'r3' }, params: big }] });
    const opened = await openProject(path);
    expect(opened.model).toEqual(sheet().model);
    expect(opened.runs.map((r) => r.meta)).toEqual([{ id: 'r1' }, { id: 'r2' }, { id: 'r3' }]);
    expect(opened.runs[1].params).toBeNull();
    expect(opened.runs[2].params!.bytes).toBeGreaterThanOrEqual(800_000);
    expect(await opened.runs[2].params!.load()).toEqual(big);
    expect(await opened.runs[0].params!.load()).toEqual(factors(2, 0.1));
  });

  it('the sheet decodes from the first part of the file alone: the runs section is not needed to open it', async () => {
    const parts = encodeProject({ ...sheet(), runs: [{ meta: { id: 'r1' }, params: factors(10_000, 2) }] }, null);
    const whole = bytesOf(parts);
    const header = JSON.parse(whole.subarray(24, 24 + whole.readUInt32LE(12)).toString('utf8')) as { mainBytes: number };
    const mainPart = whole.subarray(0, 24 + whole.readUInt32LE(12) + header.mainBytes);
    expect(mainPart.length).toBeLessThan(whole.length / 10);
    const path = join(dir, 'main-part.collabsheet');
    writeFileSync(path, whole);
    const { project } = decodeProject(path, Buffer.from(mainPart));
    expect(project.model).toEqual(sheet().model);
    expect(await project.runs[0].params!.load()).toEqual(factors(10_000, 2)); // read from the file at `path`
  });

  it("a run's factors changed in the file since it was opened: refused with the file and the run named", async () => {
    const path = join(dir, 'changed.collabsheet');
    await saveProject(path, { ...sheet(), runs: [{ meta: { id: 'r1' }, params: factors(100, 3) }] });
    const opened = await openProject(path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 20] ^= 0xff; // inside the run's blob, at the end of the file
    writeFileSync(path, bytes);
    await expect(opened.runs[0].params!.load()).rejects.toThrow(`${path}: is damaged (checksum mismatch in run 1's array`);
  });

  it('a file cut inside its runs section is named damaged at open (the section is measured, not read)', async () => {
    const path = join(dir, 'cut.collabsheet');
    await saveProject(path, { ...sheet(), runs: [{ meta: { id: 'r1' }, params: factors(100, 3) }] });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    await expect(openProject(path)).rejects.toThrow(`${path}: is damaged: it ends after ${bytes.length - 100} bytes, 100 bytes short (an interrupted copy?)`);
  });

  it('a project without runs whose last array ends off the 8-byte grid opens (mainBytes is where it ends, not padded)', async () => {
    const path = join(dir, 'unaligned.collabsheet');
    const odd = { ...sheet(), model: { params: { item_bias: { shape: [3], data: Float32Array.of(1, 2, 3) } }, optimizer: null } }; // 12 bytes last
    await saveProject(path, odd);
    expect((await openProject(path)).model).toEqual(odd.model);
  });

  it('openProjectRuns reads the header only and finds each run where the latest save put it', async () => {
    const path = join(dir, 'relink.collabsheet');
    await saveProject(path, { ...sheet(), runs: [{ meta: { id: 'r1' }, params: factors(3, 7) }] });
    const runs = await openProjectRuns(path);
    expect(await runs[0].params!.load()).toEqual(factors(3, 7));
  });

  it('a version 1 project (saved before runs) opens with no runs', async () => {
    const path = join(dir, 'v1.collabsheet');
    writeFileSync(path, versionOne(sheet()));
    const opened = await openProject(path);
    expect(opened.runs).toEqual([]);
    expect(opened.model).toEqual(sheet().model);
    expect(statSync(path).size).toBeGreaterThan(0);
  });
});

/** The file a version 1 CollabSheet wrote: no runs in the body, no mainBytes or runBlobs in the header. */
function versionOne(project: CollabProject): Buffer {
  const whole = bytesOf(encodeProject(project, null));
  const length = whole.readUInt32LE(12);
  const header = JSON.parse(whole.subarray(24, 24 + length).toString('utf8')) as Record<string, unknown> & { body: Record<string, unknown> };
  delete header['mainBytes'];
  delete header['runBlobs'];
  delete header.body['runs'];
  const text = JSON.stringify(header);
  const padded = Buffer.from(text + ' '.repeat(length - Buffer.byteLength(text))); // shorter than before: padded to the same length
  const out = Buffer.from(whole);
  out.writeUInt32LE(1, 8);
  padded.copy(out, 24);
  out.writeUInt32LE(crc32(padded), 16);
  return out;
}
