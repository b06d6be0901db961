// Issue 12 items 2, 5, 6: sweep's and tune's flags, parsed as strictly as train's; the printed
// train line reads back to the same settings.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import { candidates } from '../engine/experiments/search-space.ts';
import { CliUsageError, parseTrainArgs } from './args.ts';
import { parseSweepArgs } from './sweep-command.ts';
import { trainFlags } from './train-flags.ts';
import { parseBudget, parseTuneArgs } from './tune-command.ts';

describe('sweep arguments', () => {
  it("takes one or two settings with their values, and train's flags for the rest", () => {
    const cmd = parseSweepArgs(['r.csv', '--param', 'k', '--values', '1,2,5,10,20,50,100', '--wd', '0.05', '--json'])!;
    expect(cmd.axes).toEqual([{ setting: 'k', values: [1, 2, 5, 10, 20, 50, 100] }]);
    expect(cmd.train).toMatchObject({ json: true, config: { optim: { wd: 0.05 } } });
    const grid = parseSweepArgs(['r.csv', '--param', 'lr', '--values', '1e-3,1e-2', '--param2', 'y-range', '--values2', 'on,off,0.8:5.2'])!;
    expect(grid.axes).toEqual([{ setting: 'lr', values: [1e-3, 1e-2] }, { setting: 'y-range', values: ['on', null, [0.8, 5.2]] }]);
    expect(parseSweepArgs(['r.csv', '--param', 'bs', '--values', '64,full'])!.axes[0].values).toEqual([64, 'full']);
    expect(parseSweepArgs(['r.csv', '--param', 'model', '--values', 'dotbias,classes'])!.axes[0].values).toEqual(['dotbias', 'classes']);
    expect(parseSweepArgs(['--help'])).toBeNull();
  });

  it('says what is wrong with each bad sweep', () => {
    const bad: [string[], string][] = [
      [['r.csv'], 'sweep: --param is required'],
      [['r.csv', '--param', 'k'], '--param k: needs --values'],
      [['r.csv', '--values', '1,2'], 'sweep: --param is required'],
      [['r.csv', '--param', 'factors', '--values', '1'], "--param: expected k|lr|wd|optimizer|model|bs|epochs|y-range, got 'factors'"],
      [['r.csv', '--param', 'k', '--values', '1,,2'], "--values: k: expected an integer, got ''"],
      [['r.csv', '--param', 'k', '--values', '1,2.5'], "--values: k: expected an integer, got '2.5'"],
      [['r.csv', '--param', 'k', '--values', '0'], '--values: k: must be at least 1, got 0'],
      [['r.csv', '--param', 'k', '--values', '1,1'], "--values: '1' is given twice"],
      [['r.csv', '--param', 'lr', '--values', '0'], '--values: lr: must be above 0, got 0'],
      [['r.csv', '--param', 'optimizer', '--values', 'adamw'], "--values: optimizer: expected adam|sgd|momentum|lbfgs, got 'adamw'"],
      [['r.csv', '--param', 'y-range', '--values', '5:1'], "--values: y-range: expected on, off or lo:hi with lo < hi"],
      [['r.csv', '--param', 'k', '--values', '1', '--factors', '5'], '--factors: the sweep sets k itself (--values); leave --factors out'],
      [['r.csv', '--param', 'k', '--values', '1', '--param2', 'k', '--values2', '2'], '--param2: sweeps k again'],
      [['r.csv', '--param', 'k', '--values', '1', '--values2', '2'], '--values2: needs --param2'],
      [['r.csv', '--param', 'lr', '--values', Array.from({ length: 1001 }, (_, i) => `${i + 1}e-5`).join(',')], 'sweep: 1001 runs is more than the 1000 allowed'],
      [['r.csv', '--param', 'k', '--values', '1', '--out', 'dir'], '--out: a sweep trains many models'],
      [['r.csv', '--param', 'k', '--values', '1', '--valeus', '2'], "unknown option '--valeus'".replace(/'/g, '')],
      [['r.csv', '--param', 'k', '--values'], '--values: missing its value'],
      [['--param', 'k', '--values', '1'], 'sweep: missing the ratings file'],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseSweepArgs(argv), argv.join(' ')).toThrow(CliUsageError);
      expect(() => parseSweepArgs(argv), argv.join(' ')).toThrow(message);
    }
  });

  it('never throws anything but a usage error on fuzzed flags (seeded)', () => {
    const rand = mulberry32(12);
    const words = ['r.csv', '--param', '--values', '--param2', '--values2', 'k', 'lr', 'y-range', 'model', '1,2', '-1', '0:5', 'on', '', ',', '1e999', 'NaN', '--wd', '--json', '--help', '=', '--bs', 'full', 'nn'];
    for (let t = 0; t < 500; t++) {
      const argv = Array.from({ length: 1 + Math.floor(rand() * 7) }, () => words[Math.floor(rand() * words.length)]);
      try {
        parseSweepArgs(argv);
      } catch (e) {
        expect(e, argv.join(' ')).toBeInstanceOf(CliUsageError);
      }
    }
  });
});

describe('tune arguments', () => {
  it('takes a budget in seconds or minutes, the seed and the split', () => {
    expect(parseTuneArgs(['r.csv', '--budget', '120s', '--seed', '7', '--valid', 'v.csv', '--json'])).toMatchObject({ budgetSeconds: 120, train: { json: true, valid: 'v.csv', config: { seed: 7 } } });
    expect(parseBudget('2m')).toBe(120);
    expect(parseBudget('90')).toBe(90);
    expect(parseBudget('1.5min')).toBe(90);
  });

  it('says what is wrong with each bad tune', () => {
    const bad: [string[], string][] = [
      [['r.csv'], 'tune: --budget is required'],
      [['r.csv', '--budget', '2h'], "--budget: expected seconds or minutes like 120s or 2m, got '2h'"],
      [['r.csv', '--budget', '-5'], "--budget: expected seconds or minutes"],
      [['r.csv', '--budget', '0s'], '--budget: must be 1 s to 86400 s'],
      [['r.csv', '--budget', '100000'], '--budget: must be 1 s to 86400 s'],
      [['r.csv', '--budget', '10s', '--lr', '0.1'], '--lr: tune searches the settings itself'],
      [['r.csv', '--budget', '10s', '--model', 'nn'], '--model: tune searches the settings itself'],
      [['r.csv', '--budget', '10s', '--valid-pct', '0'], '--valid-pct 0: tune chooses by the validation RMSE'],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseTuneArgs(argv), argv.join(' ')).toThrow(CliUsageError);
      expect(() => parseTuneArgs(argv), argv.join(' ')).toThrow(message);
    }
  });
});

describe('trainFlags', () => {
  it("reads back through train's parser to the same settings, for every kind of candidate a tune tries", () => {
    for (const { config } of candidates(42, 60)) {
      expect(parseTrainArgs(['r.csv', ...trainFlags(config)])!.config).toEqual(config);
    }
  });
});
