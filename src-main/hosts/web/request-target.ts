/**
 * Reads an HTTP request target without `new URL`, which throws on targets a client controls
 * (`//[`, `http://%zz/`, `http://a:99999/`): the web host must answer every request, token or not,
 * and nothing here may throw. Only origin-form targets (`/path?query`) are accepted; the query is
 * read by URLSearchParams, which never throws either.
 */

/** Far above any address the page uses; Node's own header limit (16 KB) bounds the rest. */
export const MAX_TARGET_CHARS = 4096;

export interface RequestTarget {
  /** Still percent-encoded: decode it with `decodePath` after the token check. */
  rawPath: string;
  query: URLSearchParams;
}

export function readTarget(raw: string | undefined): RequestTarget | null {
  if (raw === undefined || raw.length > MAX_TARGET_CHARS) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  const cut = raw.search(/[?#]/);
  const rawPath = cut < 0 ? raw : raw.slice(0, cut);
  const rest = cut < 0 ? '' : raw.slice(cut);
  const query = rest.startsWith('?') ? rest.slice(1).split('#')[0] : '';
  return { rawPath, query: new URLSearchParams(query) };
}

/** The decoded path, or null for a bad escape (`%E0%A4%A`) or a NUL byte. */
export function decodePath(rawPath: string): string | null {
  try {
    const path = decodeURIComponent(rawPath);
    return path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}
