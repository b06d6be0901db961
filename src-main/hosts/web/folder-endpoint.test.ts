/**
 * Issue 16 item 6: the folder listing the browser page's file browser asks for (POST /folder),
 * and what it answers to hostile or broken requests — every refusal a clear message, the host
 * alive after each.
 */
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import { MAX_ENTRIES } from './folder-listing.ts';
import type { FolderListing } from './folder-types.ts';
import { FOLDER_PATH, startWebHost, type WebHost } from './web-host.ts';

const endpoint: ServiceEndpoint = { handle: async () => ({ id: 1, ok: true, value: null }), subscribe: () => () => {} };

describe('POST /folder (issue 16 item 6)', () => {
  let dir: string;
  let host: WebHost;
  const url = (token: string | null = host.token) => `http://127.0.0.1:${host.port}${FOLDER_PATH}${token === null ? '' : `?token=${token}`}`;
  const ask = (body: unknown, init: { token?: string | null; type?: string; raw?: string } = {}) =>
    fetch(url(init.token), {
      method: 'POST',
      headers: { 'content-type': init.type ?? 'application/json' },
      body: init.raw ?? JSON.stringify(body),
    });
  const listing = async (body: unknown): Promise<FolderListing> => {
    const res = await ask(body);
    expect(res.status).toBe(200);
    return (await res.json()) as FolderListing;
  };
  const refusal = async (res: Response, status: number): Promise<string> => {
    expect(res.status).toBe(status);
    return ((await res.json()) as { error: string }).error;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collabsheet-folder-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    await mkdir(join(dir, 'data', 'zeta'), { recursive: true });
    await mkdir(join(dir, 'data', 'Alpha'));
    await mkdir(join(dir, 'data', '.git'));
    await writeFile(join(dir, 'data', 'u.data'), '1\t2\t5\t0\n');
    await writeFile(join(dir, 'data', 'ratings10.csv'), 'user,item,rating\n');
    await writeFile(join(dir, 'data', 'ratings9.csv'), 'user,item,rating\n1,2,3\n');
    await writeFile(join(dir, 'data', '.hidden'), 'x');
    await utimes(join(dir, 'data', 'u.data'), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    await symlink(join(dir, 'data', 'Alpha'), join(dir, 'data', 'link-to-alpha'));
    await symlink(join(dir, 'nowhere'), join(dir, 'data', 'broken-link'));
    host = await startWebHost({ endpoint, rendererDir: dir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists folders first, then files, in natural order, with sizes and times; hidden names only when asked', async () => {
    const got = await listing({ path: join(dir, 'data') });
    expect(got.path).toBe(join(dir, 'data'));
    expect(got.parent).toBe(dir);
    expect(got.more).toBe(0);
    expect(got.entries.map((e) => `${e.kind}:${e.name}`)).toEqual([
      'folder:Alpha', 'folder:link-to-alpha', 'folder:zeta',
      'file:broken-link', 'file:ratings9.csv', 'file:ratings10.csv', 'file:u.data',
    ]);
    const data = got.entries.find((e) => e.name === 'u.data')!;
    expect(data).toEqual({ name: 'u.data', kind: 'file', size: 8, modified: 1_700_000_000_000 });
    expect(got.entries.find((e) => e.name === 'Alpha')!.size).toBeNull();
    const all = await listing({ path: join(dir, 'data'), hidden: true });
    expect(all.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['.git', '.hidden']));
    expect(all.entries[0].name).toBe('.git');
  });

  it('says a root has no parent', async () => {
    expect((await listing({ path: '/' })).parent).toBeNull();
  });

  it(`answers a huge folder with the first ${MAX_ENTRIES} entries and how many more there are`, async () => {
    const big = join(dir, 'big');
    await mkdir(big);
    await Promise.all(Array.from({ length: MAX_ENTRIES + 345 }, (_, n) => writeFile(join(big, `f${n}.csv`), '')));
    const got = await listing({ path: big });
    expect(got.entries).toHaveLength(MAX_ENTRIES);
    expect(got.more).toBe(345);
    expect(got.entries[0].name).toBe('f0.csv');
  });

  it('refuses a file, a missing folder and a relative or traversing path in words', async () => {
    expect(await refusal(await ask({ path: join(dir, 'data', 'u.data') }), 422)).toBe(`${join(dir, 'data', 'u.data')} is a file, not a folder: choose the folder it is in`);
    expect(await refusal(await ask({ path: join(dir, 'gone') }), 422)).toBe(`${join(dir, 'gone')} does not exist: go up to a folder that does`);
    expect(await refusal(await ask({ path: join(dir, 'data', 'u.data', 'x') }), 422)).toMatch(/is not a folder: a part of the path is a file/);
    expect(await refusal(await ask({ path: '../../etc' }), 400)).toMatch(/\.\.\/\.\.\/etc is not a full path/);
    expect(await refusal(await ask({ path: `${dir}\0/etc` }), 400)).toMatch(/a path cannot hold a NUL character/);
    // `..` inside a full path is an ordinary path to a folder of this machine, listed as such.
    expect((await listing({ path: join(dir, 'data', 'zeta') + '/../..' })).entries.map((e) => e.name)).toContain('data');
  });

  it('refuses a request without the token, or with the cookie from another site', async () => {
    expect(await ask({ path: dir }, { token: null }).then((r) => r.status)).toBe(401);
    expect(await ask({ path: dir }, { token: 'wrong' }).then((r) => r.status)).toBe(401);
    const cookie = (await fetch(host.url)).headers.get('set-cookie')!.split(';')[0];
    const post = (site: string) =>
      fetch(url(null), { method: 'POST', headers: { cookie, 'sec-fetch-site': site, 'content-type': 'application/json' }, body: JSON.stringify({ path: dir }) });
    expect((await post('same-site')).status).toBe(401);
    expect((await post('same-origin')).status).toBe(200);
  });

  it('refuses bad JSON, the wrong content type, an oversized body, unknown fields and GET', async () => {
    expect(await refusal(await ask(null, { raw: '{"path": "/tmp"' }), 400)).toBe('Malformed folder request: not JSON');
    expect(await refusal(await ask(null, { raw: '[]' }), 400)).toMatch(/^Malformed folder request: /);
    expect(await refusal(await ask({ path: dir }, { type: 'text/plain' }), 415)).toMatch(/Content-Type application\/json/);
    expect(await refusal(await ask(null, { raw: JSON.stringify({ path: `/${'a'.repeat(40_000)}` }) }), 413)).toMatch(/at most 16384 bytes/);
    expect(await refusal(await ask({ path: dir, extra: 1 }), 400)).toMatch(/^Malformed folder request: /);
    expect(await refusal(await ask({ path: dir, hidden: 'yes' }), 400)).toMatch(/^Malformed folder request: /);
    expect((await fetch(url())).status).toBe(405);
    // Still serving.
    expect((await listing({ path: dir })).entries.length).toBeGreaterThan(0);
    expect((await fetch(host.url)).status).toBe(200);
  });
});
