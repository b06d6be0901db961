/**
 * Compiles kernel.wat (the readable source) with wabt into kernel-bytes.ts (the bytes the app
 * loads), so neither the app nor its package needs wabt at run time. A unit test compiles the
 * source again and fails when the committed bytes are stale.
 *
 *   node --import tsx src-main/engine/optim/wasm/build-kernel.ts      (npm run build:wasm)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const SOURCE = fileURLToPath(new URL('./kernel.wat', import.meta.url));
const OUTPUT = fileURLToPath(new URL('./kernel-bytes.ts', import.meta.url));

export async function compileKernel(): Promise<Uint8Array> {
  const w = await wabt();
  const mod = w.parseWat('kernel.wat', readFileSync(SOURCE, 'utf8'), { simd: true, bulk_memory: true });
  try {
    mod.validate();
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

/** The generated module's text for these bytes. */
export function kernelBytesModule(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,100}/g) ?? [];
  return [
    '// Generated from kernel.wat by build-kernel.ts (npm run build:wasm). Do not edit.',
    'export const KERNEL_WASM_BASE64 =',
    ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

export function committedKernelModule(): string {
  return readFileSync(OUTPUT, 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await compileKernel();
  writeFileSync(OUTPUT, kernelBytesModule(bytes));
  console.log(`kernel.wat → kernel-bytes.ts (${bytes.length} bytes of wasm)`);
}
