/**
 * The settings a sweep or a tune varies, by the names `collabsheet train` gives their flags, and
 * how one value of one setting changes a config. Values are plain data (JSON safe), so a sweep's
 * axis and values can be stored and shown beside its runs.
 */
import { CONFIG_LIMITS, type ModelKind, type OptimizerKind, type SettingLimit, type TrainConfig } from '../types.ts';

export const SWEEP_SETTINGS = ['k', 'lr', 'wd', 'optimizer', 'model', 'bs', 'epochs', 'y-range'] as const;
export type SweepSetting = (typeof SWEEP_SETTINGS)[number];

/** A number (k, lr, wd, bs, epochs), a name (optimizer, model), a y_range or null (y_range off), or 'full' (bs). */
export type SettingValue = number | string | readonly [number, number] | null;

/** One or two axes; at most 1,000 cells, so a typo in a list cannot queue a day of training. */
export const MAX_SWEEP_RUNS = 1000;

/** Settings whose values span decades: shown on a log axis. */
export const LOG_SETTINGS: readonly SweepSetting[] = ['lr', 'wd'];

const MODELS: readonly ModelKind[] = ['dot', 'dotbias', 'nn', 'classes', 'autorec'];
const OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'sgd', 'momentum', 'lbfgs'];
/** What 'y-range on' means when the base config has none: fastbook's. */
const DEFAULT_Y_RANGE: [number, number] = [0, 5.5];

const NUMBER_LIMITS: Partial<Record<SweepSetting, SettingLimit>> = {
  k: CONFIG_LIMITS.factors, lr: CONFIG_LIMITS.lr, wd: CONFIG_LIMITS.wd, bs: CONFIG_LIMITS.batchSize, epochs: CONFIG_LIMITS.epochs,
};

/** A setting value read from text ('20', '3e-3', 'adam', 'off', '0.8:5.2', 'full'); throws saying what it takes. */
export function parseSettingValue(setting: SweepSetting, text: string): SettingValue {
  const t = text.trim();
  switch (setting) {
    case 'optimizer': return oneOf(setting, t, OPTIMIZERS);
    case 'model': return oneOf(setting, t, MODELS);
    case 'y-range': {
      if (t === 'on') return 'on';
      if (t === 'off' || t === 'none') return null;
      const parts = t.split(':').map((s) => (s.trim() === '' ? NaN : Number(s)));
      if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0] >= parts[1]) {
        throw new Error(`y-range: expected on, off or lo:hi with lo < hi (e.g. 0.8:5.2), got '${text}'`);
      }
      return [parts[0], parts[1]];
    }
    default: {
      if (setting === 'bs' && t === 'full') return 'full';
      const rule = NUMBER_LIMITS[setting]!;
      const x = t === '' ? NaN : Number(t);
      if (!Number.isFinite(x) || (rule.integer && !Number.isInteger(x))) throw new Error(`${setting}: expected ${rule.integer ? 'an integer' : 'a number'}, got '${text}'`);
      if (rule.above ? x <= rule.min : x < rule.min) throw new Error(`${setting}: must be ${rule.above ? 'above' : 'at least'} ${rule.min}, got ${text}`);
      if (x > rule.max) throw new Error(`${setting}: must be at most ${rule.max}, got ${text}`);
      return x;
    }
  }
}

function oneOf(setting: SweepSetting, t: string, allowed: readonly string[]): string {
  if (allowed.includes(t)) return t;
  throw new Error(`${setting}: expected ${allowed.join('|')}, got '${t}'`);
}

/** `config` with one setting changed (a value parseSettingValue gave for that setting). */
export function withSetting(config: TrainConfig, setting: SweepSetting, value: SettingValue): TrainConfig {
  const { model, optim } = config;
  switch (setting) {
    case 'k': return { ...config, model: { ...model, factors: value as number } };
    case 'lr': return { ...config, optim: { ...optim, lr: value as number } };
    case 'wd': return { ...config, optim: { ...optim, wd: value as number } };
    case 'optimizer': return { ...config, optim: { ...optim, optimizer: value as OptimizerKind } };
    case 'model': return { ...config, model: { ...model, kind: value as ModelKind } };
    case 'bs': return { ...config, batchSize: value as number | 'full' };
    case 'epochs': return { ...config, epochs: value as number };
    case 'y-range': {
      const range = value === 'on' ? (model.yRange ?? DEFAULT_Y_RANGE) : (value as [number, number] | null);
      return { ...config, model: { ...model, yRange: range === null ? null : [range[0], range[1]] } };
    }
  }
}

/** 'k=20', 'y-range=off', 'y-range=0.8:5.2': a run's label in a sweep. */
export function describeSetting(setting: SweepSetting, value: SettingValue): string {
  const text = value === null ? 'off' : Array.isArray(value) ? `${value[0]}:${value[1]}` : String(value);
  return `${setting}=${text}`;
}
