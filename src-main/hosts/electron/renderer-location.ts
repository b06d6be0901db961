import { pathToFileURL } from 'node:url';

/**
 * Where our renderer is loaded from: the built index.html, or electron-vite's dev server (only
 * when running unpackaged with ELECTRON_RENDERER_URL set). Every trust decision in the host —
 * which frame may call the service, where a window may navigate, which responses get our CSP —
 * asks this one question, so it lives in one place.
 */
export type RendererLocation =
  | { readonly kind: 'file'; readonly indexUrl: string }
  | { readonly kind: 'dev-server'; readonly origin: string; readonly url: string };

export function resolveRendererLocation(options: {
  indexHtmlPath: string;
  devServerUrl: string | undefined;
  isPackaged: boolean;
}): RendererLocation {
  if (options.devServerUrl && !options.isPackaged) {
    const url = new URL(options.devServerUrl);
    if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') {
      // A dev server anywhere but this machine would hand the service to a remote page.
      throw new Error(`ELECTRON_RENDERER_URL must point at localhost, got ${options.devServerUrl}`);
    }
    return { kind: 'dev-server', origin: url.origin, url: url.href };
  }
  return { kind: 'file', indexUrl: pathToFileURL(options.indexHtmlPath).href };
}

/** The URL a window should load. */
export function rendererEntryUrl(location: RendererLocation): string {
  return location.kind === 'file' ? location.indexUrl : location.url;
}

/**
 * True when `url` is a page of our renderer. For file:// only the exact index.html counts (a
 * different local file is not ours even though it shares the null origin); query and hash are
 * ignored because they do not change which document runs.
 */
export function isRendererUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev-server') return parsed.origin === location.origin;
  parsed.hash = '';
  parsed.search = '';
  return parsed.href === location.indexUrl;
}
