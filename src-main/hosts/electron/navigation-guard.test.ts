import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardNavigation, type ContentsSource } from './navigation-guard.ts';
import { denyAllPermissions } from './permissions.ts';
import { resolveRendererLocation } from './renderer-location.ts';
import { FakeWebContents } from './testing/fake-electron.ts';

const renderer = resolveRendererLocation({ indexHtmlPath: '/app/out/renderer/index.html', devServerUrl: undefined, isPackaged: true });

function guardedContents(): FakeWebContents {
  const app = new EventEmitter();
  guardNavigation(app as ContentsSource, renderer);
  const contents = new FakeWebContents();
  app.emit('web-contents-created', {}, contents);
  return contents;
}

describe('navigation guard', () => {
  it('cancels navigation and redirects away from our renderer', () => {
    const contents = guardedContents();
    expect(contents.fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.fire('will-redirect', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///app/out/renderer/index.html')).toBe(false);
  });

  it('denies every new window and every webview', () => {
    const contents = guardedContents();
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///app/out/renderer/index.html' })).toEqual({ action: 'deny' });
    expect(contents.fire('will-attach-webview')).toBe(true);
  });
});

describe('permissions', () => {
  it('answers every permission request and check with no', () => {
    const answers: boolean[] = [];
    let check: ((c: unknown, p: string) => boolean) | null = null;
    denyAllPermissions({
      setPermissionRequestHandler: (h) => ['media', 'geolocation', 'notifications', 'clipboard-read'].forEach((p) => h({}, p, (g) => answers.push(g))),
      setPermissionCheckHandler: (h) => (check = h),
    });
    expect(answers).toEqual([false, false, false, false]);
    expect(check!({}, 'clipboard-sanitized-write')).toBe(false);
  });
});
