import { describe, expect, it } from 'vitest';
import { isRendererUrl, rendererEntryUrl, resolveRendererLocation } from './renderer-location.ts';

const built = resolveRendererLocation({ indexHtmlPath: '/opt/CollabSheet/out/renderer/index.html', devServerUrl: undefined, isPackaged: false });
const dev = resolveRendererLocation({ indexHtmlPath: '/x/index.html', devServerUrl: 'http://localhost:5173/', isPackaged: false });

describe('renderer location', () => {
  it('loads the built index.html as a file URL', () => {
    expect(rendererEntryUrl(built)).toBe('file:///opt/CollabSheet/out/renderer/index.html');
  });

  it('uses the dev server only when unpackaged', () => {
    expect(dev.kind).toBe('dev-server');
    const packaged = resolveRendererLocation({ indexHtmlPath: '/x/index.html', devServerUrl: 'http://localhost:5173/', isPackaged: true });
    expect(packaged.kind).toBe('file');
  });

  it('refuses a dev server that is not on this machine', () => {
    expect(() => resolveRendererLocation({ indexHtmlPath: '/x', devServerUrl: 'http://evil.example:5173/', isPackaged: false })).toThrow(/localhost/);
  });

  it('recognises exactly our index.html, ignoring query and hash', () => {
    expect(isRendererUrl(built, 'file:///opt/CollabSheet/out/renderer/index.html')).toBe(true);
    expect(isRendererUrl(built, 'file:///opt/CollabSheet/out/renderer/index.html?x=1#sheet')).toBe(true);
    expect(isRendererUrl(built, 'file:///opt/CollabSheet/out/renderer/other.html')).toBe(false);
    expect(isRendererUrl(built, 'file:///etc/passwd')).toBe(false);
    expect(isRendererUrl(built, 'https://example.com/index.html')).toBe(false);
    expect(isRendererUrl(built, 'not a url')).toBe(false);
  });

  it('recognises the dev server by origin', () => {
    expect(isRendererUrl(dev, 'http://localhost:5173/src/index.html')).toBe(true);
    expect(isRendererUrl(dev, 'http://localhost:5174/')).toBe(false);
    expect(isRendererUrl(dev, 'http://127.0.0.1:5173/')).toBe(false);
  });
});
