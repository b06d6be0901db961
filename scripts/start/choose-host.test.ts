import { describe, expect, it } from 'vitest';
import { afterElectronExit, chooseHost, STARTUP_FAILURE_WINDOW_S, type FetchResult, type HostRequest } from './choose-host.ts';

const desktop: HostRequest = { forceWeb: false, env: { DISPLAY: ':0' }, platform: 'linux', isRoot: false };

function probes(installed: string | null, fetched: FetchResult) {
  const asked: string[] = [];
  return {
    asked,
    probes: {
      installedElectron: () => (asked.push('installed'), installed),
      fetchElectron: async () => (asked.push('fetch'), fetched),
    },
  };
}
const failedFetch: FetchResult = { ok: false, reason: 'TypeError: fetch failed' };

describe('choosing the host', () => {
  it('runs an already downloaded Electron without fetching', async () => {
    const p = probes('/e/electron', failedFetch);
    expect(await chooseHost(desktop, p.probes)).toEqual({ kind: 'electron', executable: '/e/electron', extraArgs: [], notes: [] });
    expect(p.asked).toEqual(['installed']);
  });

  it('fetches Electron when it is missing, and runs what was fetched', async () => {
    const p = probes(null, { ok: true, executable: '/e/fresh' });
    expect(await chooseHost(desktop, p.probes)).toMatchObject({ kind: 'electron', executable: '/e/fresh' });
    expect(p.asked).toEqual(['installed', 'fetch']);
  });

  it('falls back to the web host with the reason when the fetch fails', async () => {
    const choice = await chooseHost(desktop, probes(null, failedFetch).probes);
    expect(choice).toEqual({ kind: 'web', reason: 'its binary is not installed and fetching it failed: TypeError: fetch failed' });
  });

  it('does not download anything when there is no display on Linux', async () => {
    const p = probes(null, { ok: true, executable: '/e/fresh' });
    const choice = await chooseHost({ ...desktop, env: {} }, p.probes);
    expect(choice).toEqual({ kind: 'web', reason: expect.stringMatching(/DISPLAY and WAYLAND_DISPLAY are unset/) });
    expect(p.asked).toEqual([]);
    expect((await chooseHost({ ...desktop, env: { WAYLAND_DISPLAY: 'wayland-0' } }, p.probes)).kind).toBe('electron');
    expect((await chooseHost({ ...desktop, platform: 'darwin', env: {} }, p.probes)).kind).toBe('electron');
  });

  it('honours --web and COLLABSHEET_HOST=web before probing anything', async () => {
    const p = probes('/e/electron', failedFetch);
    expect(await chooseHost({ ...desktop, forceWeb: true }, p.probes)).toEqual({ kind: 'web', reason: expect.stringContaining('--web') });
    expect(await chooseHost({ ...desktop, env: { DISPLAY: ':0', COLLABSHEET_HOST: 'web' } }, p.probes)).toEqual({
      kind: 'web',
      reason: expect.stringContaining('COLLABSHEET_HOST=web'),
    });
    expect(p.asked).toEqual([]);
  });

  it('adds --no-sandbox, and says so, only for root on Linux', async () => {
    const p = probes('/e/electron', failedFetch);
    const root = await chooseHost({ ...desktop, isRoot: true }, p.probes);
    expect(root).toMatchObject({ kind: 'electron', extraArgs: ['--no-sandbox'], notes: [expect.stringContaining('root')] });
    expect(await chooseHost({ ...desktop, platform: 'darwin', isRoot: true }, p.probes)).toMatchObject({ extraArgs: [] });
  });
});

describe('after Electron exits', () => {
  it('falls back only on a quick failure', () => {
    expect(afterElectronExit({ code: 1, signal: null, secondsRunning: 1 })).toBe('fall-back');
    expect(afterElectronExit({ code: 1, signal: null, secondsRunning: STARTUP_FAILURE_WINDOW_S + 1 })).toBe('exit');
    expect(afterElectronExit({ code: 0, signal: null, secondsRunning: 1 })).toBe('exit');
    expect(afterElectronExit({ code: null, signal: 'SIGINT', secondsRunning: 1 })).toBe('exit');
  });
});
