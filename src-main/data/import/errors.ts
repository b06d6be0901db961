/**
 * The one error type the importers throw. Its message is a single line the UI and the CLI can
 * show as is: `<file>:<line>: <problem> (<offending text>)`, or `<file>: <problem>` when the
 * problem is the file as a whole (missing, empty, binary…).
 */
export type ImportErrorCode =
  | 'not-found'
  | 'unreadable'
  | 'empty'
  | 'header-only'
  | 'binary'
  | 'encoding'
  | 'missing-column'
  | 'bad-row'
  | 'line-too-long'
  | 'cancelled'
  | 'bad-option'
  | 'workbook';

export class DataImportError extends Error {
  override readonly name = 'DataImportError';
  constructor(
    readonly code: ImportErrorCode,
    readonly file: string,
    /** 1-based line number, or null when the problem is not one line's. */
    readonly line: number | null,
    readonly problem: string,
    /** The offending text, already truncated for display. */
    readonly text?: string,
  ) {
    super(formatImportMessage(file, line, problem, text));
  }
}

const MAX_SHOWN = 60;

/** Shows at most MAX_SHOWN characters, with control characters made visible, on one line. */
export function showText(s: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = s.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => (c === '\t' ? '\\t' : c === '\ufffd' ? '\\ufffd' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return visible.length > MAX_SHOWN ? `${visible.slice(0, MAX_SHOWN)}…` : visible;
}

export function formatImportMessage(file: string, line: number | null, problem: string, text?: string): string {
  const where = line === null ? file : `${file}:${line}`;
  return text === undefined ? `${where}: ${problem}` : `${where}: ${problem} (${text})`;
}
