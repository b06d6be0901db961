import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

/**
 * Three builds: the main side (the Electron host and the web host, sharing the service and its
 * training worker chunk), the sandboxed preload (CommonJS: a sandboxed preload cannot be an ES
 * module), and the renderer (plain DOM app, everything bundled, no CDN).
 */
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve('src-main/hosts/electron/main.ts'),
          web: resolve('src-main/hosts/web/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve('src-main/hosts/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    build: {
      outDir: resolve('out/renderer'),
      rolldownOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
