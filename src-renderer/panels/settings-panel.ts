/**
 * The model and optimizer settings as one table of fields: each knows how to read its value from
 * the state and write it into a new config, so the form is generated, not hand-wired per input.
 * A change is sent at once (setConfig / setSettings); a refused value snaps back to the setting
 * in force, and the refusal, in plain words, stays beside the field until the field is changed
 * again (issue 16 item 4: it used to revert silently, or show the validator's text far away).
 */
import type { AppState, TrainConfig } from '../../src-main/service/contract.ts';
import { SentSettings, type SettingsChange } from './sent-settings.ts';
import { ENGINE_OPTIONS, engineNote, readNumber, speedNote } from './setting-words.ts';
import '../styles/settings.css';

/** What a change is sent as; the promise holds the service's refusal in words, or null when it was taken. */
export type ApplySettings = (change: SettingsChange) => Promise<string | null>;

type Value = string | number | boolean;

interface Field {
  id: string;
  label: string;
  input: { kind: 'select'; options: [string, string][] } | { kind: 'number'; min: number; max?: number; step: number | 'any' } | { kind: 'checkbox' };
  get(s: AppState): Value;
  /** Returns the changed config or settings. */
  set(s: AppState, v: Value): SettingsChange;
  /** Greyed out when this returns true (e.g. y_range bounds without sigmoid_range). */
  disabled?(s: AppState): boolean;
  hint?: string;
  /** Shown under the field: the current value in words. */
  note?(s: AppState): string;
}

const withModel = (s: AppState, m: Partial<TrainConfig['model']>) => ({ config: { ...s.config, model: { ...s.config.model, ...m } } });
const withOptim = (s: AppState, o: Partial<TrainConfig['optim']>) => ({ config: { ...s.config, optim: { ...s.config.optim, ...o } } });
const yRangeOf = (s: AppState): [number, number] => s.config.model.yRange ?? [0, s.sheet.scale.hi * 1.1];

const FIELDS: Field[] = [
  {
    id: 'model',
    label: 'Model',
    input: { kind: 'select', options: [['dot', 'dot product'], ['dotbias', 'dot product + biases'], ['nn', 'neural net (embeddings + MLP)'], ['autorec', 'AutoRec']] },
    get: (s) => s.config.model.kind,
    set: (s, v) => withModel(s, { kind: v as TrainConfig['model']['kind'] }),
  },
  {
    id: 'factors',
    label: 'Factors k',
    input: { kind: 'number', min: 1, max: 512, step: 1 },
    get: (s) => s.config.model.factors,
    set: (s, v) => withModel(s, { factors: Number(v) }),
    disabled: (s) => s.config.model.kind === 'nn',
  },
  {
    id: 'sigmoid',
    label: 'sigmoid_range',
    input: { kind: 'checkbox' },
    get: (s) => s.config.model.yRange !== null,
    set: (s, v) => withModel(s, { yRange: v ? yRangeOf(s) : null }),
  },
  {
    id: 'y-lo',
    label: 'y_range low',
    input: { kind: 'number', min: -100, step: 'any' },
    get: (s) => yRangeOf(s)[0],
    set: (s, v) => withModel(s, { yRange: [Number(v), yRangeOf(s)[1]] }),
    disabled: (s) => s.config.model.yRange === null,
  },
  {
    id: 'y-hi',
    label: 'y_range high',
    input: { kind: 'number', min: -100, step: 'any' },
    get: (s) => yRangeOf(s)[1],
    set: (s, v) => withModel(s, { yRange: [yRangeOf(s)[0], Number(v)] }),
    disabled: (s) => s.config.model.yRange === null,
  },
  {
    id: 'optimizer',
    label: 'Optimizer',
    input: { kind: 'select', options: [['sgd', 'SGD'], ['momentum', 'SGD + momentum'], ['adam', 'Adam'], ['lbfgs', 'L-BFGS (full batch)']] },
    get: (s) => s.config.optim.optimizer,
    set: (s, v) => withOptim(s, { optimizer: v as TrainConfig['optim']['optimizer'] }),
  },
  {
    id: 'lr',
    label: 'Learning rate',
    input: { kind: 'number', min: 0, step: 'any' },
    get: (s) => s.config.optim.lr,
    set: (s, v) => withOptim(s, { lr: Number(v) }),
  },
  {
    id: 'wd',
    label: 'Weight decay',
    input: { kind: 'number', min: 0, step: 'any' },
    get: (s) => s.config.optim.wd,
    set: (s, v) => withOptim(s, { wd: Number(v) }),
  },
  {
    id: 'wd-mode',
    label: 'Weight decay as',
    // Short option texts: the settings column is half the pane's width (issue 16 item 3 leftovers: the
    // long ones were cut); whose convention each is goes in the note under it.
    input: { kind: 'select', options: [['decoupled', 'decoupled (AdamW)'], ['l2', 'L2 in the loss']] },
    note: (s) => (s.config.model.kind === 'autorec'
      ? "AutoRec's is always the paper's: L2 on its weights, not its biases"
      : s.config.optim.wdMode === 'l2' ? "fastbook's form: wd × the sum of squared weights added to the loss" : "fastai's default: the weights shrink apart from the gradient step"),
    get: (s) => s.config.optim.wdMode,
    disabled: (s) => s.config.model.kind === 'autorec',
    set: (s, v) => withOptim(s, { wdMode: v as TrainConfig['optim']['wdMode'] }),
  },
  {
    id: 'schedule',
    label: 'Schedule',
    input: { kind: 'select', options: [['one-cycle', 'one-cycle'], ['constant', 'constant lr']] },
    get: (s) => s.config.optim.schedule,
    set: (s, v) => withOptim(s, { schedule: v as TrainConfig['optim']['schedule'] }),
  },
  {
    id: 'epochs',
    label: 'Epochs per Solve',
    input: { kind: 'number', min: 1, max: 100000, step: 1 },
    get: (s) => s.config.epochs,
    set: (s, v) => ({ config: { ...s.config, epochs: Number(v) } }),
  },
  {
    id: 'full-batch',
    label: 'Full batch',
    input: { kind: 'checkbox' },
    get: (s) => s.config.batchSize === 'full',
    set: (s, v) => ({ config: { ...s.config, batchSize: v ? 'full' : Math.min(1024, Math.max(1, s.sheet.totals.ratings)) } }),
  },
  {
    id: 'batch-size',
    label: 'Batch size',
    input: { kind: 'number', min: 1, step: 1 },
    get: (s) => (s.config.batchSize === 'full' ? s.sheet.totals.ratings - s.sheet.totals.validRatings : s.config.batchSize),
    set: (s, v) => ({ config: { ...s.config, batchSize: Number(v) } }),
    disabled: (s) => s.config.batchSize === 'full',
  },
  {
    id: 'engine',
    label: 'Engine',
    input: { kind: 'select', options: ENGINE_OPTIONS },
    get: (s) => s.config.engine ?? 'auto',
    set: (s, v) => ({ config: { ...s.config, engine: v as NonNullable<TrainConfig['engine']> } }),
    hint: 'which engine trains the model: a fused kernel choice it cannot train is refused here, saying why',
    note: (s) => engineNote(s.config.engine ?? 'auto', s.engine),
  },
  {
    id: 'valid-pct',
    label: 'Validation %',
    input: { kind: 'number', min: 0, max: 50, step: 5 },
    get: (s) => Math.round(s.settings.validPct * 100),
    set: (s, v) => ({ settings: { ...s.settings, validPct: Number(v) / 100 } }),
    hint: 'ratings held out (dashed cells) to measure valid RMSE',
  },
  {
    id: 'speed',
    label: 'Epochs per second',
    input: { kind: 'number', min: 0, max: 1000, step: 1 },
    get: (s) => s.settings.epochsPerSecond,
    set: (s, v) => ({ settings: { ...s.settings, epochsPerSecond: Number(v) } }),
    hint: '0 = as fast as possible; slow it down to watch a small sheet learn',
    note: (s) => speedNote(s.settings.epochsPerSecond),
  },
];

interface FieldView {
  input: HTMLInputElement | HTMLSelectElement;
  note: HTMLElement;
  error: HTMLElement;
}

export class SettingsPanel {
  private readonly views = new Map<string, FieldView>();
  private state: AppState | null = null;
  private readonly sent = new SentSettings();
  private readonly features = new FeatureChoices((unused) => {
    const base = this.intended();
    return base && this.sent.send({ settings: { ...base.settings, unusedFeatures: unused } }, this.apply);
  });

  constructor(
    form: HTMLFormElement,
    private readonly apply: ApplySettings,
  ) {
    form.addEventListener('submit', (e) => e.preventDefault());
    for (const field of FIELDS) {
      const row = document.createElement('label');
      row.className = 'field';
      row.htmlFor = `setting-${field.id}`;
      const name = document.createElement('span');
      name.textContent = field.label;
      if (field.hint) row.title = field.hint;
      const input = makeInput(field);
      input.id = `setting-${field.id}`;
      const note = document.createElement('small');
      note.className = 'field-note';
      note.id = `setting-${field.id}-note`;
      const error = document.createElement('small');
      error.className = 'field-error';
      error.id = `setting-${field.id}-error`;
      error.setAttribute('role', 'alert');
      input.setAttribute('aria-describedby', `${note.id} ${error.id}`);
      input.addEventListener('change', () => void this.changed(field));
      this.views.set(field.id, { input, note, error });
      row.append(name, input, note, error);
      form.append(row);
    }
    form.append(this.features.element);
  }

  render(received: AppState): void {
    this.state = received;
    const state = this.intended()!;
    const busy = state.status === 'training';
    for (const field of FIELDS) {
      const { input, note } = this.views.get(field.id)!;
      note.textContent = field.note?.(state) ?? '';
      const value = field.get(state);
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = Boolean(value);
      else if (document.activeElement !== input) input.value = String(value);
      input.disabled = busy || (field.disabled?.(state) ?? false);
    }
    this.features.render(state);
  }

  private async changed(field: Field): Promise<void> {
    if (!this.state) return;
    const { input } = this.views.get(field.id)!;
    let value: Value = input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value;
    if (input instanceof HTMLInputElement && input.type === 'number') {
      const read = readNumber(field.label, input.value);
      if ('error' in read) return this.refused(field, read.error);
      value = read.value;
    }
    this.showError(field, '');
    const refusal = await this.sent.send(field.set(this.intended()!, value), this.apply);
    if (refusal) this.refused(field, refusal);
  }

  private intended(): AppState | null {
    return this.state && this.sent.intended(this.state);
  }

  /** The setting in force comes back; the words say why the typed one did not take. */
  private refused(field: Field, text: string): void {
    if (!this.state) return;
    this.render(this.state);
    // render leaves the field being typed in alone; this one goes back even with the focus in it.
    const { input } = this.views.get(field.id)!;
    if (!(input instanceof HTMLInputElement && input.type === 'checkbox')) input.value = String(field.get(this.intended()!));
    this.showError(field, text);
  }

  private showError(field: Field, text: string): void {
    const { input, error } = this.views.get(field.id)!;
    error.textContent = text;
    input.setAttribute('aria-invalid', String(text !== ''));
  }
}

function makeInput(field: Field): HTMLInputElement | HTMLSelectElement {
  const spec = field.input;
  if (spec.kind === 'select') {
    const select = document.createElement('select');
    for (const [value, text] of spec.options) select.add(new Option(text, value));
    return select;
  }
  const input = document.createElement('input');
  input.type = spec.kind === 'checkbox' ? 'checkbox' : 'number';
  if (spec.kind === 'number') {
    input.min = String(spec.min);
    if (spec.max !== undefined) input.max = String(spec.max);
    input.step = String(spec.step);
  }
  return input;
}

/**
 * The data's side features (issue 15 item 5), one checkbox each: which the neural model takes.
 * Rebuilt when the data's features change; a change is sent as SessionSettings.unusedFeatures.
 */
class FeatureChoices {
  readonly element = document.createElement('fieldset');
  private readonly boxes = new Map<string, HTMLInputElement>();
  private readonly note = document.createElement('small');
  private shown = '';

  constructor(private readonly apply: (unused: string[]) => Promise<string | null> | null) {
    this.element.id = 'setting-features';
    this.element.className = 'feature-choices';
    this.note.className = 'field-note';
    this.note.id = 'setting-features-note';
  }

  render(state: AppState): void {
    const features = state.sheet.data.features;
    this.element.hidden = features.length === 0;
    const keys = features.map((f) => f.key).join('\n');
    if (keys !== this.shown) this.build(features);
    for (const f of features) {
      const box = this.boxes.get(f.key)!;
      box.checked = f.used;
      box.disabled = state.status === 'training';
    }
    this.note.textContent = state.config.model.kind === 'nn'
      ? 'embedded beside the user and movie embeddings; a change starts the model afresh'
      : 'used by the neural net model only (the factor models take none)';
  }

  private build(features: AppState['sheet']['data']['features']): void {
    this.shown = features.map((f) => f.key).join('\n');
    this.boxes.clear();
    const legend = document.createElement('legend');
    legend.textContent = 'Side features';
    this.element.replaceChildren(legend);
    features.forEach((f, n) => {
      const row = document.createElement('label');
      row.className = 'field check';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `setting-feature-${n}`;
      box.dataset['feature'] = f.key;
      box.addEventListener('change', () => void this.apply([...this.boxes].filter(([, b]) => !b.checked).map(([key]) => key)));
      this.boxes.set(f.key, box);
      const name = document.createElement('span');
      name.textContent = `${f.side === 'item' ? 'movie' : 'user'} ${f.name}`;
      row.title = `${f.file}: ${f.kind === 'numeric' ? 'a number' : `${f.values.length} values${f.kind === 'multi' ? ', several a row' : ''}`}`;
      row.append(box, name);
      this.element.append(row);
    });
    this.element.append(this.note);
  }
}
