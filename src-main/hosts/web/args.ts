/**
 * Command-line options of the web host. Bad input gets one line naming the option and the
 * problem (the caller prints it with the usage), never a stack trace.
 */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: node out/main/web.js [--port N] [--sheet FILE.json | --ratings FILE] [--valid-pct P] [--measure-lag]
  --port N        listen on 127.0.0.1:N (default 0: a free port)
  --sheet FILE    open a sheet file (as resources/demo-sheet.json) instead of the demo sheet
  --ratings FILE  open a ratings file (MovieLens u.data, ratings.csv, any CSV/TSV)
  --valid-pct P   hold out this fraction of ratings for validation (default 0)
  --measure-lag   print the main thread's event-loop delay (p50/p99/max) every second`;

export interface WebHostArgs {
  port: number;
  sheet?: string;
  ratings?: string;
  validPct?: number;
  measureLag: boolean;
}

export class ArgsError extends Error {}

export function parseWebHostArgs(argv: string[]): WebHostArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        sheet: { type: 'string' },
        ratings: { type: 'string' },
        'valid-pct': { type: 'string' },
        'measure-lag': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ArgsError(`--port: "${values.port}" is not a port number (0–65535)`);
  }
  if (values.sheet && values.ratings) throw new ArgsError('--sheet and --ratings cannot be used together');
  let validPct: number | undefined;
  if (values['valid-pct'] !== undefined) {
    validPct = Number(values['valid-pct']);
    if (!(validPct >= 0 && validPct <= 0.5)) throw new ArgsError(`--valid-pct: "${values['valid-pct']}" is not a fraction in [0, 0.5]`);
  }
  return { port, sheet: values.sheet, ratings: values.ratings, validPct, measureLag: values['measure-lag'] };
}
