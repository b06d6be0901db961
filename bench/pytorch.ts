/**
 * The PyTorch reference (bench/pytorch_fastbook.py), run when some python3 on this machine can
 * import torch (Debian's python3-torch lives in /usr/bin/python3, which a pyenv shim may hide).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TorchRun {
  torch: string;
  train_rmse: number;
  valid_rmse: number;
  /** Training seconds (evaluation excluded). */
  seconds: number;
  epochs: { epoch: number; train_rmse: number; valid_rmse: number; seconds: number }[];
}

const SCRIPT = fileURLToPath(new URL('./pytorch_fastbook.py', import.meta.url));

/** The first python that imports torch, or null. COLLABSHEET_PYTHON is tried first. */
export function findTorchPython(): string | null {
  const candidates = [process.env.COLLABSHEET_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of new Set(candidates)) {
    const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return python;
  }
  return null;
}

export interface TorchCase {
  train: string;
  valid: string;
  model: 'dotbias' | 'nn';
  bs: number;
  epochs: number;
  lr: number;
  wd: number;
  factors: number;
  layers: number[];
}

export function runTorch(python: string, c: TorchCase): TorchRun {
  const args = [
    SCRIPT, '--train', c.train, '--valid', c.valid, '--model', c.model, '--bs', String(c.bs),
    '--epochs', String(c.epochs), '--lr', String(c.lr), '--wd', String(c.wd),
    '--factors', String(c.factors), '--layers', c.layers.join(','), '--threads', '1',
  ];
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`;
    throw new Error(`pytorch_fastbook.py failed: ${why}`);
  }
  return JSON.parse(r.stdout) as TorchRun;
}
