/**
 * Issue 11 item 2: the fused worker threads never load ONNX Runtime (it aborts the process when
 * threads holding it are terminated or churn: docs/architecture.md). Walks worker.ts's imports,
 * type-only ones included, through every relative module it reaches.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;

function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the fused worker entry', () => {
  it('reaches only the fused code, below-ui.ts, data/random.ts and node built-ins: no ONNX Runtime', () => {
    const { files, packages } = reachable(fileURLToPath(new URL('./worker.ts', import.meta.url)));
    const allowed = /src-main\/(engine\/fused\/[^/]+|engine\/train\/parallel\/below-ui|data\/random)\.ts$/;
    expect([...files].filter((f) => !allowed.test(f))).toEqual([]);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(files.size).toBeGreaterThan(3);
  });
});
