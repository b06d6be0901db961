// electron-vite turns `import f from './x.ts?nodeWorker'` into a factory for a Worker running the
// bundled x.ts (ARCHITECTURE.md §2).
declare module '*?nodeWorker' {
  import type { Worker, WorkerOptions } from 'node:worker_threads';
  export default function createWorker(options?: WorkerOptions): Worker;
}

// …and `import path from './x.ts?modulePath'` into the path of the bundled x.ts (for a Worker the
// training worker starts itself: the two-core block workers).
declare module '*?modulePath' {
  const path: string;
  export default path;
}
