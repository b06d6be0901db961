/**
 * `exportEmbeddings`: what the export dialog and `collabsheet export` call. Writes one format's
 * files into a folder (created when missing) and returns their paths.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RatingsDataset } from '../../data/dataset.ts';
import type { FactorModel } from '../../engine/analysis/factor-model.ts';
import { type ExportFile, type TableExportOptions, type TableFormat, idsFile, renderTables } from './embedding-files.ts';
import { sideTables } from './embedding-table.ts';
import { type ServingOptions, buildServingModel } from './serving-model.ts';

export type EmbeddingFormat = TableFormat | 'onnx';
export const EMBEDDING_FORMATS: readonly EmbeddingFormat[] = ['csv', 'tsv', 'json', 'npy', 'projector', 'onnx'];

export type ExportOptions = TableExportOptions & ServingOptions;

/** The files of one format, in memory. onnx: model.onnx + ids.json (row codes ↔ original ids). */
export function renderEmbeddings(model: FactorModel, data: RatingsDataset, format: EmbeddingFormat, options: ExportOptions = {}): ExportFile[] {
  if (!EMBEDDING_FORMATS.includes(format)) {
    throw new Error(`unknown export format "${format}"; expected one of ${EMBEDDING_FORMATS.join(', ')}`);
  }
  if (format !== 'onnx') return renderTables(model, data, format, options);
  const tables = sideTables(model, data); // checks the model fits the data and is finite
  return [{ name: 'model.onnx', bytes: buildServingModel(model, options) }, idsFile(tables)];
}

/**
 * Writes the format's files into `outDir`. Each file goes to a temporary name first and is
 * renamed into place, so a reader never sees half a file.
 */
export async function exportEmbeddings(
  model: FactorModel, data: RatingsDataset, format: EmbeddingFormat, outDir: string, options: ExportOptions = {},
): Promise<string[]> {
  const files = renderEmbeddings(model, data, format, options);
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    const partial = `${path}.partial`;
    await writeFile(partial, file.bytes);
    await rename(partial, path);
    paths.push(path);
  }
  return paths;
}
