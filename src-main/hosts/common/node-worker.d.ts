// electron-vite turns `import f from './x.ts?nodeWorker'` into a factory for a Worker running the
// bundled x.ts (ARCHITECTURE.md §2).
declare module '*?nodeWorker' {
  import type { Worker, WorkerOptions } from 'node:worker_threads';
  export default function createWorker(options?: WorkerOptions): Worker;
}
