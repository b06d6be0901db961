import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EventMessage, ReplyMessage } from '../../service/contract.ts';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import { startWebHost, SOCKET_PATH, type WebHost } from './web-host.ts';

/** An endpoint that echoes the command name, and lets the test push events. */
function echoEndpoint() {
  const listeners = new Set<(e: EventMessage) => void>();
  const endpoint: ServiceEndpoint = {
    async handle(message) {
      const m = message as { id: number; command: string };
      return { id: m.id, ok: true, value: m.command };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { endpoint, push: (e: EventMessage) => listeners.forEach((l) => l(e)), listeners };
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function connect(url: string): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ status: 0 }));
  });
}

describe('web host', () => {
  let dir: string;
  let host: WebHost;
  const fake = echoEndpoint();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collabsheet-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(tmpdir(), 'collabsheet-outside.txt'), 'secret');
    host = await startWebHost({ endpoint: fake.endpoint, rendererDir: dir, port: 0 });
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
    await rm(join(tmpdir(), 'collabsheet-outside.txt'), { force: true });
  });

  const socketUrl = (token?: string) =>
    `ws://127.0.0.1:${host.port}${SOCKET_PATH}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

  it('listens on loopback with a long random token in its URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[\\w-]{43}$`));
  });

  it('refuses a WebSocket without the token or with a wrong one', async () => {
    expect((await connect(socketUrl())).status).toBe(401);
    expect((await connect(socketUrl('wrong'))).status).toBe(401);
    expect((await connect(socketUrl(host.token.slice(0, -1) + 'x'))).status).toBe(401);
    expect(fake.listeners.size).toBe(0);
  });

  it('refuses a WebSocket opened by a page of another origin, even with the token', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(socketUrl(host.token), { origin: 'http://evil.example' });
      ws.on('open', () => resolve(101));
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(401);
  });

  it('answers requests and pushes events on a socket with the token', async () => {
    const { status, ws } = await connect(socketUrl(host.token));
    expect(status).toBe(101);
    const messages: unknown[] = [];
    const got = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (messages.length >= n ? resolve() : setTimeout(check, 5));
        check();
      });
    ws!.on('message', (data) => messages.push(JSON.parse(data.toString())));
    ws!.send(JSON.stringify({ id: 7, command: 'getState', args: {} }));
    await got(1);
    expect(messages[0]).toEqual({ id: 7, ok: true, value: 'getState' } satisfies ReplyMessage);
    fake.push({ event: 'message', payload: { level: 'info', text: 'hi' } });
    ws!.send('not json');
    await got(3);
    expect(messages).toContainEqual({ event: 'message', payload: { level: 'info', text: 'hi' } });
    expect(messages).toContainEqual({ id: -1, ok: false, error: 'Malformed request: not a JSON text message' });
    ws!.close();
  });

  it('serves the page only with the token, then its assets by the cookie it set', async () => {
    const base = `http://127.0.0.1:${host.port}`;
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${base}/assets/app.js`, { headers: { cookie: 'collabsheet_token=nope' } })).status).toBe(401);
  });

  it('never serves a file outside the renderer folder', async () => {
    const base = `http://127.0.0.1:${host.port}`;
    const res = await fetch(`${base}/..%2Fcollabsheet-outside.txt?token=${host.token}`);
    expect([403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('secret');
  });
});
