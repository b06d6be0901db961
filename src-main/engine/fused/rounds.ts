/**
 * One epoch of the block schedule (blocks.ts), as run by each thread: claim the next block of the
 * current round, train it, and when the round has none left wait at a barrier for the others.
 * The control words live in the kernel's shared memory (kernel.ts): a stop flag, the barrier's
 * arrivals and generation, and a claim counter per round. The main thread resets them before
 * each epoch and raises the stop flag on Stop; a thread sees it before its next block, or while
 * it waits at a barrier.
 */
import type { Grid, RunGrid } from './blocks.ts';
import type { PlacedColumns } from './arena.ts';
import type { FusedLayout, KernelExports } from './kernel.ts';

export const CTRL = { STOP: 0, ARRIVED: 1, GEN: 2, CLAIM: 4 } as const;

/** An epoch's blocks in schedule order (blocks.ts epochOrder) and the learning rate of each. */
export interface EpochPlan {
  order: Int32Array;
  lrs: Float32Array;
}

/** How long a waiting thread sleeps between looks at the stop flag (a notify wakes it sooner). */
const WAIT_MS = 50;

/** Trains the block at position `pos` of the plan; its error sums go to the block's own slot. */
export function trainBlock(kernel: KernelExports, layout: FusedLayout, grid: Grid, plan: EpochPlan, pos: number): void {
  const b = plan.order[pos];
  const from = grid.blockStart[b];
  const c = layout.train;
  kernel.train(c.users + 4 * from, c.items + 4 * from, c.ratings + 4 * from, grid.blockStart[b + 1] - from, plan.lrs[pos], layout.sums + 16 * b);
}

/** The validation errors of block b's validation ratings, into the block's second slot (sums read only after every thread's reply). */
export function evaluateBlock(kernel: KernelExports, layout: FusedLayout, grid: RunGrid, b: number): void {
  const from = grid.validStart[b];
  const c: PlacedColumns = layout.valid;
  kernel.evaluate(c.users + 4 * from, c.items + 4 * from, c.ratings + 4 * from, grid.validStart[b + 1] - from, layout.sums + 16 * (layout.blocks + b));
}

/**
 * This thread's share of an epoch among `threads`: the g rounds, then validation blocks claimed
 * from one counter (no barrier: the parameters no longer change); false when it stopped.
 */
export function runShare(kernel: KernelExports, layout: FusedLayout, grid: RunGrid, ctl: Int32Array, plan: EpochPlan, threads: number): boolean {
  const g = grid.g;
  for (let r = 0; r < g; r++) {
    for (;;) {
      if (Atomics.load(ctl, CTRL.STOP) !== 0) return false;
      const slot = Atomics.add(ctl, CTRL.CLAIM + r, 1);
      if (slot >= g) break;
      trainBlock(kernel, layout, grid, plan, r * g + slot);
    }
    if (!barrier(ctl, r + 1, threads)) return false;
  }
  for (;;) {
    if (Atomics.load(ctl, CTRL.STOP) !== 0) return false;
    const b = Atomics.add(ctl, CTRL.CLAIM + g, 1);
    if (b >= g * g) return true;
    evaluateBlock(kernel, layout, grid, b);
  }
}

/** All `threads` have finished round gen − 1; false when stopped while waiting. */
function barrier(ctl: Int32Array, gen: number, threads: number): boolean {
  if (Atomics.add(ctl, CTRL.ARRIVED, 1) + 1 === threads * gen) {
    Atomics.store(ctl, CTRL.GEN, gen);
    Atomics.notify(ctl, CTRL.GEN);
    return true;
  }
  for (let seen = Atomics.load(ctl, CTRL.GEN); seen < gen; seen = Atomics.load(ctl, CTRL.GEN)) {
    if (Atomics.load(ctl, CTRL.STOP) !== 0) return false;
    Atomics.wait(ctl, CTRL.GEN, seen, WAIT_MS);
  }
  return true;
}

/** Before an epoch: no stop, no arrivals, every round's blocks unclaimed. */
export function resetControl(ctl: Int32Array): void {
  ctl.fill(0);
}

/** Stop: raise the flag and wake the threads waiting at a barrier. */
export function raiseStop(ctl: Int32Array): void {
  Atomics.store(ctl, CTRL.STOP, 1);
  Atomics.notify(ctl, CTRL.GEN);
}
