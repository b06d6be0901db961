/**
 * `npm start` (after the build): the desktop app in Electron where it can run, otherwise — said
 * plainly, with the reason — the same UI from the web host on 127.0.0.1, which prints its address.
 *
 *   node scripts/start.mjs [--web] [web host options, e.g. --port 8080 --ratings u.data]
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterElectronExit, chooseHost } from './choose-host.ts';
import { electronPackageDir, fetchElectron, installedElectron } from './electron-binary.ts';
import { exitCodeOf, runChild } from './run-child.ts';

const DEFAULT_FETCH_TIMEOUT_S = 180;

export async function startApp(argv: readonly string[]): Promise<number> {
  const projectDir = fileURLToPath(new URL('../..', import.meta.url));
  const electronEntry = fileURLToPath(new URL('../../out/main/index.js', import.meta.url));
  const webEntry = fileURLToPath(new URL('../../out/main/web.js', import.meta.url));
  if (!existsSync(electronEntry) || !existsSync(webEntry)) {
    console.error('CollabSheet is not built yet (out/main is missing): run `npm start`, which builds first, or `npm run build`.');
    return 1;
  }
  const env = process.env;
  const forceWeb = argv.includes('--web');
  const webArgs = argv.filter((arg) => arg !== '--web');
  const packageDir = electronPackageDir();
  const fetchTimeoutS = Number(env['COLLABSHEET_ELECTRON_FETCH_TIMEOUT_S'] ?? DEFAULT_FETCH_TIMEOUT_S);

  const choice = await chooseHost(
    { forceWeb, env, platform: process.platform, isRoot: process.getuid?.() === 0 },
    {
      installedElectron: () => (packageDir ? installedElectron(packageDir, env) : null),
      fetchElectron: async () => {
        if (!packageDir) return { ok: false, reason: 'the electron package is not installed (run npm install)' };
        console.log(`Fetching the Electron binary (first run only, about 100 MB, at most ${fetchTimeoutS} s; COLLABSHEET_HOST=web skips this)…`);
        return fetchElectron(packageDir, env, fetchTimeoutS * 1000);
      },
    },
  );

  if (choice.kind === 'electron') {
    choice.notes.forEach((note) => console.log(`Note: ${note}.`));
    if (webArgs.length > 0) console.log(`Note: ${webArgs.join(' ')} ${webArgs.length > 1 ? 'are web host options' : 'is a web host option'}; Electron ignores it (add --web to use the web host).`);
    console.log('Starting CollabSheet in Electron…');
    // An inherited ELECTRON_RUN_AS_NODE would make Electron behave as plain Node and ignore the app.
    const { ELECTRON_RUN_AS_NODE: _ignored, ...electronEnv } = env;
    const exit = await runChild(choice.executable, [...choice.extraArgs, projectDir], electronEnv);
    if (afterElectronExit(exit) === 'exit') return exitCodeOf(exit);
    console.log(`Electron exited with code ${exit.code} while starting (its message is above); serving the same UI from the web host instead.`);
  } else {
    console.log(`Electron is not available on this machine (${choice.reason}); serving the same UI from the web host instead.`);
  }
  return exitCodeOf(await runChild(process.execPath, [webEntry, ...webArgs], env));
}
