import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  secondsRunning: number;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs a command with our stdio and passes SIGINT/SIGTERM/SIGHUP on to it, so Ctrl+C or a
 * supervisor's stop reaches the app (which disposes its training worker) instead of orphaning it.
 */
export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildExit> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    const detach = () => FORWARDED.forEach((signal) => process.off(signal, forward));
    child.on('error', (error) => {
      detach();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      detach();
      resolve({ code, signal, secondsRunning: (performance.now() - started) / 1000 });
    });
  });
}

/** The shell convention for our own exit code: the child's code, or 128 + the signal's number. */
export function exitCodeOf(exit: ChildExit): number {
  if (exit.code !== null) return exit.code;
  return 128 + (exit.signal ? (constants.signals[exit.signal] ?? 0) : 0);
}
