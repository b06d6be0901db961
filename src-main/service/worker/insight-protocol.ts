/**
 * The worker calls behind the insight commands (insight-contract.ts). The queries take the
 * command's validated arguments unchanged; addRow grows the sheet by one user or movie.
 */
import type { CommandResults, SheetMovie, SheetUser, ValidArgs } from '../contract.ts';
import type { SplitResult } from './protocol.ts';

type Query = 'biases' | 'itemPca' | 'similarItems' | 'recommendations' | 'findRows' | 'oneHot' | 'exportEmbeddings';

export interface AddRowRequest {
  side: 'user' | 'item';
  /** The user's name or the movie's title; a numbered default when absent. */
  label?: string;
}

export interface AddRowResult {
  /** The new row as the sheet shows it (a SheetMovie for side 'item'). */
  user: SheetUser | null;
  movie: SheetMovie | null;
  /** Its dense code (edits are sent as codes). */
  code: number;
  split: SplitResult;
  /** Why the new row is not folded in (a model without per-row factors); null when it is. */
  noFoldIn: string | null;
}

export type InsightWorkerCalls = { [Q in Query]: [ValidArgs<Q>, CommandResults[Q]] } & {
  addRow: [AddRowRequest, AddRowResult];
};
