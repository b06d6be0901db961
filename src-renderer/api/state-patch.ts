/**
 * The renderer's copy of the app's state, kept by folding in what each `changed` event says
 * changed (the worker sends the whole state only when a sheet opens, and the history once).
 */
import type { AppState, StatePatch } from '../../src-main/service/contract.ts';

export function applyPatch(state: AppState, patch: StatePatch): AppState {
  let sheet = patch.sheet ?? state.sheet;
  if (patch.cells) {
    const ratings = sheet.ratings.map((r) => r.slice());
    const heldOut = sheet.heldOut.map((r) => r.slice());
    for (const u of patch.cells.updates) {
      ratings[u.row][u.col] = u.rating;
      heldOut[u.row][u.col] = u.heldOut;
    }
    sheet = { ...sheet, ratings, heldOut, totals: patch.cells.totals, data: { ...sheet.data, split: patch.cells.split } };
  }
  return {
    sheet,
    numbers: patch.numbers ?? state.numbers,
    config: patch.config ?? state.config,
    settings: patch.settings ?? state.settings,
    history: patch.historyCleared ? [] : state.history,
    status: patch.status ?? state.status,
    engine: patch.engine === undefined ? state.engine : patch.engine,
    canUndo: patch.canUndo ?? state.canUndo,
    canRedo: patch.canRedo ?? state.canRedo,
    project: patch.project ?? state.project,
    runs: patch.runs ?? state.runs,
  };
}
