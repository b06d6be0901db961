/**
 * What the Runs panel says about the runs it compares (issue 12 item 1): each picked run's
 * legend is the settings that differ between the picked runs ("k 5" vs "k 20"), and the diff is
 * those settings side by side. The words themselves come from the service (RunSummary.words);
 * here they are only compared. Pure, so the words are tested.
 */
import type { RunSummary } from '../../src-main/service/contract.ts';

/** The setting keys whose words are not the same for every run, in the runs' word order. */
function differingKeys(runs: readonly RunSummary[]): string[] {
  const keys: string[] = [];
  for (const run of runs) for (const w of run.words) if (!keys.includes(w.key)) keys.push(w.key);
  const textOf = (run: RunSummary, key: string) => run.words.find((w) => w.key === key)?.text ?? '—';
  return keys.filter((key) => new Set(runs.map((r) => textOf(r, key))).size > 1);
}

/**
 * One legend entry per run: what sets it apart from the others ("k 5, lr 0.01"); its name where
 * nothing does (one run alone, or runs with the same settings: then the name tells them apart).
 */
export function runLegends(runs: readonly RunSummary[]): string[] {
  const keys = differingKeys(runs);
  if (keys.length === 0) return runs.map((r) => r.name);
  return runs.map((r) => keys.map((key) => r.words.find((w) => w.key === key)?.text ?? `no ${key}`).join(', '));
}

/** The differing settings as rows of the diff table: the setting, then each run's words for it. */
export function settingsDiff(runs: readonly RunSummary[]): { key: string; texts: string[] }[] {
  return differingKeys(runs).map((key) => ({ key, texts: runs.map((r) => r.words.find((w) => w.key === key)?.text ?? '—') }));
}

export type RunColumn = 'name' | 'model' | 'k' | 'optimizer' | 'lr' | 'wd' | 'epochs' | 'valid' | 'time';

/** The value a column sorts by: numbers by size, text alphabetically; a run with no valid RMSE sorts last. */
export function sortValue(run: RunSummary, column: RunColumn): number | string {
  const c = run.config;
  switch (column) {
    case 'name':
      return run.name.toLowerCase();
    case 'model':
      return c.model.kind;
    case 'k':
      return c.model.factors;
    case 'optimizer':
      return c.optim.optimizer;
    case 'lr':
      return c.optim.optimizer === 'lbfgs' ? Infinity : c.optim.lr;
    case 'wd':
      return c.optim.wd;
    case 'epochs':
      return run.epochs;
    case 'valid':
      return run.validRmse ?? Infinity;
    case 'time':
      return run.seconds;
  }
}

export function sortRuns(runs: readonly RunSummary[], column: RunColumn, descending: boolean): RunSummary[] {
  const sign = descending ? -1 : 1;
  return [...runs].sort((a, b) => {
    const x = sortValue(a, column);
    const y = sortValue(b, column);
    return sign * (x < y ? -1 : x > y ? 1 : 0);
  });
}
