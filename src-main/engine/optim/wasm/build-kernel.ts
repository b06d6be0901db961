/**
 * Compiles a kernel.wat (the readable source) with wabt into the kernel-bytes.ts beside it (the
 * bytes the app loads), so neither the app nor its package needs wabt at run time. A unit test
 * per kernel compiles its source again and fails when the committed bytes are stale. Two
 * kernels: the optimizer step (this folder) and the fused trainer (engine/fused/).
 *
 *   node --import tsx src-main/engine/optim/wasm/build-kernel.ts [path/to/kernel.wat]   (npm run build:wasm: both)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

/** The optimizer step's kernel, the default source. */
export const OPTIM_KERNEL = fileURLToPath(new URL('./kernel.wat', import.meta.url));

/** kernel-bytes.ts beside the source. */
const outputOf = (source: string): string => join(dirname(source), 'kernel-bytes.ts');

/** The features the kernels use: SIMD, bulk memory (memory.fill), threads (a shared memory); wabt parses and validates with its own lists. */
export async function compileKernel(source: string = OPTIM_KERNEL): Promise<Uint8Array> {
  const w = await wabt();
  const features = { simd: true, bulk_memory: true, threads: true };
  const mod = w.parseWat(basename(source), readFileSync(source, 'utf8'), features);
  try {
    // wabt's types leave out validate's features argument, which its index.js reads (default: no threads).
    (mod as unknown as { validate(f: typeof features): void }).validate(features);
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

export function committedKernelModule(source: string = OPTIM_KERNEL): string {
  return readFileSync(outputOf(source), 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = process.argv[2] ? resolve(process.argv[2]) : OPTIM_KERNEL;
  const bytes = await compileKernel(source);
  writeFileSync(outputOf(source), kernelBytesModule(bytes));
  console.log(`${source} → kernel-bytes.ts (${bytes.length} bytes of wasm)`);
}
