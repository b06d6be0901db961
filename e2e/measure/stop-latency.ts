/**
 * Issue 11 item 7's Stop figure on the fused engine, measured in the service as the app runs it
 * (the real training worker, the fused kernel's threads): a planted set of the given size, a
 * fused Solve of many epochs, and after `after` epochs a Stop; it prints the milliseconds from
 * sending Stop to the 'idle' announcement, and to the Runs list that records the run.
 *
 *   npx tsx e2e/measure/stop-latency.ts [ratings=5000000] [tries=3]
 *
 * The planted shape is MovieLens-25M's users and items scaled to the ratings (162,541 × 59,047 at 25M).
 */
import { generatePlanted, type PlantedSpec } from '../../src-main/data/synthetic.ts';
import type { EventMessage, StatePatch } from '../../src-main/service/contract.ts';
import { createService } from '../../src-main/service/service.ts';
import { tsxWorkerFactory } from '../../src-main/service/testing/tsx-worker.ts';

const ratings = Number(process.argv[2] ?? 5_000_000);
const tries = Number(process.argv[3] ?? 3);
const share = ratings / 25_000_000;
const SPEC: PlantedSpec = {
  users: Math.round(162_541 * Math.sqrt(share)), items: Math.round(59_047 * Math.sqrt(share)), ratings,
  rank: 8, noise: 0.9, seed: 7, factorStd: 0.5, biasStd: 0.3,
};
const SCALE = { lo: 0.5, hi: 5, step: 0.5 };
// Fails here, not in the worker, when the spec cannot be planted.
generatePlanted({ ...SPEC, ratings: 1000, scale: SCALE });

const svc = await createService(tsxWorkerFactory, {
  source: { kind: 'planted', name: 'planted', spec: SPEC, scale: SCALE },
  settings: { epochsPerSecond: 0, validPct: 0.1 },
});
const events: { at: number; e: EventMessage }[] = [];
svc.subscribe((e) => events.push({ at: performance.now(), e }));
const changed = (e: EventMessage) => (e.event === 'changed' ? (e.payload as StatePatch) : null);

try {
  const s = await svc.getState({});
  await svc.setConfig({ config: { ...s.config, model: { ...s.config.model, factors: 50 }, epochs: 10_000, engine: 'fused' } });
  console.log(`stop latency: ${ratings} planted ratings, ${SPEC.users} users × ${SPEC.items} items, k 50, fused engine`);
  for (let t = 0; t < tries; t++) {
    events.length = 0;
    const solving = svc.solve({});
    await until(() => events.filter((x) => x.e.event === 'epoch').length >= 2);
    // Mid-epoch, as a person's click is: a random moment of the third epoch.
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    const sent = performance.now();
    await svc.stop({});
    await solving;
    const idle = events.find((x) => x.at >= sent && changed(x.e)?.status === 'idle');
    const runs = events.find((x) => x.at >= sent && changed(x.e)?.runs !== undefined);
    const ms = (x: { at: number } | undefined) => (x ? `${(x.at - sent).toFixed(0)} ms` : 'never');
    console.log(`try ${t + 1}: Stop -> idle ${ms(idle)}, Stop -> run recorded ${ms(runs)}`);
  }
} finally {
  await svc.dispose();
}

async function until(done: () => boolean, timeoutMs = 300_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
