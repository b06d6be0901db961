/**
 * Serves the built renderer (out/renderer) read-only: no directory listings, no path outside the
 * folder, a fixed content type per extension, and the page's strict Content-Security-Policy.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Our own bundled code and styles only; the socket back to this host is the only connection. */
export function contentSecurityPolicy(origin: string): string {
  const socket = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${socket}`,
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Sent with every answer, errors included: nothing this host says may be sniffed or framed. */
function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

/** A plain-text answer needs no scripts, styles or frames at all. */
const PLAIN_TEXT_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * `path` is the decoded request path. Never rejects: a failed read becomes a 404, and a failure
 * after the headers went out ends the response instead of reaching an unhandled rejection.
 */
export async function serveStatic(root: string, path: string, res: ServerResponse, csp: string): Promise<void> {
  try {
    const file = normalize(join(root, path === '/' ? '/index.html' : path));
    if (!file.startsWith(root + sep)) return plain(res, 403, 'Forbidden');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return plain(res, 404, 'Not found');
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', ...securityHeaders(csp) });
    res.end(body);
  } catch {
    if (!res.headersSent) plain(res, 500, 'The page could not be read');
    else res.destroy();
  }
}

export function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(PLAIN_TEXT_POLICY) });
  res.end(text);
}
