/** A ranked list of movies with a score: similar movies, recommendations, the cold-start card. */
import type { ScoredEntry } from '../../../src-main/service/contract.ts';
import { fixed, table } from './dom.ts';

export function scoredTable(items: readonly ScoredEntry[], score: { header: string; title: string; format(x: number): string }): HTMLTableElement {
  return table(items, [
    { header: '#', kind: 'rank', cell: (_, i) => String(i + 1) },
    { header: 'movie', kind: 'label', cell: (e) => e.label },
    { header: score.header, kind: 'num', title: score.title, cell: (e) => score.format(e.score) },
    { header: 'ratings', kind: 'num', cell: (e) => String(e.count) },
    { header: 'mean', kind: 'num', title: 'mean rating in the data', cell: (e) => fixed(e.mean) },
  ]);
}

export const PREDICTED = { header: 'predicted', title: 'the model’s predicted rating', format: (x: number) => x.toFixed(2) };
