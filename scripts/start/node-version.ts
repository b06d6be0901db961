/**
 * The Node version `npm start` checks before anything else. Every Electron release still
 * supported (43–45, and electron-builder's @electron/rebuild) declares `engines.node >= 22.12.0`,
 * so an older Node installs with EBADENGINE warnings; it still runs the app (CI runs Node 20),
 * but the user should hear why npm complained and what clears it.
 */

/** The oldest Node that installs this package tree without engine warnings. */
export const CLEAN_INSTALL_NODE = '22.12.0';

const parts = (version: string): number[] => version.replace(/^v/, '').split('.').map((p) => Number.parseInt(p, 10) || 0);

/** True when `version` (as in process.versions.node, "20.20.2") is older than `minimum`. */
export function olderThan(version: string, minimum: string): boolean {
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** The note printed for an older Node, or null when it is new enough. */
export function nodeVersionNote(version: string): string | null {
  if (!olderThan(version, CLEAN_INSTALL_NODE)) return null;
  return `Note: this is Node ${version}; CollabSheet runs on it, but Electron's packages ask for Node ${CLEAN_INSTALL_NODE} or newer `
    + `(the EBADENGINE warnings npm printed while installing). Install Node ${CLEAN_INSTALL_NODE}+ (README.md, "Requirements") to install without them.`;
}
