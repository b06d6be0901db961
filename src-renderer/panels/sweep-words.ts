/**
 * Sweeps and tune in words (issue 12 items 4, 5): the settings a sweep offers and the values it
 * suggests, a typed list of values, the queue's progress, the result chart's axis, and the heat
 * map's shades. Pure, so tested; the panel (experiments-panel.ts) only shows them.
 */
import type { ExperimentProgress, SweepAnswer } from '../../src-main/service/contract.ts';

/** The settings as the service names them (engine/experiments/settings.ts), in the menu's order. */
export const SWEEP_CHOICES = [
  { setting: 'k', label: 'factors k', suggested: '1, 2, 5, 10, 20' },
  { setting: 'lr', label: 'learning rate', suggested: '1e-3, 3e-3, 1e-2, 3e-2, 0.1' },
  { setting: 'wd', label: 'weight decay', suggested: '0.001, 0.01, 0.1, 0.3' },
  { setting: 'optimizer', label: 'optimizer', suggested: 'adam, momentum, sgd' },
  { setting: 'model', label: 'model', suggested: 'dot, dotbias, nn' },
  { setting: 'bs', label: 'batch size', suggested: '16, 32, 64, full' },
  { setting: 'epochs', label: 'epochs', suggested: '5, 10, 20, 50' },
  { setting: 'y-range', label: 'y_range on/off', suggested: 'off, on' },
] as const;

export type SweepChoice = (typeof SWEEP_CHOICES)[number]['setting'];

export const choiceOf = (setting: string) => SWEEP_CHOICES.find((c) => c.setting === setting)!;

/** "1, 2, 5" or "1 2 5" → ['1', '2', '5']: commas or spaces between values, blanks dropped. */
export function valueList(text: string): string[] {
  return text.split(/[,;\s]+/).map((v) => v.trim()).filter((v) => v !== '');
}

/** How the chart's x axis shows the values: lr and wd span decades (log), other numbers linear, names as categories. */
export function axisKind(setting: string, values: readonly string[]): 'log' | 'linear' | 'category' {
  const numbers = values.map(Number);
  if (!values.every((v) => v.trim() !== '') || !numbers.every(Number.isFinite)) return 'category';
  // A wd of 0 has no place on a log axis: the sweep is shown linear then.
  return (setting === 'lr' || setting === 'wd') && numbers.every((x) => x > 0) ? 'log' : 'linear';
}

const seconds = (s: number) => (s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/** "Sweep: run 3 of 7 (k=10) · 4 s so far · about 9 s left"; "Tune: 12 runs done of 30 planned…". */
export function progressText(p: ExperimentProgress): string {
  const what = p.kind === 'sweep' ? 'Sweep' : 'Tune';
  const left = p.etaSeconds === null ? '' : ` · about ${seconds(p.etaSeconds)} left`;
  if (p.next === null) return `${what}: ${p.done} of ${p.total} runs done in ${seconds(p.elapsedSeconds)}`;
  return `${what}: run ${p.done + 1} of ${p.total} (${p.next}) · ${seconds(p.elapsedSeconds)} so far${left}`;
}

/** What the sweep's result says under its chart: the best cell, and whether Stop cut it short. */
export function sweepSummary(a: SweepAnswer): string {
  const best = a.cells.find((c) => c.runId === a.bestRunId);
  const planned = a.axes.reduce((n, x) => n * x.values.length, 1);
  const cut = a.cancelled ? ` Stopped after ${a.cells.length} of ${planned} runs.` : '';
  if (!best) return `No run finished with a valid RMSE.${cut}`;
  const where = a.axes.map((x, i) => `${x.setting} ${best.values[i]}`).join(', ');
  return `Best: ${where} — valid RMSE ${best.validRmse!.toFixed(4)}.${cut}`;
}

/** A heat-map cell's shade: the best RMSE green, the worst light, on the sweep's own range. */
export function heatShade(rmse: number | null, lo: number, hi: number): string {
  if (rmse === null || !Number.isFinite(rmse)) return '#eeeeee';
  const t = hi > lo ? (rmse - lo) / (hi - lo) : 0;
  const lightness = Math.round(38 + 52 * Math.min(1, Math.max(0, t)));
  return `hsl(140 45% ${lightness}%)`;
}

/** The budget typed into Tune's field, or why not (the service allows 5 s to an hour). */
export function budgetOf(text: string): { seconds: number } | { error: string } {
  const t = text.trim().replace(/\s*s$/, '');
  const x = Number(t);
  if (t === '' || !Number.isInteger(x)) return { error: `Tune's budget is whole seconds, e.g. 30 (got "${text}")` };
  if (x < 5 || x > 3600) return { error: `Tune's budget is 5 to 3600 seconds (got ${x})` };
  return { seconds: x };
}
