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

/**
 * The features the kernels use: SIMD, bulk memory (memory.fill), threads (a shared memory), and
 * relaxed SIMD's fused multiply-add (the fused trainer); wabt parses and validates with its own lists.
 */
const FEATURES = { simd: true, bulk_memory: true, threads: true, relaxed_simd: true };

/** The wasm bytes of a kernel's text. */
export async function compileWat(name: string, wat: string): Promise<Uint8Array> {
  const w = await wabt();
  const mod = w.parseWat(name, wat, FEATURES);
  try {
    // wabt's types leave out validate's features argument, which its index.js reads (default: no threads).
    (mod as unknown as { validate(f: typeof FEATURES): void }).validate(FEATURES);
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

const FUSED_OPS: Record<string, string> = { 'f32x4.relaxed_madd': 'f32x4.add', 'f32x4.relaxed_nmadd': 'f32x4.sub' };

/**
 * The text with each relaxed multiply-add (a·b + c) and negated multiply-add (c − a·b) written
 * as a multiply and an add — the same kernel for a runtime without relaxed SIMD (kernel.ts falls
 * back to it). A small s-expression rewrite: the operands are balanced parentheses.
 */
export function withoutRelaxedSimd(wat: string): string {
  let out = '';
  let at = 0;
  const pattern = /\((f32x4\.relaxed_n?madd)\s/g;
  for (let m = pattern.exec(wat); m; m = pattern.exec(wat)) {
    if (m.index < at) continue;
    out += wat.slice(at, m.index);
    const operands: string[] = [];
    let j = m.index + m[0].length;
    while (operands.length < 3) {
      while (/\s/.test(wat[j])) j++;
      if (wat[j] !== '(') throw new Error(`withoutRelaxedSimd: ${m[1]} takes three parenthesised operands (at ${j})`);
      const start = j;
      for (let depth = 0; ; j++) {
        if (wat[j] === '(') depth++;
        else if (wat[j] === ')' && --depth === 0) break;
      }
      operands.push(withoutRelaxedSimd(wat.slice(start, ++j)));
    }
    while (wat[j] !== ')') j++;
    const [a, b, c] = operands;
    out += `(${FUSED_OPS[m[1]]} ${c} (f32x4.mul ${a} ${b}))`;
    at = j + 1;
    pattern.lastIndex = at;
  }
  return out + wat.slice(at);
}

/**
 * The generated module's text for a kernel: its bytes, and where its source uses relaxed SIMD,
 * the bytes of its plain form (withoutRelaxedSimd) beside them.
 */
export async function kernelModuleText(source: string = OPTIM_KERNEL): Promise<string> {
  const wat = readFileSync(source, 'utf8');
  const bytes = await compileWat(basename(source), wat);
  const plain = wat.includes('relaxed_') ? await compileWat(basename(source), withoutRelaxedSimd(wat)) : null;
  const constant = (name: string, b: Uint8Array) => {
    const lines = Buffer.from(b).toString('base64').match(/.{1,100}/g) ?? [];
    return [`export const ${name} =`, ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`)];
  };
  return [
    '// Generated from kernel.wat by build-kernel.ts (npm run build:wasm). Do not edit.',
    ...constant('KERNEL_WASM_BASE64', bytes),
    ...(plain ? ['// The same kernel without relaxed SIMD (its multiply-adds as a multiply and an add).', ...constant('KERNEL_PLAIN_WASM_BASE64', plain)] : []),
    '',
  ].join('\n');
}

export function committedKernelModule(source: string = OPTIM_KERNEL): string {
  return readFileSync(outputOf(source), 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = process.argv[2] ? resolve(process.argv[2]) : OPTIM_KERNEL;
  const text = await kernelModuleText(source);
  writeFileSync(outputOf(source), text);
  console.log(`${source} → kernel-bytes.ts (${text.length} characters)`);
}
