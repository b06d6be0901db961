/** Renders the planted-tastes reveal: per taste, the best-matching learned movie factor and R². */
import type { AppState } from '../../src-main/service/contract.ts';
import { k } from '../sheet/sheet-model.ts';
import { recoverTastes } from './tastes.ts';

export class TastesPanel {
  private revealed = false;

  constructor(
    private readonly card: HTMLElement,
    private readonly button: HTMLButtonElement,
    private readonly target: HTMLElement,
  ) {
    button.addEventListener('click', () => {
      this.revealed = !this.revealed;
      this.button.textContent = this.revealed ? 'Hide planted tastes' : 'Reveal planted tastes';
      this.target.hidden = !this.revealed;
    });
    this.target.hidden = true;
  }

  render(state: AppState): void {
    const planted = state.sheet.planted;
    this.card.hidden = planted === null;
    const factors = k(state.numbers);
    if (!planted || factors === 0) return;
    // Movies added to the sheet since (cold start) have no planted taste: compare the planted ones.
    const learned = planted.movieWeights.map((_, m) => state.numbers.snapshot.itemFactors.slice(m * factors, (m + 1) * factors));
    const rows = recoverTastes(planted.tastes, planted.movieWeights, learned);
    const table = document.createElement('table');
    table.className = 'tastes';
    table.createTHead().insertRow().append(...['taste', 'best factor', 'r', 'adj. R² (all factors)'].map(th));
    const body = table.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      tr.append(td(r.taste), td(`factor ${r.bestFactor + 1}`), td(r.correlation.toFixed(2)), td(`${Math.round(r.r2 * 100)}%`));
      tr.className = r.r2 >= 0.8 ? 'recovered' : r.r2 >= 0.5 ? 'partly' : 'missed';
    }
    const note = document.createElement('p');
    note.className = 'muted small';
    note.textContent = state.history.length === 0
      ? 'The factors are still random: press Solve first.'
      : `Over the ${state.sheet.movies.length} movies. Factors are defined up to a rotation, so a taste may be spread over several of them; adjusted R² measures how well all of them together carry it.`;
    this.target.replaceChildren(table, note);
  }
}

function th(text: string): HTMLTableCellElement {
  const cell = document.createElement('th');
  cell.textContent = text;
  return cell;
}

function td(text: string): HTMLTableCellElement {
  const cell = document.createElement('td');
  cell.textContent = text;
  return cell;
}
