/** A small element builder for the data dialogs: attributes, then children (strings become text). */
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (name === 'text') el.textContent = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null) el.append(child);
  return el;
}

export const fmt = (n: number): string => n.toLocaleString('en-US');

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A labelled number input. */
export function numberField(id: string, label: string, value: number, opts: { min?: number; max?: number; step?: number | 'any' } = {}): HTMLLabelElement {
  const input = h('input', { id, type: 'number', value, min: opts.min, max: opts.max, step: opts.step ?? 'any' });
  return h('label', { class: 'form-field', for: id }, h('span', { text: label }), input);
}

export function valueOf(root: ParentNode, id: string): number {
  const input = root.querySelector<HTMLInputElement>(`#${id}`);
  if (!input) throw new Error(`no #${id}`);
  return Number(input.value);
}
