import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, installContentSecurityPolicy } from './content-security-policy.ts';
import { resolveRendererLocation } from './renderer-location.ts';

const built = resolveRendererLocation({ indexHtmlPath: '/app/out/renderer/index.html', devServerUrl: undefined, isPackaged: true });
const dev = resolveRendererLocation({ indexHtmlPath: '/x', devServerUrl: 'http://localhost:5173', isPackaged: false });

const directive = (policy: string, name: string) =>
  policy.split('; ').find((d) => d.startsWith(`${name} `))?.slice(name.length + 1).split(' ');

describe('content security policy', () => {
  it('allows only our own scripts and styles: no inline code, no eval, no remote hosts', () => {
    const policy = contentSecurityPolicy(built);
    expect(directive(policy, 'default-src')).toEqual(["'none'"]);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'style-src')).toEqual(["'self'"]);
    expect(directive(policy, 'connect-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(policy).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
  });

  it("relaxes only what Vite's dev client needs, and only for the dev server", () => {
    const policy = contentSecurityPolicy(dev);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directive(policy, 'connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
  });

  it('adds the policy header to responses and keeps their other headers', () => {
    let hook: Parameters<Parameters<typeof installContentSecurityPolicy>[0]['onHeadersReceived']>[0] | null = null;
    installContentSecurityPolicy({ onHeadersReceived: (h) => (hook = h) }, built);
    let headers: Record<string, string | string[]> | undefined;
    hook!({ url: 'file:///app/out/renderer/index.html', responseHeaders: { 'Content-Type': ['text/html'] } } as never, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy(built)] });
  });
});
