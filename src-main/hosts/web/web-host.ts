/**
 * The web host: the built renderer and the service endpoint over one WebSocket, on 127.0.0.1
 * only. A random per-launch token guards both: the page URL carries it (?token=…), the first page
 * load turns it into a same-site cookie for the page's scripts and styles, and the WebSocket must
 * present it again in its URL. Anything on this machine can reach a loopback port; only someone
 * who was shown the printed address can use it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import { contentSecurityPolicy, plain, serveStatic } from './static-files.ts';

export const SOCKET_PATH = '/socket';
const COOKIE = 'collabsheet_token';
/** One message is a command with its arguments; a pasted block is the largest we expect. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface WebHostOptions {
  endpoint: ServiceEndpoint;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 = a free port chosen by the OS. */
  port: number;
  /** Tests pass a fixed token; otherwise 32 random bytes. */
  token?: string;
}

export interface WebHost {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenMatches = (candidate: string | null | undefined) => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  let origin = '';
  const authorised = (req: IncomingMessage, url: URL) =>
    tokenMatches(url.searchParams.get('token')) || tokenMatches(cookieValue(req.headers.cookie, COOKIE));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed');
    if (!authorised(req, url)) return plain(res, 401, 'This CollabSheet address needs its token: open the address the host printed.');
    if (tokenMatches(url.searchParams.get('token'))) {
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    void serveStatic(options.rendererDir, url.pathname, res, contentSecurityPolicy(origin));
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    // A page from another origin cannot read our token, but refuse it by name as well.
    const sameOrigin = req.headers.origin === undefined || req.headers.origin === origin;
    if (url.pathname !== SOCKET_PATH || !tokenMatches(url.searchParams.get('token')) || !sameOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.endpoint));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    async close() {
      for (const ws of sockets.clients) ws.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One client: each text message is a request answered by its reply; every event is pushed. */
function serveSocket(ws: WebSocket, endpoint: ServiceEndpoint): void {
  const unsubscribe = endpoint.subscribe((event) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
  });
  ws.on('message', async (data, isBinary) => {
    let message: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      message = JSON.parse(data.toString());
    } catch {
      ws.send(JSON.stringify({ id: -1, ok: false, error: 'Malformed request: not a JSON text message' }));
      return;
    }
    const reply = await endpoint.handle(message);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  });
  ws.on('close', unsubscribe);
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
