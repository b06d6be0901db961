/**
 * Small DOM builders for the insight panels: elements with text (never innerHTML: titles come
 * from data files), and ranked tables described by their columns.
 */

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export interface Column<T> {
  header: string;
  cell(row: T, index: number): Child;
  /** 'num' right-aligns with tabular figures; 'label' takes the spare width and ellipsises. */
  kind?: 'num' | 'label' | 'rank';
  title?: string;
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[], className = 'rank-table'): HTMLTableElement {
  const t = el('table', { className });
  const head = t.createTHead().insertRow();
  for (const c of columns) head.append(el('th', { className: c.kind ?? '', text: c.header, title: c.title }));
  const body = t.createTBody();
  rows.forEach((row, i) => {
    const tr = body.insertRow();
    for (const c of columns) {
      const value = c.cell(row, i);
      const td = el('td', { className: c.kind ?? '' }, value);
      if (c.kind === 'label' && typeof value === 'string') td.title = value;
      tr.append(td);
    }
  });
  return t;
}

/** Signed, with a real minus sign, as the sheet shows factors. */
export const signed = (x: number, digits = 3): string => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(digits);
export const fixed = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/** A labelled control for a panel's toolbar. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', { className: 'insight-field' }, el('span', { text: label }), control);
}

export function numberInput(value: number, min: number, max: number, step = 1): HTMLInputElement {
  const input = el('input', { attrs: { type: 'number', min: String(min), max: String(max), step: String(step) } });
  input.value = String(value);
  return input;
}

export function select<V extends string>(options: readonly (readonly [V, string])[], value: V): HTMLSelectElement {
  const s = el('select');
  for (const [v, text] of options) s.add(new Option(text, v));
  s.value = value;
  return s;
}

/** A number input's value when valid, else the fallback (a half-typed field does not query). */
export function valueOf(input: HTMLInputElement, fallback: number): number {
  const x = Number(input.value);
  return input.value !== '' && input.checkValidity() && Number.isFinite(x) ? x : fallback;
}
