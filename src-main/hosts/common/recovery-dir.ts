/**
 * Where autosaves live between sessions (so a crash can be recovered at the next start): the
 * folder COLLABSHEET_RECOVERY_DIR names (tests), else the user's state folder — never beside
 * their own files. The desktop host passes Electron's userData folder instead.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultRecoveryDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['COLLABSHEET_RECOVERY_DIR']) return env['COLLABSHEET_RECOVERY_DIR'];
  const state = env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(state, 'collabsheet', 'recovery');
}
