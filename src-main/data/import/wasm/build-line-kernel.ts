/**
 * Compiles line-kernel.wat (the readable source) with wabt into line-kernel-bytes.ts (the bytes
 * the importer loads), so neither the app nor its package needs wabt at run time. A unit test
 * compiles the source again and fails when the committed bytes are stale.
 *
 *   node --import tsx src-main/data/import/wasm/build-line-kernel.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const SOURCE = fileURLToPath(new URL('./line-kernel.wat', import.meta.url));
const OUTPUT = fileURLToPath(new URL('./line-kernel-bytes.ts', import.meta.url));

export async function compileLineKernel(): Promise<Uint8Array> {
  const w = await wabt();
  const mod = w.parseWat('line-kernel.wat', readFileSync(SOURCE, 'utf8'));
  try {
    mod.validate();
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

/** The generated module's text for these bytes. */
export function lineKernelBytesModule(bytes: Uint8Array): string {
  const lines = Buffer.from(bytes).toString('base64').match(/.{1,100}/g) ?? [];
  return [
    '// Generated from line-kernel.wat by build-line-kernel.ts. Do not edit.',
    'export const LINE_KERNEL_WASM_BASE64 =',
    ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

export function committedLineKernelModule(): string {
  return readFileSync(OUTPUT, 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await compileLineKernel();
  writeFileSync(OUTPUT, lineKernelBytesModule(bytes));
  console.log(`line-kernel.wat → line-kernel-bytes.ts (${bytes.length} bytes of wasm)`);
}
