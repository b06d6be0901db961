/**
 * The one write path (issue 13 finding 8): nothing is replaced without overwrite, nothing is
 * written through a link, into a FIFO, a device, a folder or a read-only file, a failed write
 * leaves the old file, leftovers of killed writes are cleaned, and nothing beside the target
 * changes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { removeStaleTemps, writeAtomic, writeFileAtomic, WriteRefusedError, type WriteRefusal } from './atomic-write.ts';
import { readCollabWorkbook, writeCollabWorkbook, type SheetExport } from './xlsx.ts';

// Lets a test make the final rename fail, as a crash or a full disk at that instant would.
const renameFails = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      if (renameFails.on) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO' });
      return real.rename(from, to);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'collabsheet-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  return dir;
};
const bytes = (text: string) => [new TextEncoder().encode(text)];
const posix = process.platform !== 'win32';

async function refusal(write: Promise<unknown>): Promise<{ reason: WriteRefusal; paths: readonly string[]; message: string }> {
  const error = await write.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(WriteRefusedError);
  return error as WriteRefusedError;
}

/** Every entry under dir with its kind, size, mode and mtime: what "nothing else changed" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = lstatSync(join(dir, name));
    out[name] = `${st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other'} ${st.size} ${st.mode} ${st.mtimeMs}`;
  }
  return out;
}

describe('writeAtomic', () => {
  it('writes a new file, with the usual permissions, and leaves no temp behind', async () => {
    const dir = folder();
    const path = join(dir, 'new.txt');
    await writeFileAtomic(path, bytes('hello'));
    expect(readFileSync(path, 'utf8')).toBe('hello');
    expect(readdirSync(dir)).toEqual(['new.txt']);
    if (posix) expect(statSync(path).mode & 0o600).toBe(0o600);
  });

  it('finding 8: an existing text file is not replaced without overwrite; with it, it is, keeping its mode', async () => {
    const dir = folder();
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'my notes');
    chmodSync(path, 0o640);
    const r = await refusal(writeFileAtomic(path, bytes('project bytes')));
    expect(r.reason).toBe('exists');
    expect(r.paths).toEqual([path]);
    expect(r.message).toBe(`${path} already exists: confirm replacing it, or choose another name`);
    expect(readFileSync(path, 'utf8')).toBe('my notes');
    expect(readdirSync(dir)).toEqual(['notes.txt']);

    await writeFileAtomic(path, bytes('project bytes'), { overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('project bytes');
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it.skipIf(!posix)('finding 8: a read-only file is refused, even with overwrite, and says so', async () => {
    const dir = folder();
    const path = join(dir, 'locked.collabsheet');
    writeFileSync(path, 'old project');
    chmodSync(path, 0o444);
    const r = await refusal(writeFileAtomic(path, bytes('new'), { overwrite: true }));
    expect(r.reason).toBe('read-only');
    expect(r.message).toMatch(/locked\.collabsheet is read-only: CollabSheet will not replace it\. Choose another name, or make the file writable first$/);
    expect(readFileSync(path, 'utf8')).toBe('old project');
  });

  it.skipIf(!posix)('finding 8: a FIFO is refused without being opened (opening one would block)', async () => {
    const dir = folder();
    const path = join(dir, 'pipe.collabsheet');
    execFileSync('mkfifo', [path]);
    const r = await refusal(writeFileAtomic(path, bytes('x'), { overwrite: true }));
    expect(r.reason).toBe('not-a-file');
    expect(r.message).toBe(`${path} is a named pipe (FIFO), not a regular file: choose a file name`);
    expect(lstatSync(path).isFIFO()).toBe(true);
  });

  it('a folder and a device are refused', async () => {
    const dir = folder();
    expect((await refusal(writeFileAtomic(dir, bytes('x'), { overwrite: true }))).message).toBe(`${dir} is a folder, not a regular file: choose a file name`);
    if (posix) expect((await refusal(writeFileAtomic('/dev/null', bytes('x'), { overwrite: true }))).message).toMatch(/is a device, not a regular file/);
  });

  it.skipIf(!posix)('finding 8: a symlink is refused, with or without overwrite; the file it points to is unchanged', async () => {
    const dir = folder();
    const target = join(dir, 'elsewhere.txt');
    const link = join(dir, 'sheet.xlsx');
    writeFileSync(target, 'precious');
    symlinkSync(target, link);
    for (const overwrite of [false, true]) {
      const r = await refusal(writeFileAtomic(link, bytes('workbook'), { overwrite }));
      expect(r.reason).toBe('symlink');
      expect(r.message).toMatch(/sheet\.xlsx is a symbolic link: CollabSheet does not write through links/);
    }
    // A dangling link too: writing "through" it would create its target.
    const dangling = join(dir, 'dangling.xlsx');
    symlinkSync(join(dir, 'nowhere.txt'), dangling);
    expect((await refusal(writeFileAtomic(dangling, bytes('workbook')))).reason).toBe('symlink');
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readlinkSync(link)).toBe(target);
    expect(readdirSync(dir).sort()).toEqual(['dangling.xlsx', 'elsewhere.txt', 'sheet.xlsx']);
  });

  it('a write that fails midway leaves the old file and no temp', async () => {
    const dir = folder();
    const path = join(dir, 'data.csv');
    writeFileSync(path, 'old');
    const failing = writeAtomic(path, async (write) => {
      await write(new TextEncoder().encode('half of the new'));
      throw new Error('disk full');
    }, { overwrite: true });
    await expect(failing).rejects.toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['data.csv']);
  });

  it('a file that appears while the new one is written is not clobbered (the link refuses it)', async () => {
    const dir = folder();
    const path = join(dir, 'race.collabsheet');
    const r = await refusal(writeAtomic(path, async (write) => {
      await write(new TextEncoder().encode('ours'));
      writeFileSync(path, 'someone else'); // after the check, before the file is placed
    }));
    expect(r.reason).toBe('exists');
    expect(readFileSync(path, 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['race.collabsheet']);
  });

  it('finding 8: stale temps of ours in the folder are removed at the next save; live ones and others\' files stay', async () => {
    const dir = folder();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid names no running process
    const old = (name: string, ageMs: number) => {
      const path = join(dir, name);
      writeFileSync(path, Buffer.alloc(1000));
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(path, t, t);
      return name;
    };
    const deadWriter = old(`.big.collabsheet.${dead}.a1b2c3d4.collabsheet-tmp`, 2 * 60_000);
    const hourOld = old(`.sheet.xlsx.${process.pid}.00ff00ff.collabsheet-tmp`, 2 * 3600_000);
    const earlierVersion = old(`.work.collabsheet.${dead}.lq2x9k.tmp`, 2 * 60_000); // the pre-fix writer's name
    const writing = old(`.other.collabsheet.${process.pid}.12345678.collabsheet-tmp`, 1000); // a save in progress
    const justDied = old(`.fresh.collabsheet.${dead}.87654321.collabsheet-tmp`, 1000); // may be another machine's writer
    const notOurs = old('.notes.txt.swp', 5 * 3600_000);
    const notOursTmp = old('.cache.123.abc.tmp', 5 * 3600_000);

    await writeFileAtomic(join(dir, 'saved.collabsheet'), bytes('x'));
    const left = readdirSync(dir).sort();
    expect(left).toEqual([justDied, writing, notOursTmp, notOurs, 'saved.collabsheet'].sort());
    for (const gone of [deadWriter, hourOld, earlierVersion]) expect(left).not.toContain(gone);
    expect(await removeStaleTemps(dir)).toEqual([]);
  });

  it('issue 13 build 7: a save, a refused save and a replacement change nothing but the chosen file', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'target.collabsheet'), 'old');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.txt'), 'b');
    if (posix) symlinkSync(join(dir, 'a.txt'), join(dir, 'link.txt'));
    const before = snapshot(dir);

    await refusal(writeFileAtomic(join(dir, 'target.collabsheet'), bytes('new')));
    if (posix) await refusal(writeFileAtomic(join(dir, 'link.txt'), bytes('new'), { overwrite: true }));
    expect(snapshot(dir)).toEqual(before);

    await writeFileAtomic(join(dir, 'target.collabsheet'), bytes('new!'), { overwrite: true });
    const after = snapshot(dir);
    const changed = Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
    expect(changed).toEqual(['target.collabsheet']);
  });
});

describe('the Excel export writes atomically (finding 8: it wrote in place, through links)', () => {
  const sheet: SheetExport = {
    userIds: ['1', '2'], itemIds: ['10', '20'], ratings: Float32Array.of(5, NaN, 3, 4), factors: 1,
    userFactors: Float32Array.of(1, 2), itemFactors: Float32Array.of(0.5, 1.5),
  };

  it('a rename that fails (a crash at that instant) leaves the previous workbook whole, and no temp', async () => {
    const dir = folder();
    const path = join(dir, 'sheet.xlsx');
    await writeCollabWorkbook(path, sheet);
    const previous = readFileSync(path);
    renameFails.on = true;
    try {
      await expect(writeCollabWorkbook(path, { ...sheet, userIds: ['3', '4'] }, { overwrite: true })).rejects.toThrow(/EIO/);
    } finally {
      renameFails.on = false;
    }
    expect(readFileSync(path).equals(previous)).toBe(true);
    expect((await readCollabWorkbook(path)).data.userIds).toEqual(['1', '2']);
    expect(readdirSync(dir)).toEqual(['sheet.xlsx']);
  });

  it('does not overwrite an existing file without overwrite', async () => {
    const dir = folder();
    const path = join(dir, 'sheet.xlsx');
    writeFileSync(path, 'not a workbook, but mine');
    expect((await refusal(writeCollabWorkbook(path, sheet))).reason).toBe('exists');
    expect(readFileSync(path, 'utf8')).toBe('not a workbook, but mine');
  });
});
