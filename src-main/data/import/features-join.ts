/**
 * A feature table (keyed by the file's ids) laid onto a ratings dataset's dense user or item
 * codes: row c of each joined feature is the entity whose code is c. Entities the file does not
 * list get the unknown value (code 0, NaN); the counts say how many matched and how many did not.
 */
import type { Feature, FeatureTable } from './features.ts';
import { meanStd } from './features.ts';

export interface JoinedFeatures {
  file: string;
  format: string;
  label: string;
  /** Entities of the dataset (its userIds or itemIds). */
  count: number;
  /** Entities the file lists… */
  matched: number;
  /** …and those it does not (all their features unknown). */
  unmatched: number;
  /** Rows of the file whose id the dataset does not have (ignored). */
  extra: number;
  /** Per feature, one row per dataset code; numbers' mean and std over the matched entities. */
  features: Feature[];
  skippedColumns: FeatureTable['skippedColumns'];
  skippedRows: number;
  badCells: number;
}

/** `table` onto the codes of `ids` (a dataset's userIds or itemIds: the original ids, as text). */
export function joinFeatures(table: FeatureTable, ids: readonly string[]): JoinedFeatures {
  const rowOfId = new Map<string, number>();
  table.ids.forEach((id, r) => rowOfId.set(id, r));
  const rowOf = Int32Array.from(ids, (id) => rowOfId.get(id) ?? -1);
  const matched = rowOf.reduce((n, r) => n + (r >= 0 ? 1 : 0), 0);
  return {
    file: table.file, format: table.format, label: table.label,
    count: ids.length, matched, unmatched: ids.length - matched, extra: table.ids.length - matched,
    features: table.features.map((f) => joinOne(f, rowOf)),
    skippedColumns: table.skippedColumns, skippedRows: table.skippedRows, badCells: table.badCells,
  };
}

function joinOne(f: Feature, rowOf: Int32Array): Feature {
  switch (f.kind) {
    case 'categorical': {
      const codes = rowOf.map((r) => (r >= 0 ? f.codes[r] : 0));
      return { ...f, codes, unknown: codes.reduce((n, c) => n + (c === 0 ? 1 : 0), 0) };
    }
    case 'multi': {
      const offsets = new Int32Array(rowOf.length + 1);
      for (let c = 0; c < rowOf.length; c++) offsets[c + 1] = offsets[c] + (rowOf[c] >= 0 ? f.offsets[rowOf[c] + 1] - f.offsets[rowOf[c]] : 1);
      const codes = new Int32Array(offsets[rowOf.length]); // an unmatched entity's one code is 0, unknown
      let unknown = 0;
      for (let c = 0; c < rowOf.length; c++) {
        const r = rowOf[c];
        if (r >= 0) codes.set(f.codes.subarray(f.offsets[r], f.offsets[r + 1]), offsets[c]);
        if (codes[offsets[c]] === 0) unknown++;
      }
      return { ...f, offsets, codes, unknown };
    }
    case 'numeric': {
      const values = new Float32Array(rowOf.length).fill(NaN);
      rowOf.forEach((r, c) => {
        if (r >= 0) values[c] = f.values[r];
      });
      return { ...f, values, ...meanStd(values) };
    }
  }
}
