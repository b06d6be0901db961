/**
 * Which host `npm start` runs: Electron where it can run, the web host otherwise. A pure
 * decision over injected probes, so every branch is unit-tested without an Electron binary.
 */

export type FetchResult = { ok: true; executable: string } | { ok: false; reason: string };

export interface HostProbes {
  /** The Electron executable if its binary is already downloaded, else null. Never downloads. */
  installedElectron(): string | null;
  /** Downloads the binary (bounded by a timeout) and says where it is or why it failed. */
  fetchElectron(): Promise<FetchResult>;
}

export interface HostRequest {
  forceWeb: boolean;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  isRoot: boolean;
}

export type HostChoice =
  | { kind: 'electron'; executable: string; extraArgs: string[]; notes: string[] }
  | { kind: 'web'; reason: string };

export async function chooseHost(request: HostRequest, probes: HostProbes): Promise<HostChoice> {
  if (request.forceWeb) return { kind: 'web', reason: 'the web host was asked for (--web)' };
  if (request.env['COLLABSHEET_HOST'] === 'web') return { kind: 'web', reason: 'COLLABSHEET_HOST=web is set' };
  // Checked before any download: without a display Electron cannot open a window, so fetching
  // ~100 MB would be wasted.
  if (request.platform === 'linux' && !request.env['DISPLAY'] && !request.env['WAYLAND_DISPLAY']) {
    return { kind: 'web', reason: 'no display to open a window on: DISPLAY and WAYLAND_DISPLAY are unset' };
  }
  let executable = probes.installedElectron();
  if (executable === null) {
    const fetched = await probes.fetchElectron();
    if (!fetched.ok) return { kind: 'web', reason: `its binary is not installed and fetching it failed: ${fetched.reason}` };
    executable = fetched.executable;
  }
  // Chromium refuses to run its sandbox as root; the renderer stays context-isolated without Node.
  const asRoot = request.platform === 'linux' && request.isRoot;
  return {
    kind: 'electron',
    executable,
    extraArgs: asRoot ? ['--no-sandbox'] : [],
    notes: asRoot ? ["running as root: Chromium's sandbox cannot run as root, so Electron starts with --no-sandbox"] : [],
  };
}

/**
 * What to do when Electron has exited. A quick failure (typically a Linux machine whose
 * chrome-sandbox helper is not set up, or a missing system library) falls back to the web host;
 * a normal exit, or a failure after the app ran for a while, ends `npm start` with its code.
 */
export function afterElectronExit(exit: { code: number | null; signal: string | null; secondsRunning: number }): 'exit' | 'fall-back' {
  const failed = exit.signal === null && exit.code !== 0;
  return failed && exit.secondsRunning < STARTUP_FAILURE_WINDOW_S ? 'fall-back' : 'exit';
}

/** Electron that dies this soon after launch never showed the app. */
export const STARTUP_FAILURE_WINDOW_S = 15;
