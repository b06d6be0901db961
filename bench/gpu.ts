/**
 * Epoch time on a chosen execution provider (issue 6 item 4): trains the scale benchmark's data
 * (bench/scale-data.ts, MovieLens-25M shape) with the scale settings on `--device`, and prints
 * one JSON line per epoch and a summary. A device that cannot be used falls back to the CPU and
 * says why (`notice`). Runs under tsx here, or bundled by bench/device-run.sh on a machine
 * without this checkout's node_modules.
 *
 *   node --import tsx bench/gpu.ts [--device cpu|webgpu|cuda] [--rows 5000000] [--epochs 3]
 *                                  [--threads 1] [--bs 32768]
 *
 * Note: parameters live in our (CPU) wasm arena and the step runs in TypeScript, so a GPU session
 * receives the tables as inputs on every run: each batch uploads them (≈ 45 MB at 25M, k = 50).
 * Bigger batches amortise that; keeping tables on the GPU would need the step there too.
 */
import { createTrainer } from '../src-main/engine/train/trainer.ts';
import type { Device } from '../src-main/engine/types.ts';
import { scaleConfig, scaleData } from './scale-data.ts';

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

async function main(args: string[]): Promise<void> {
  const device = option(args, '--device', 'cpu') as Device;
  if (!['cpu', 'webgpu', 'cuda'].includes(device)) throw new Error(`--device must be cpu, webgpu or cuda, got ${device}`);
  const rows = Number(option(args, '--rows', '5000000'));
  const epochs = Number(option(args, '--epochs', '3'));
  const threads = Number(option(args, '--threads', '1'));
  const bs = Number(option(args, '--bs', '32768'));
  const print = (o: object) => console.log(JSON.stringify(o));

  const d = scaleData(rows);
  print({ data: rows, users: d.users, items: d.items, generateSeconds: +d.generateSeconds.toFixed(2), plantedValidRmse: +d.plantedValidRmse.toFixed(4) });
  const config = { ...scaleConfig(threads, device, bs), epochs };
  const t0 = performance.now();
  const trainer = await createTrainer(d.train, d.valid, config);
  const setupSeconds = (performance.now() - t0) / 1000;
  const ranOn = trainer.deviceNotice ? 'cpu' : device;
  const seconds: number[] = [];
  let validRmse = NaN;
  while (trainer.epochsDone < epochs) {
    const r = await trainer.runEpoch();
    if (r.stopped || !r.metrics) throw new Error(`training stopped: ${JSON.stringify(r.stopped)}`);
    seconds.push(r.metrics.seconds);
    validRmse = r.metrics.validRmse!;
    print({ device: ranOn, epoch: r.metrics.epoch, seconds: +r.metrics.seconds.toFixed(3), validRmse: +validRmse.toFixed(4) });
  }
  await trainer.dispose();
  // The first epoch includes warm-up (kernel compilation on a GPU); report the rest too.
  const rest = seconds.length > 1 ? seconds.slice(1) : seconds;
  print({
    requested: device, ranOn, notice: trainer.deviceNotice, rows, batchSize: bs, threads, epochs,
    setupSeconds: +setupSeconds.toFixed(2),
    secondsPerEpoch: +(seconds.reduce((a, b) => a + b, 0) / seconds.length).toFixed(3),
    secondsPerEpochAfterFirst: +(rest.reduce((a, b) => a + b, 0) / rest.length).toFixed(3),
    validRmse: +validRmse.toFixed(4),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
