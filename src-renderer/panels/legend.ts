/** The colour scale of the current view, and what the cell styles mean. */
import type { RatingScale } from '../../src-main/service/contract.ts';
import { ERROR_RANGE, type ViewMode } from '../sheet/sheet-model.ts';

export function renderLegend(target: HTMLElement, mode: ViewMode, scale: RatingScale): void {
  const swatches = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const s = document.createElement('span');
      s.className = `swatch ${prefix}-${i}`;
      return s;
    });
  const text = (t: string, cls = '') => {
    const s = document.createElement('span');
    s.textContent = t;
    if (cls) s.className = cls;
    return s;
  };
  const items: HTMLElement[] =
    mode === 'errors'
      ? [text(`prediction − rating:  −${ERROR_RANGE}`), ...swatches('div', 11), text(`+${ERROR_RANGE}`)]
      : [text(`${scale.lo}`), ...swatches('seq', 9), text(`${scale.hi}`)];
  const keys =
    mode === 'ratings'
      ? [text('4.5', 'key observed'), text('rating'), text('3.87', 'key predicted'), text('prediction of a blank cell')]
      : mode === 'predictions'
        ? [text('3.87', 'key predicted-observed'), text('rated cell'), text('3.87', 'key predicted'), text('blank cell')]
        : [text('blank cells have no error')];
  target.replaceChildren(...items, text('·', 'sep'), ...keys, text('·', 'sep'), text('4.5', 'key held-out'), text('held out (validation)'));
}
