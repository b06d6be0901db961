/**
 * The web host: the built renderer and the service endpoint over one WebSocket, on 127.0.0.1
 * only. A random per-launch token guards both: the page URL carries it (?token=…), the first page
 * load turns it into a same-site cookie for the page's scripts and styles, and the WebSocket must
 * present it again in its URL. Anything on this machine can reach a loopback port; only someone
 * who was shown the printed address can use it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServiceEndpoint } from '../../service/endpoint.ts';
import { FolderError, folderRequestSchema, listFolder } from './folder-listing.ts';
import { jsonNestingExceeds } from './json-depth.ts';
import { decodePath, readTarget } from './request-target.ts';
import { contentSecurityPolicy, plain, serveStatic } from './static-files.ts';

export const SOCKET_PATH = '/socket';
/** POST {path, hidden?} → the folder's listing (folder-listing.ts), for the page's file browser. */
export const FOLDER_PATH = '/folder';
/** A folder request is a path and a flag. */
const MAX_FOLDER_REQUEST_BYTES = 16 * 1024;
const COOKIE = 'collabsheet_token';
/** One message is a command with its arguments; a pasted block is the largest we expect. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The contract's deepest message (a pasted block: args → rows → cells) is 4 levels. */
const MAX_MESSAGE_DEPTH = 32;

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
  let allowedHosts = new Set<string>();
  // DNS rebinding: a page served as http://evil.example:PORT that resolves to 127.0.0.1 would be
  // same-origin with us in the browser's eyes. The token already stops it; the Host check too.
  const hostAllowed = (req: IncomingMessage) => allowedHosts.has(req.headers.host ?? '');
  // The cookie is sent to every port of 127.0.0.1 (same site), so a page on another local port
  // could make the browser send it with <img src>. A cookie counts only on requests the browser
  // marks as our own origin or the user's own navigation; the token in the URL counts always.
  const cookieAllowed = (req: IncomingMessage) => {
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  };
  const authorised = (req: IncomingMessage, query: URLSearchParams) =>
    tokenMatches(query.get('token')) || (cookieAllowed(req) && tokenMatches(cookieValue(req.headers.cookie, COOKIE)));

  const server = createServer((req, res) => {
    try {
      if (!hostAllowed(req)) return plain(res, 421, 'This CollabSheet host answers only to its own address.');
      const target = readTarget(req.url);
      if (!target) return plain(res, 400, 'Bad request target');
      const folder = target.rawPath === FOLDER_PATH;
      if (folder ? req.method !== 'POST' : req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed');
      if (!authorised(req, target.query)) return plain(res, 401, 'This CollabSheet address needs its token: open the address the host printed.');
      if (folder) return void answerFolder(req, res);
      const path = decodePath(target.rawPath);
      if (path === null) return plain(res, 400, 'Bad request path');
      if (tokenMatches(target.query.get('token'))) {
        res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      }
      void serveStatic(options.rendererDir, path, res, contentSecurityPolicy(origin));
    } catch (error) {
      log('request', error);
      if (!res.headersSent) plain(res, 500, 'Internal error');
      else res.destroy();
    }
  });
  // A malformed request line or headers: answer 400 and drop the connection, never throw.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  sockets.on('error', (error) => log('socket server', error));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (error) => log('upgrade', error));
    try {
      const target = readTarget(req.url);
      // A page from another origin cannot read our token, but refuse it by name as well.
      const sameOrigin = req.headers.origin === undefined || req.headers.origin === origin;
      if (!hostAllowed(req) || !target || target.rawPath !== SOCKET_PATH || !tokenMatches(target.query.get('token')) || !sameOrigin) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.endpoint));
    } catch (error) {
      log('upgrade', error);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => log('server', error));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

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

/**
 * The file browser's request: a JSON body of at most MAX_FOLDER_REQUEST_BYTES (a form post from
 * another page cannot send application/json without a CORS preflight, which we never grant).
 */
async function answerFolder(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  try {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      return reply(415, { error: 'A folder request is JSON: send Content-Type application/json' });
    }
    const text = await readBody(req, MAX_FOLDER_REQUEST_BYTES);
    if (text === null) return reply(413, { error: `A folder request is at most ${MAX_FOLDER_REQUEST_BYTES} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(400, { error: 'Malformed folder request: not JSON' });
    }
    const request = folderRequestSchema.safeParse(body);
    if (!request.success) return reply(400, { error: `Malformed folder request: ${request.error.issues.map((i) => i.message).join('; ')}` });
    reply(200, await listFolder(request.data));
  } catch (error) {
    if (error instanceof FolderError) return reply(422, { error: error.message });
    log('folder', error);
    if (!res.headersSent) reply(500, { error: 'The folder could not be listed' });
    else res.destroy();
  }
}

/** The body as UTF-8 text, or null once it passes `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * One client: each text message is a request answered by its reply; every event is pushed. A
 * protocol error (oversized, invalid UTF-8, bad opcode, unmasked, RSV bits) closes this socket
 * with its close code (ws does that); the 'error' listener keeps it from reaching the process.
 */
function serveSocket(ws: WebSocket, endpoint: ServiceEndpoint): void {
  const send = (message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = endpoint.subscribe(send);
  ws.on('error', (error) => log('socket', error));
  ws.on('message', (data, isBinary) => {
    void (async () => {
      try {
        const text = isBinary ? null : data.toString();
        if (text === null || jsonNestingExceeds(text, MAX_MESSAGE_DEPTH)) {
          send({ id: -1, ok: false, error: `Malformed request: not a JSON text message of at most ${MAX_MESSAGE_DEPTH} levels` });
          return;
        }
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          send({ id: -1, ok: false, error: 'Malformed request: not a JSON text message' });
          return;
        }
        send(await endpoint.handle(message));
      } catch (error) {
        log('message', error);
        send({ id: -1, ok: false, error: 'The request could not be handled' });
      }
    })();
  });
  ws.on('close', unsubscribe);
}

function log(where: string, error: unknown): void {
  console.error(`web host (${where}):`, error instanceof Error ? error.message : error);
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
