/**
 * The side features of a row being added (issue 15 item 3): for + Movie, its genres picked from
 * the data's vocabulary; for + User, their age, gender, occupation… A neural model predicts the
 * new row from them at once; the factor models keep them and fold the row in from its ratings.
 */
import type { FeatureValues, SheetFeatureInfo } from '../../../src-main/service/contract.ts';
import { el } from './dom.ts';

export interface FeatureForm {
  element: HTMLElement;
  /** The values chosen (none chosen: undefined, the row starts with every feature unknown). */
  value(): FeatureValues | undefined;
  reset(): void;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Inputs for one side's features; an empty element when the data has none. */
export function featureForm(side: 'user' | 'item', features: readonly SheetFeatureInfo[]): FeatureForm {
  const mine = features.filter((f) => f.side === side);
  const readers: (() => [string, FeatureValues[string]] | null)[] = [];
  const resets: (() => void)[] = [];
  const groups = mine.map((f) => {
    const id = `new-${side === 'item' ? 'movie' : 'user'}-${slug(f.name)}`;
    if (f.kind === 'multi') {
      const boxes = f.values.map((v, n) => el('input', { attrs: { type: 'checkbox', id: `${id}-${n}`, value: v } }));
      readers.push(() => {
        const picked = boxes.filter((b) => b.checked).map((b) => b.value);
        return picked.length ? [f.name, picked] : null;
      });
      resets.push(() => boxes.forEach((b) => (b.checked = false)));
      return el('fieldset', { className: 'feature-values', attrs: { id } }, el('legend', { text: f.name }), ...boxes.map((b, n) => el('label', {}, b, ` ${f.values[n]}`)));
    }
    if (f.kind === 'categorical') {
      const select = el('select', { attrs: { id } });
      select.add(new Option('(unknown)', ''));
      for (const v of f.values) select.add(new Option(v, v));
      readers.push(() => (select.value ? [f.name, select.value] : null));
      resets.push(() => (select.value = ''));
      return el('label', { className: 'feature-value' }, el('span', { text: f.name }), select);
    }
    const input = el('input', { attrs: { type: 'number', id, step: 'any', placeholder: 'unknown' } });
    readers.push(() => (input.value.trim() !== '' && Number.isFinite(Number(input.value)) ? [f.name, Number(input.value)] : null));
    resets.push(() => (input.value = ''));
    return el('label', { className: 'feature-value' }, el('span', { text: f.name }), input);
  });
  const element = el('div', { className: 'feature-form' }, ...groups);
  element.hidden = mine.length === 0;
  return {
    element,
    value: () => {
      const entries = readers.map((r) => r()).filter((e) => e !== null);
      return entries.length ? Object.fromEntries(entries) : undefined;
    },
    reset: () => resets.forEach((r) => r()),
  };
}
