/** The formula of a rating cell: in the formula bar for the focused cell, in a tooltip on hover. */
import type { Formula } from '../sheet/formula.ts';

export class FormulaView {
  constructor(
    private readonly bar: HTMLElement,
    private readonly tooltip: HTMLElement,
  ) {}

  showInBar(formula: Formula | null): void {
    this.bar.textContent = formula ? `${formula.title}:  ${formula.lines[0]}` : '';
  }

  showTooltip(formula: Formula | null, at: { x: number; y: number } | null): void {
    if (!formula || !at) {
      this.tooltip.hidden = true;
      return;
    }
    const title = document.createElement('div');
    title.className = 'tooltip-title';
    title.textContent = formula.title;
    const lines = formula.lines.map((line) => {
      const div = document.createElement('div');
      div.textContent = line;
      return div;
    });
    this.tooltip.replaceChildren(title, ...lines);
    this.tooltip.hidden = false;
    // Keep it on screen: flip to the left/top of the pointer near the window's edges.
    const { width, height } = this.tooltip.getBoundingClientRect();
    const x = at.x + 16 + width > innerWidth ? at.x - 16 - width : at.x + 16;
    const y = at.y + 16 + height > innerHeight ? at.y - 16 - height : at.y + 16;
    // CSSOM property writes are allowed under the strict CSP (only style attributes/elements are not).
    this.tooltip.style.left = `${Math.max(4, x)}px`;
    this.tooltip.style.top = `${Math.max(4, y)}px`;
  }
}
