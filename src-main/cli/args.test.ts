import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import { CliUsageError, parseExportArgs, parseLrFindArgs, parseTrainArgs } from './args.ts';

describe('--updates', () => {
  it('is left to the trainer unless given', () => {
    expect(parseTrainArgs(['r.csv'])!.config.optim.updates).toBeUndefined();
    expect(parseTrainArgs(['r.csv', '--updates', 'dense'])!.config.optim.updates).toBe('dense');
  });
  it('refuses anything but lazy or dense', () => {
    expect(() => parseTrainArgs(['r.csv', '--updates', 'sparse'])).toThrow(CliUsageError);
    expect(() => parseTrainArgs(['r.csv', '--updates', 'sparse'])).toThrow("--updates: expected lazy|dense, got 'sparse'");
  });
});

// Issue 13 finding 10: `--wd -1` answered "missing its value", and `--layers 99999999` reached the
// trainer as a typed-array error. A negative value is a value; every number is range-checked
// against the same limits the app's settings use (CONFIG_LIMITS in engine/types.ts).
describe('numbers out of range', () => {
  it('takes a negative-looking value as the value, then says what range it needs', () => {
    expect(() => parseTrainArgs(['r.csv', '--wd', '-1'])).toThrow('--wd: must be at least 0, got -1');
    expect(() => parseTrainArgs(['r.csv', '--lr', '-0.5'])).toThrow('--lr: must be above 0, got -0.5');
    expect(() => parseTrainArgs(['r.csv', '--seed', '-3'])).toThrow('--seed: must be at least 0, got -3');
    expect(parseTrainArgs(['r.csv', '--y-range', '-1,1'])!.config.model.yRange).toEqual([-1, 1]);
    expect(parseTrainArgs(['r.csv', '--y-range=-2,2'])!.config.model.yRange).toEqual([-2, 2]);
  });

  it('still calls a flag after a flag a missing value', () => {
    expect(() => parseTrainArgs(['r.csv', '--wd', '--json'])).toThrow('--wd: missing its value');
    expect(() => parseTrainArgs(['r.csv', '--wd'])).toThrow('--wd: missing its value');
  });

  it('bounds the layers, their count and the other sizes by the app\'s limits', () => {
    expect(() => parseTrainArgs(['r.csv', '--model', 'nn', '--layers', '99999999']))
      .toThrow("--layers: each layer has 1 to 4096 units, got 99999999");
    expect(() => parseTrainArgs(['r.csv', '--layers', Array(9).fill('10').join(',')]))
      .toThrow('--layers: at most 8 hidden layers, got 9');
    expect(() => parseTrainArgs(['r.csv', '--factors', '100000'])).toThrow('--factors: must be at most 512, got 100000');
    expect(() => parseTrainArgs(['r.csv', '--lr', '1000'])).toThrow('--lr: must be at most 100, got 1000');
    expect(() => parseTrainArgs(['r.csv', '--threads', '1000'])).toThrow('--threads: must be at most 64, got 1000');
    expect(parseTrainArgs(['r.csv', '--model', 'nn', '--layers', '4096,8'])!.config.model.layers).toEqual([4096, 8]);
  });
});

// Issue 12 items 3 and 6: lr-find takes train's flags (parsed by the same code) and its own.
describe('lr-find arguments', () => {
  it("takes train's model and optimizer flags, the split, and the sweep's own", () => {
    const cmd = parseLrFindArgs(['r.csv', '--factors', '8', '--optimizer', 'momentum', '--wd', '0.01', '--bs', '128', '--valid-pct', '0.2', '--num-it', '50', '--start-lr', '1e-6', '--end-lr', '1']);
    expect(cmd).toMatchObject({ ratings: 'r.csv', validPct: 0.2, numIt: 50, startLr: 1e-6, endLr: 1, json: false });
    expect(cmd!.config).toMatchObject({ batchSize: 128, model: { factors: 8 }, optim: { optimizer: 'momentum', wd: 0.01 } });
    // Defaults: fastai's sweep over train's defaults.
    expect(parseLrFindArgs(['r.csv'])).toMatchObject({ startLr: 1e-7, endLr: 10, numIt: 100, config: parseTrainArgs(['r.csv'])!.config });
  });

  it('refuses the flags that mean nothing to a sweep, saying what to use instead', () => {
    expect(() => parseLrFindArgs(['r.csv', '--lr', '0.01'])).toThrow('--lr: lr-find sweeps the learning rate itself: set the sweep with --start-lr and --end-lr');
    expect(() => parseLrFindArgs(['r.csv', '--epochs', '3'])).toThrow('--epochs: lr-find trains --num-it batches, not epochs');
    expect(() => parseLrFindArgs(['r.csv', '--out', 'dir'])).toThrow(/^--out: lr-find puts the model back/);
    expect(() => parseLrFindArgs(['r.csv', '--schedule', 'constant'])).toThrow(/^--schedule: /);
  });

  it('refuses L-BFGS and sweeps that cannot run', () => {
    expect(() => parseLrFindArgs(['r.csv', '--optimizer', 'lbfgs'])).toThrow('--optimizer lbfgs: L-BFGS chooses its own step lengths and takes no learning rate');
    expect(() => parseLrFindArgs(['r.csv', '--start-lr', '1', '--end-lr', '0.1'])).toThrow('--end-lr: must be above --start-lr (1), got 0.1');
    expect(() => parseLrFindArgs(['r.csv', '--num-it', '3'])).toThrow('--num-it: must be at least 6, got 3');
    expect(() => parseLrFindArgs(['r.csv', '--num-it', '2.5'])).toThrow("--num-it: expected an integer, got '2.5'");
    expect(() => parseLrFindArgs(['r.csv', '--start-lr', '0'])).toThrow('--start-lr: must be above 0, got 0');
    expect(() => parseLrFindArgs(['r.csv', '--end-lr', '1000'])).toThrow('--end-lr: must be at most 100, got 1000');
    expect(() => parseLrFindArgs([])).toThrow('lr-find: missing the ratings file');
    expect(parseLrFindArgs(['--help'])).toBeNull();
  });
});

// Issue 11 item 5: --engine onnx|fused|auto, parsed like every flag.
describe('--engine', () => {
  it('defaults to auto and takes onnx or fused', () => {
    expect(parseTrainArgs(['r.csv'])!.engine).toBe('auto');
    expect(parseTrainArgs(['r.csv', '--engine', 'fused'])!.engine).toBe('fused');
    expect(parseTrainArgs(['r.csv', '--engine=onnx'])!.engine).toBe('onnx');
    expect(parseExportArgs(['r.csv', '--format', 'csv', '--out', 'd', '--engine', 'fused'])!.engine).toBe('fused');
  });

  it('refuses anything else in one line naming the choices', () => {
    expect(() => parseTrainArgs(['r.csv', '--engine', 'FUSED'])).toThrow("--engine: expected auto|onnx|fused, got 'FUSED'");
    expect(() => parseTrainArgs(['r.csv', '--engine', ''])).toThrow("--engine: expected auto|onnx|fused, got ''");
    expect(() => parseTrainArgs(['r.csv', '--engine'])).toThrow('--engine: missing its value');
    expect(() => parseTrainArgs(['r.csv', '--engine', '--json'])).toThrow('--engine: missing its value');
    expect(() => parseLrFindArgs(['r.csv', '--engine', 'fused'])).toThrow('--engine: lr-find sweeps in ONNX Runtime');
  });

  it('fuzzed values: an engine or one CliUsageError line, never another error', () => {
    const rand = mulberry32(11);
    const pieces = ['auto', 'onnx', 'fused', 'Fused', ' fused', 'fused ', '=', '-', '--', '1', '-1', 'ønnx', '\u0000', ',', 'auto,fused', ''];
    const pick = () => pieces[Math.floor(rand() * pieces.length)];
    for (let run = 0; run < 300; run++) {
      const value = Array.from({ length: 1 + Math.floor(rand() * 3) }, pick).join('');
      const argv = rand() < 0.5 ? ['r.csv', '--engine', value] : ['r.csv', `--engine=${value}`];
      try {
        const cmd = parseTrainArgs(argv)!;
        expect(['auto', 'onnx', 'fused']).toContain(cmd.engine);
        expect(cmd.engine).toBe(value);
      } catch (e) {
        expect(e).toBeInstanceOf(CliUsageError);
        expect((e as Error).message).toMatch(/^(--engine: |unknown option )/);
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });
});

// Issue 11 item 4: the settings the user set, so an engine's own defaults replace only the others.
describe('explicit settings', () => {
  it('are the flags given, whatever their value (a default spelt out is still explicit)', () => {
    expect([...parseTrainArgs(['r.csv'])!.explicit]).toEqual([]);
    const cmd = parseTrainArgs(['r.csv', '--lr', '5e-3', '--wd=0', '--bs', '1024', '--schedule', 'constant', '--optimizer', 'sgd', '--json'])!;
    expect([...cmd.explicit].sort()).toEqual(['bs', 'json', 'lr', 'optimizer', 'schedule', 'wd']);
    expect(cmd.explicit.has('wd-mode')).toBe(false);
    expect(parseTrainArgs(['r.csv', '--help'])).toBeNull();
  });

  it("leave out export's and lr-find's own flags", () => {
    const exp = parseExportArgs(['r.csv', '--format', 'csv', '--out', 'd', '--factors', '8'])!;
    expect([...exp.explicit].sort()).toEqual(['factors', 'out']);
  });
});
