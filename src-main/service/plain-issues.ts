/**
 * A refused command's arguments in words for the person who typed them: each zod issue becomes a
 * sentence naming the setting as the settings panel names it, what it must be, and what it got
 * ("Learning rate must be at most 100, got 150"), instead of the validator's own text
 * ("✖ Too big: expected number to be <=100 → at config.optim.lr").
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** A setting's name as the settings panel shows it (src-renderer/panels/settings-panel.ts), and its display scale. */
const SETTINGS: Record<string, { name: string; scale?: number }> = {
  kind: { name: 'Model' },
  factors: { name: 'Factors k' },
  yRange: { name: 'y_range' },
  init: { name: 'Initialisation' },
  layers: { name: 'Hidden layers' },
  dropout: { name: 'Dropout' },
  optim: { name: 'Optimizer settings' },
  model: { name: 'Model settings' },
  optimizer: { name: 'Optimizer' },
  lr: { name: 'Learning rate' },
  wd: { name: 'Weight decay' },
  wdMode: { name: 'Weight decay as' },
  schedule: { name: 'Schedule' },
  updates: { name: 'Table updates' },
  epochs: { name: 'Epochs per Solve' },
  batchSize: { name: 'Batch size' },
  seed: { name: 'Seed' },
  threads: { name: 'Threads' },
  device: { name: 'Device' },
  earlyStopPatience: { name: 'Early-stop patience' },
  validPct: { name: 'Validation %', scale: 100 },
  splitSeed: { name: 'Split seed' },
  epochsPerSecond: { name: 'Epochs per second' },
};

/** Elements of a list setting, by position. */
const ELEMENTS: Record<string, (i: number) => string> = {
  layers: (i) => `Hidden layer ${i + 1}'s size`,
  yRange: (i) => (i === 0 ? 'y_range low' : 'y_range high'),
};

/** What the arguments' containers (`config`, `settings`) hold: their keys are settings. */
const CONTAINERS = new Set(['config', 'settings']);

/** At most this many problems are named; the rest are counted. */
const SHOWN = 3;

export function plainIssues(command: string, issues: readonly Issue[], args: unknown): string {
  const sentences = issues.slice(0, SHOWN).map((issue) => sentence(command, issue, args));
  const more = issues.length - SHOWN;
  return sentences.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

function sentence(command: string, issue: Issue, args: unknown): string {
  const { path } = issue;
  const setting = settingOf(path);
  const name = nameOf(command, path, setting);
  const scale = setting?.scale ?? 1;
  const value = valueAt(args, path);
  const got = value === undefined ? '' : `, got ${shown(value, scale)}`;
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const limit = Number(big ? issue.maximum : issue.minimum) * (issue.origin === 'number' ? scale : 1);
      const bound = big ? (issue.inclusive ? 'at most' : 'below') : issue.inclusive ? 'at least' : 'above';
      if (issue.origin === 'string') {
        if (!big && limit === 1) return `${name} must not be empty`;
        return `${name} must be ${bound} ${limit} characters long${typeof value === 'string' ? `, got ${value.length}` : ''}`;
      }
      if (issue.origin === 'array') {
        const unit = path.at(-1) === 'layers' ? 'layers' : 'items';
        return `${name} must be ${bound} ${limit} ${unit}${Array.isArray(value) ? `, got ${value.length}` : ''}`;
      }
      return `${name} must be ${bound} ${limit}${got}`;
    }
    case 'invalid_type':
      return `${name} must be ${TYPES[issue.expected] ?? issue.expected}${got}`;
    case 'invalid_value':
      return `${name} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'unrecognized_keys': {
      const what = CONTAINERS.has(String(path.at(-1))) || setting ? 'setting' : 'argument';
      const keys = `${what}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      return path.length === 0 ? `${command}: unknown ${keys}` : `${name}: unknown ${keys}`;
    }
    case 'custom':
      // Our own refinements already say it in words ("y_range needs lo < hi").
      return issue.message;
    default:
      return `${name}: ${issue.message}`;
  }
}

const TYPES: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a set of fields',
  array: 'a list',
};

/** The setting a path ends in (its last named key), if it is one. */
function settingOf(path: Path) {
  const key = [...path].reverse().find((k) => typeof k === 'string');
  return key !== undefined && !CONTAINERS.has(key) ? SETTINGS[key] : undefined;
}

function nameOf(command: string, path: Path, setting: { name: string } | undefined): string {
  const last = path.at(-1);
  const parent = path.at(-2);
  if (typeof last === 'number' && typeof parent === 'string' && ELEMENTS[parent]) return ELEMENTS[parent](last);
  if (setting && typeof last === 'string') return setting.name;
  if (CONTAINERS.has(String(last))) return 'Settings';
  if (path.length === 0) return command;
  // A command's own argument (a cell's row, a file's path): named with its command.
  return `${command}: ${path.map(String).join('.')}`;
}

function valueAt(args: unknown, path: Path): unknown {
  let v = args;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The value as the user knows it: a number in its display scale, anything else as short JSON. */
function shown(value: unknown, scale: number): string {
  if (typeof value === 'number') return String(Number((value * scale).toPrecision(12)));
  if (Array.isArray(value)) return `${value.length} items`;
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}…` : json;
}
