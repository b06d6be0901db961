/**
 * The web host's entry (built to out/main/web.js): the same service and renderer as the desktop
 * app, served on 127.0.0.1 for a browser — what `npm start` falls back to where Electron cannot
 * run, and what the e2e tests drive.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ServiceOptions } from '../../service/service.ts';
import { defaultRecoveryDir } from '../common/recovery-dir.ts';
import { createServiceRoot } from '../common/service-root.ts';
import { ArgsError, parseWebHostArgs, USAGE, type WebHostArgs } from './args.ts';
import { startWebHost } from './web-host.ts';

async function main(): Promise<void> {
  let args: WebHostArgs;
  try {
    args = parseWebHostArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const service: Partial<ServiceOptions> = { recoveryDir: defaultRecoveryDir() };
  if (args.sheet) service.source = { kind: 'sheet-file', path: args.sheet };
  if (args.ratings) service.source = { kind: 'ratings-file', path: args.ratings };
  if (args.validPct !== undefined) service.settings = { validPct: args.validPct };

  const root = await createServiceRoot({ service });
  const host = await startWebHost({
    endpoint: root.endpoint,
    rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    port: args.port,
    token: process.env['COLLABSHEET_TOKEN'] || undefined,
  });
  console.log(`CollabSheet web host: ${host.url}`);
  if (args.measureLag) reportEventLoopDelay();

  // A terminal's Ctrl+C reaches us twice (directly and forwarded by `npm start`): shut down once
  // and ignore the repeats, so a second signal cannot cut the shutdown short.
  let closing: Promise<void> | null = null;
  const shutdown = () => {
    closing ??= (async () => {
      await host.close();
      await root.dispose();
      process.exit(0);
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** The responsiveness figure the issue asks for: how late the main thread runs its timers. */
function reportEventLoopDelay(): void {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  setInterval(() => {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    console.log(`event-loop delay ms: p50 ${ms(h.percentile(50))} p99 ${ms(h.percentile(99))} max ${ms(h.max)} (n=${h.count})`);
    h.reset();
  }, 1000).unref();
}

main().catch((error: unknown) => {
  console.error(`CollabSheet web host could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
