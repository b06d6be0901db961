/** Issue 12 item 1: the Runs panel's legend says what differs between the picked runs. */
import { describe, expect, it } from 'vitest';
import type { RunSummary, RunWord } from '../../src-main/service/contract.ts';
import { sampleState } from '../testing/sample-state.ts';
import { runLegends, settingsDiff, sortRuns } from './run-legend.ts';

const config = sampleState().config;
function run(id: string, words: Record<string, string>, over: Partial<RunSummary> = {}): RunSummary {
  const list: RunWord[] = Object.entries(words).map(([key, text]) => ({ key, text }));
  return { id, name: `run ${id}`, created: '', engine: 'onnx', config, validPct: 0.1, splitSeed: 42, words: list, epochs: 10, seconds: 1, trainRmse: 0.5, validRmse: 0.9, canOpen: true, ...over };
}

describe('runLegends', () => {
  it('names only the settings that differ: "k 5" vs "k 20"', () => {
    const runs = [run('r1', { model: 'dotbias', k: 'k 5', lr: 'lr 0.005' }), run('r2', { model: 'dotbias', k: 'k 20', lr: 'lr 0.005' })];
    expect(runLegends(runs)).toEqual(['k 5', 'k 20']);
  });

  it('two settings differ: both, in the words order', () => {
    const runs = [run('r1', { k: 'k 5', optimizer: 'adam', lr: 'lr 0.01' }), run('r2', { k: 'k 5', optimizer: 'sgd', lr: 'lr 0.1' }), run('r3', { k: 'k 5', optimizer: 'adam', lr: 'lr 0.1' })];
    expect(runLegends(runs)).toEqual(['adam, lr 0.01', 'sgd, lr 0.1', 'adam, lr 0.1']);
  });

  it('a setting only one run has (L-BFGS has no lr) counts as different', () => {
    expect(runLegends([run('r1', { optimizer: 'adam', lr: 'lr 0.01' }), run('r2', { optimizer: 'lbfgs' })])).toEqual(['adam, lr 0.01', 'lbfgs, no lr']);
  });

  it('nothing differs (one run, or the same settings twice): the names tell them apart', () => {
    expect(runLegends([run('r1', { k: 'k 5' })])).toEqual(['run r1']);
    expect(runLegends([run('r1', { k: 'k 5' }), run('r2', { k: 'k 5' })])).toEqual(['run r1', 'run r2']);
  });

  it('the diff lists the differing settings side by side', () => {
    const runs = [run('r1', { model: 'dotbias', k: 'k 2', wd: 'wd 0' }), run('r2', { model: 'dotbias', k: 'k 10', wd: 'wd 0.1' })];
    expect(settingsDiff(runs)).toEqual([
      { key: 'k', texts: ['k 2', 'k 10'] },
      { key: 'wd', texts: ['wd 0', 'wd 0.1'] },
    ]);
  });
});

describe('sortRuns', () => {
  it('by valid RMSE, best first; a run without one last', () => {
    const runs = [run('r1', {}, { validRmse: 0.95 }), run('r2', {}, { validRmse: null }), run('r3', {}, { validRmse: 0.9 })];
    expect(sortRuns(runs, 'valid', false).map((r) => r.id)).toEqual(['r3', 'r1', 'r2']);
    expect(sortRuns(runs, 'name', true).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
  });
});
