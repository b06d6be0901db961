/**
 * The training worker's data calls (imports, the crosstab view, projects, Excel): they run where
 * the big arrays are, and answer with the small visible block. Merged into WorkerCalls.
 */
import type { EpochMetrics } from '../../engine/train/types.ts';
import type { SessionSettings, ValidArgs } from '../contract.ts';
import type { BadRowStop, FindMatch, ImportReport, XlsxExport } from '../data-contract.ts';
import type { LoadResult, ViewResult } from './protocol.ts';

export type ImportRequest = ValidArgs<'importRatings'> & { crosstab: number };

export type SynthesizeRequest = ValidArgs<'newSynthetic'> & { crosstab: number };

/** What an import left: the new sheet, or why there is none (the current sheet stays). */
export type ImportReply = { kind: 'loaded'; load: LoadResult; report: ImportReport } | BadRowStop | { kind: 'cancelled' };

export interface ViewRequest {
  size: number;
  /** A user (movie) id to pin first; null clears the pins; absent keeps them. */
  user?: string | null;
  item?: string | null;
}

/** The main side's part of a project: what only it holds. */
export interface ProjectMeta {
  history: EpochMetrics[];
  settings: SessionSettings;
}

export type SaveTarget =
  | { kind: 'file'; path: string }
  /** The recovery copy of `projectPath` (null: an untitled project of this session). */
  | { kind: 'autosave'; recoveryDir: string; projectPath: string | null; sessionId: string };

export interface SaveRequest {
  target: SaveTarget;
  meta: ProjectMeta;
}

export interface ProjectReply {
  load: LoadResult;
  meta: ProjectMeta;
  /** Things the user should know (the ratings file changed since the save…). */
  notices: string[];
}

export interface DataWorkerCalls {
  importRatings: [ImportRequest, ImportReply];
  synthesize: [SynthesizeRequest, ImportReply];
  view: [ViewRequest, ViewResult];
  find: [string, FindMatch[]];
  /** Returns the path written. */
  saveProject: [SaveRequest, string];
  openProject: [string, ProjectReply];
  exportXlsx: [string, XlsxExport];
}
