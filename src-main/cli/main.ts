/**
 * The `collabsheet` command line. Every failure a user can cause ends as one line on stderr and
 * a non-zero exit code, never a stack trace: usage mistakes exit 2, bad data and failed runs 1.
 * COLLABSHEET_DEBUG=1 adds the stack of unexpected errors, for us.
 */
import { DataImportError } from '../data/import/index.ts';
import { CliUsageError, EXPORT_USAGE, LR_FIND_USAGE, parseExportArgs, parseLrFindArgs, parseTrainArgs, TRAIN_USAGE } from './args.ts';
import { parseSweepArgs, SWEEP_USAGE } from './sweep-command.ts';
import { parseSynthArgs, SYNTH_USAGE } from './synth-command.ts';
import { parseTuneArgs, TUNE_USAGE } from './tune-command.ts';
import type { Output } from './train-command.ts';

const USAGE = `usage: collabsheet <command> [options]

commands:
  train <ratings> [options]   train a model of fastbook ch. 8 and report RMSE per epoch
                              (collabsheet train --help for its options)
  export <ratings> --format F --out <dir> [options]
                              train, then write factors and biases as CSV, TSV, JSON, NPY,
                              Embedding Projector files or an ONNX serving model
  lr-find <ratings> [options] sweep the learning rate as fastai's lr_find and suggest one
                              (collabsheet lr-find --help for its options)
  sweep <ratings> --param P --values V1,V2,… [options]
                              one run per value of a setting (or a grid of two), compared
                              (collabsheet sweep --help for its options)
  tune <ratings> --budget 120s [options]
                              search the settings within a time budget; the best single run
                              and the best blend (collabsheet tune --help for its options)
  synth --out <file> [options]
                              write a synthetic ratings CSV from a planted low-rank model
                              (collabsheet synth --help for its options)`;

const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function main(argv: string[], io: Output = stdio): Promise<number> {
  const [command, ...rest] = argv;
  // Ctrl-C stops training between batches and still reports; a second one kills.
  const cancel = new AbortController();
  const onSigint = () => {
    if (cancel.signal.aborted) process.exit(130);
    cancel.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    switch (command) {
      case 'train':
      case 'export': {
        const cmd = command === 'train' ? parseTrainArgs(rest) : parseExportArgs(rest);
        if (!cmd) {
          io.out(command === 'train' ? TRAIN_USAGE : EXPORT_USAGE);
          return 0;
        }
        // Loaded on demand: the engine brings ONNX Runtime, which --help and usage errors don't need.
        const { runTrain } = await import('./train-command.ts');
        return await runTrain(cmd, io, cancel.signal);
      }
      case 'lr-find': {
        const cmd = parseLrFindArgs(rest);
        if (!cmd) {
          io.out(LR_FIND_USAGE);
          return 0;
        }
        const { runLrFind } = await import('./lr-find-command.ts');
        return await runLrFind(cmd, io, cancel.signal);
      }
      case 'sweep': {
        const cmd = parseSweepArgs(rest);
        if (!cmd) {
          io.out(SWEEP_USAGE);
          return 0;
        }
        const { runSweep } = await import('./sweep-command.ts');
        return await runSweep(cmd, io, cancel.signal);
      }
      case 'tune': {
        const cmd = parseTuneArgs(rest);
        if (!cmd) {
          io.out(TUNE_USAGE);
          return 0;
        }
        const { runTune } = await import('./tune-command.ts');
        return await runTune(cmd, io, cancel.signal);
      }
      case 'synth': {
        const cmd = parseSynthArgs(rest);
        if (!cmd) {
          io.out(SYNTH_USAGE);
          return 0;
        }
        const { runSynth } = await import('./synth-command.ts');
        return await runSynth(cmd, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new CliUsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    return report(e, io, (REPORTED as readonly string[]).includes(command) ? command as Reported : 'train');
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const REPORTED = ['train', 'export', 'synth', 'lr-find', 'sweep', 'tune'] as const;
type Reported = (typeof REPORTED)[number];

function report(e: unknown, io: Output, command: Reported): number {
  if (e instanceof CliUsageError) {
    io.err(`collabsheet: ${e.message} (see collabsheet ${command} --help)`);
    return 2;
  }
  if (e instanceof DataImportError) {
    io.err(`collabsheet: ${e.message}`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`collabsheet: ${message.split('\n')[0]}`);
  if (process.env.COLLABSHEET_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
  return 1;
}
