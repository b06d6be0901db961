/**
 * The slice of the WebAssembly JS API the optimizer kernel uses. TypeScript declares it only in
 * the DOM lib, which the main side deliberately leaves out (tsconfig.json); Node provides the
 * same globals.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
