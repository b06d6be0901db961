/**
 * Running a worker thread below the UI, shared by the block workers (block-worker.ts) and the
 * fused engine's workers (engine/fused/worker.ts). No other imports, so a worker entry that needs
 * it loads nothing else (the fused workers must never load ONNX Runtime).
 */
import { setPriority } from 'node:os';

/**
 * In the app, two block workers keep both cores busy and the window (the renderer, the main
 * thread) must still get one when it needs it: the app starts them at nice 10 (25M ratings: the
 * longest frame gap while scrolling during Solve 250 → 100 ms). It costs training time even with
 * no window to share with (25M: ~2 s an epoch), so the CLI and the benchmarks leave it out. On
 * Linux the nice value belongs to a thread, so this lowers the calling worker only; elsewhere
 * setpriority would lower the whole app, so there it is left alone.
 */
export function runBelowTheUi(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, nice);
  } catch {
    // Not permitted (a sandbox): run at the normal priority.
  }
}
