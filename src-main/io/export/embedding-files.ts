/**
 * The export formats, rendered in memory as named files (pure, so tests read them back without
 * touching the disk; export-embeddings.ts writes them).
 *
 * csv / tsv   users.<ext>, items.<ext>: id, [title,] [bias,] factors_1 … factors_k
 * json        embeddings.json: both sides as row objects
 * npy         user_factors.npy, item_factors.npy, user_bias.npy, item_bias.npy (float32) + ids.json
 * projector   vectors.tsv (no header) + metadata.tsv (header row when more than one column), for
 *             https://projector.tensorflow.org
 */
import type { RatingsDataset } from '../../data/dataset.ts';
import type { FactorModel, Side } from '../../engine/analysis/factor-model.ts';
import { type SideTable, rowCount, rowFactors, sideTables } from './embedding-table.ts';
import { encodeNpy } from './npy.ts';
import { csvField, formatFloat32, joinLines, tsvField } from './text-format.ts';

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

export type TableFormat = 'csv' | 'tsv' | 'json' | 'npy' | 'projector';

export interface TableExportOptions {
  /** Which side the Projector files describe (default 'item': the movies fastbook plots). */
  projectorSide?: Side;
}

const utf8 = (name: string, text: string): ExportFile => ({ name, bytes: new TextEncoder().encode(text) });

export function renderTables(model: FactorModel, data: RatingsDataset, format: TableFormat, options: TableExportOptions = {}): ExportFile[] {
  const tables = sideTables(model, data);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const sep = format === 'csv' ? ',' : '\t';
      const field = format === 'csv' ? csvField : tsvField;
      return (['user', 'item'] as const).map((side) => utf8(`${side}s.${format}`, joinLines(delimitedRows(tables[side], field), sep)));
    }
    case 'json':
      return [utf8('embeddings.json', embeddingsJson(model, tables))];
    case 'npy':
      return [...(['user', 'item'] as const).flatMap((side) => npyFiles(tables[side])), idsFile(tableIds(tables))];
    case 'projector':
      return projectorFiles(tables[options.projectorSide ?? 'item']);
  }
}

function* delimitedRows(t: SideTable, field: (s: string) => string): Generator<string[]> {
  const header: string[] = [t.side];
  if (t.titles) header.push('title');
  if (t.bias) header.push('bias');
  for (let f = 1; f <= t.k; f++) header.push(`factors_${f}`);
  yield header;
  for (let r = 0; r < rowCount(t); r++) {
    const row = [field(t.ids[r])];
    if (t.titles) row.push(field(t.titles[r]));
    if (t.bias) row.push(formatFloat32(t.bias[r]));
    for (const x of rowFactors(t, r)) row.push(formatFloat32(x));
    yield row;
  }
}

/** JSON written by hand around JSON.stringify'd strings, so numbers keep their short float32 form. */
function embeddingsJson(model: FactorModel, tables: Record<Side, SideTable>): string {
  const side = (t: SideTable) => {
    const rows: string[] = [];
    for (let r = 0; r < rowCount(t); r++) {
      const parts = [`"id":${JSON.stringify(t.ids[r])}`];
      if (t.titles) parts.push(`"title":${JSON.stringify(t.titles[r])}`);
      if (t.bias) parts.push(`"bias":${formatFloat32(t.bias[r])}`);
      parts.push(`"factors":[${Array.from(rowFactors(t, r), formatFloat32).join(',')}]`);
      rows.push(`{${parts.join(',')}}`);
    }
    return `[\n${rows.join(',\n')}\n]`;
  };
  const head = `"format":"collabsheet-embeddings","version":1,"k":${model.k},"yRange":${JSON.stringify(model.yRange)}`;
  return `{${head},\n"users":${side(tables.user)},\n"items":${side(tables.item)}}\n`;
}

function npyFiles(t: SideTable): ExportFile[] {
  const files = [{ name: `${t.side}_factors.npy`, bytes: encodeNpy(t.factors, [rowCount(t), t.k]) }];
  if (t.bias) files.push({ name: `${t.side}_bias.npy`, bytes: encodeNpy(t.bias, [rowCount(t)]) });
  return files;
}

/** Row i of every array belongs to users[i] / items[i]: the ids the arrays themselves cannot hold. */
export function idsFile(ids: { users: readonly string[]; items: readonly string[]; titles: readonly string[] | null }): ExportFile {
  return utf8('ids.json', `${JSON.stringify(ids)}\n`);
}

/** ids.json of the factor tables: their ids in row order, and the items' titles. */
export const tableIds = (tables: Record<Side, SideTable>) => ({ users: tables.user.ids, items: tables.item.ids, titles: tables.item.titles });

function projectorFiles(t: SideTable): ExportFile[] {
  const vectors = function* () {
    for (let r = 0; r < rowCount(t); r++) yield Array.from(rowFactors(t, r), formatFloat32);
  };
  const columns: [string, (r: number) => string][] = [];
  if (t.titles) columns.push(['title', (r) => t.titles![r]]);
  columns.push(['id', (r) => t.ids[r]], ['ratings', (r) => String(t.count[r])]);
  // The Projector takes the first line of multi-column metadata as its header (a single column
  // would have none); there are always at least two columns here (id, ratings).
  const metadata = function* () {
    yield columns.map(([name]) => name);
    for (let r = 0; r < rowCount(t); r++) yield columns.map(([, value]) => tsvField(value(r)));
  };
  return [utf8('vectors.tsv', joinLines(vectors(), '\t')), utf8('metadata.tsv', joinLines(metadata(), '\t'))];
}
