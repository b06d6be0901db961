/** The formula of a rating cell: in the formula bar for the focused cell, in a tooltip on hover. */
import type { Formula } from '../sheet/formula.ts';

export class FormulaView {
  /** What the tooltip was last placed for: the pointer, and the cell and line count it showed. */
  private placedFor: string | null = null;

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
      this.placedFor = null;
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
    // New numbers for the same cell under a pointer that has not moved (a Solve's live paint)
    // change only digits: the tooltip stays where it is. Measuring it again would force a layout
    // of the page in every live paint, after the sheet's cells were written (issue 16 item 5).
    const placeFor = `${at.x},${at.y},${formula.lines.length},${formula.title}`;
    if (placeFor === this.placedFor) return;
    this.placedFor = placeFor;
    // Keep it on screen: flip to the left/top of the pointer near the window's edges.
    const { width, height } = this.tooltip.getBoundingClientRect();
    const x = at.x + 16 + width > innerWidth ? at.x - 16 - width : at.x + 16;
    const y = at.y + 16 + height > innerHeight ? at.y - 16 - height : at.y + 16;
    // CSSOM property writes are allowed under the strict CSP (only style attributes/elements are not).
    this.tooltip.style.left = `${Math.max(4, x)}px`;
    this.tooltip.style.top = `${Math.max(4, y)}px`;
  }
}
