/**
 * The service's handlers for the insight commands (insight-contract.ts). The queries and the
 * export run in the training worker, which holds the factors and the ratings; the main thread
 * only forwards them, refusing while training runs (the worker answers nothing until an epoch
 * loop ends, and factors read mid-Solve would be stale a moment later anyway).
 */
import type { AppState, ValidArgs } from './contract.ts';
import type { InsightCommandResults } from './insight-contract.ts';
import type { InsightWorkerCalls } from './worker/insight-protocol.ts';

type Query = Exclude<keyof InsightWorkerCalls, 'addRow'>;

/** What the handlers need from the app (service.ts's App). */
export interface InsightHost {
  /** Runs a read-only worker call; refused with a message while training. */
  query<Q extends Query>(call: Q, args: InsightWorkerCalls[Q][0]): Promise<InsightWorkerCalls[Q][1]>;
  /** Appends a user row or a movie column to the sheet. */
  addRow(side: 'user' | 'item', label: string | undefined): Promise<AppState>;
}

export type InsightHandlers = {
  [C in keyof InsightCommandResults]: (args: ValidArgs<C>) => Promise<InsightCommandResults[C]>;
};

export function insightHandlers(host: () => InsightHost): InsightHandlers {
  return {
    biases: (a) => host().query('biases', a),
    itemPca: (a) => host().query('itemPca', a),
    similarItems: (a) => host().query('similarItems', a),
    recommendations: (a) => host().query('recommendations', a),
    findRows: (a) => host().query('findRows', a),
    oneHot: (a) => host().query('oneHot', a),
    exportEmbeddings: (a) => host().query('exportEmbeddings', a),
    addUser: (a) => host().addRow('user', a.label),
    addMovie: (a) => host().addRow('item', a.title),
  };
}
