/**
 * The worker calls behind the insight commands (insight-contract.ts). The queries take the
 * command's validated arguments unchanged; addRow grows the sheet by one user or movie.
 */
import type { CommandResults, SheetMovie, SheetUser, ValidArgs } from '../contract.ts';
import type { ColdStartAnswer } from '../insight-contract.ts';
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

/** An edit's reply: the split as every edit gives it, and the new lists of the cold rows it touched. */
export interface EditResult extends SplitResult {
  cold: ColdStartAnswer[];
}

export type InsightWorkerCalls = { [Q in Query]: [ValidArgs<Q>, CommandResults[Q]] } & {
  addRow: [AddRowRequest, AddRowResult];
};
