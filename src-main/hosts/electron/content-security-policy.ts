import type { OnHeadersReceivedListenerDetails, HeadersReceivedResponse } from 'electron';
import type { RendererLocation } from './renderer-location.ts';

/**
 * The renderer's Content-Security-Policy: our own bundled scripts and styles only, no inline
 * code, no eval, no network except our own origin, no frames, no plugins. The renderer's
 * index.html carries the same policy in a meta tag because header injection for file:// pages
 * has not always been honoured across Electron versions; two identical policies both apply, so
 * the stricter of them wins either way.
 */
const STRICT_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

export function contentSecurityPolicy(renderer: RendererLocation): string {
  const directives = { ...STRICT_DIRECTIVES };
  if (renderer.kind === 'dev-server') {
    // Development only: Vite's client injects <style> tags and talks to its HMR websocket.
    const socket = renderer.origin.replace(/^http/, 'ws');
    directives['style-src'] = [...STRICT_DIRECTIVES['style-src']!, "'unsafe-inline'"];
    directives['connect-src'] = [...STRICT_DIRECTIVES['connect-src']!, socket];
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export interface HeaderHooks {
  onHeadersReceived(
    listener: (
      details: OnHeadersReceivedListenerDetails,
      callback: (response: HeadersReceivedResponse) => void,
    ) => void,
  ): void;
}

/** Adds our policy to every response the session receives (it only matters on documents). */
export function installContentSecurityPolicy(webRequest: HeaderHooks, renderer: RendererLocation): void {
  const policy = contentSecurityPolicy(renderer);
  webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] },
    });
  });
}
