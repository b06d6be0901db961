/**
 * Issue 13, findings 1–3 and 11: requests and frames that used to kill the web host. Each case
 * talks raw TCP (fetch and ws refuse to send these), then checks the host is alive: the page still
 * loads with the token and a socket still answers a request.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import { startWebHost, SOCKET_PATH, type WebHost } from './web-host.ts';

const endpoint: ServiceEndpoint = {
  async handle(message) {
    const m = message as { id: number; command: string };
    return { id: m.id, ok: true, value: m.command };
  },
  subscribe: () => () => {},
};

/** Writes raw bytes, resolves with everything the host sent back before closing (or 2 s). */
function raw(port: number, bytes: Buffer | string, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(bytes));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
  });
}

/** The opening handshake of a socket with the token, as raw text. */
function upgradeRequest(port: number, token: string): string {
  return (
    `GET ${SOCKET_PATH}?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** A client frame: FIN + opcode (+ RSV bits), masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, { masked = true, rsv = 0, length = payload.length } = {}): Buffer {
  const head: number[] = [0x80 | rsv | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 255);
  else {
    head.push(maskBit | 127, 0, 0, 0, 0);
    head.push((length >>> 24) & 255, (length >>> 16) & 255, (length >>> 8) & 255, length & 255);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from(head), mask, body]);
}

describe('web host under hostile input', () => {
  let dir: string;
  let host: WebHost;
  const base = () => `http://127.0.0.1:${host.port}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'collabsheet-hostile-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    host = await startWebHost({ endpoint, rendererDir: dir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function expectAlive(): Promise<void> {
    expect((await fetch(host.url)).status).toBe(200);
    const reply = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${SOCKET_PATH}?token=${host.token}`);
      ws.on('open', () => ws.send(JSON.stringify({ id: 1, command: 'getState', args: {} })));
      ws.on('message', (d) => {
        resolve(JSON.parse(d.toString()));
        ws.close();
      });
      ws.on('error', reject);
    });
    expect(reply).toEqual({ id: 1, ok: true, value: 'getState' });
  }

  it.each(['//[', 'http://[', 'http://a:99999/', 'http://%zz/', '*', '/%E0%A4%A'])(
    'answers a request for %s with a 4xx, token or not (finding 1)',
    async (target) => {
      const answer = await raw(host.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
      const upgrade = await raw(host.port, upgradeRequest(host.port, host.token).replace(`${SOCKET_PATH}?token=${host.token}`, target));
      expect(upgrade).toMatch(/^HTTP\/1\.1 4\d\d /);
      await expectAlive();
    },
  );

  it('refuses a bad escape sent with the cookie from another local port, and answers 400 with the token (finding 2)', async () => {
    const page = await fetch(host.url);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const crossPort = await fetch(`${base()}/%E0%A4%A`, { headers: { cookie, 'sec-fetch-site': 'same-site' } });
    expect(crossPort.status).toBe(401);
    const own = await fetch(`${base()}/%E0%A4%A`, { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(400);
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    await expectAlive();
  });

  it('sends nosniff and a CSP with every refusal (finding 11)', async () => {
    for (const res of [await fetch(`${base()}/`), await fetch(`${base()}/nope?token=${host.token}`)]) {
      expect([401, 404]).toContain(res.status);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('refuses a foreign Host header (DNS rebinding) on pages and sockets (finding 11)', async () => {
    const answer = await raw(host.port, `GET /?token=${host.token} HTTP/1.1\r\nHost: evil.example:${host.port}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 421 /);
    const upgrade = await raw(host.port, upgradeRequest(host.port, host.token).replace(`127.0.0.1:${host.port}`, 'evil.example'));
    expect(upgrade).toMatch(/^HTTP\/1\.1 401 /);
  });

  const protocolErrors: [string, Buffer][] = [
    ['a message over 4 MB', frame(1, Buffer.alloc(5 * 1024 * 1024, '3'))],
    ['invalid UTF-8', frame(1, Buffer.from([0xff, 0xfe, 0xfd]))],
    ['a reserved opcode', frame(3, Buffer.from('x'))],
    ['an unmasked frame', frame(1, Buffer.from('{}'), { masked: false })],
    ['RSV1 without an extension', frame(1, Buffer.from('{}'), { rsv: 0x40 })],
    ['a length that claims 2 GB', frame(1, Buffer.from('x'), { length: 0x7fffffff })],
  ];
  it.each(protocolErrors)('closes a socket that sends %s and stays up (finding 3)', async (_name, bytes) => {
    const answer = await raw(host.port, Buffer.concat([Buffer.from(upgradeRequest(host.port, host.token)), bytes]));
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    await expectAlive();
  });

  it('answers a message nested 100,000 deep with an error reply, not a stack overflow', async () => {
    const reply = await new Promise<{ ok: boolean; error: string }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${SOCKET_PATH}?token=${host.token}`);
      ws.on('open', () => ws.send('['.repeat(100_000) + ']'.repeat(100_000)));
      ws.on('message', (d) => {
        resolve(JSON.parse(d.toString()));
        ws.close();
      });
    });
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/at most 32 levels/);
  });

  it('survives fuzzed request targets, headers and frames (fast-check)', async () => {
    let cases = 0;
    const target = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('/', '//', '/?token=', '/%', '/%%', '/%c0%af', '/..%2f..%2f', '/\\..\\', 'http://x/'),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'BREW', ''),
      target,
      withToken: fc.boolean(),
      header: fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 })),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, target, withToken, header }) => {
        cases++;
        const t = withToken ? `${target}${target.includes('?') ? '&' : '?'}token=${host.token}` : target;
        const text = `${method} ${t.replace(/[\r\n ]/g, '')} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n${header[0]}: ${header[1]}\r\n\r\n`;
        await raw(host.port, Buffer.from(text, 'latin1'), 500);
      }),
      { numRuns: 150, seed: 13 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        cases++;
        await raw(host.port, Buffer.concat([Buffer.from(upgradeRequest(host.port, host.token)), Buffer.from(bytes)]), 300);
      }),
      { numRuns: 100, seed: 13 },
    );
    await expectAlive();
    expect(cases).toBe(250);
  }, 240_000);
});
