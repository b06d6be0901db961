import { spawnSync } from 'node:child_process';

/**
 * A Python interpreter that can import `module`, for tests that check our files with the reference
 * reader (numpy, onnx, csv), or the reason there is none — printed by the test that skips.
 */
export function pythonWith(module: string): { python: string } | { reason: string } {
  // PATH's python3 first (it may be a newer one with numpy), then Debian's (python3-onnx).
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
  }
  return { reason: `no python3 here can import ${module}` };
}

/** Runs a Python script with arguments and returns its stdout; throws with stderr when it fails. */
export function runPython(python: string, script: string, args: string[]): string {
  const run = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}
