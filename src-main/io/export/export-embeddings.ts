/**
 * `exportEmbeddings`: what the export dialog and `collabsheet export` call. Writes the formats'
 * files into a folder (created when missing) and returns their paths.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RatingsDataset } from '../../data/dataset.ts';
import type { FactorModel } from '../../engine/analysis/factor-model.ts';
import { checkTargets, type WriteOptions, writeFileAtomic } from '../atomic-write.ts';
import { type ExportFile, type TableExportOptions, type TableFormat, idsFile, renderTables, tableIds } from './embedding-files.ts';
import { sideTables } from './embedding-table.ts';
import { type BlendedMember, blendServed } from './serving-blend.ts';
import { SERVING_FILES, type Served, type ServingGraph, type ServingOptions, buildServing, buildServingModel } from './serving-model.ts';
import { networkServed, type ServedNetwork } from './serving-network.ts';

export type EmbeddingFormat = TableFormat | 'onnx';
export const EMBEDDING_FORMATS: readonly EmbeddingFormat[] = ['csv', 'tsv', 'json', 'npy', 'projector', 'onnx'];

export type ExportOptions = TableExportOptions & ServingOptions;

/** The files of one format, in memory. onnx: model.onnx, model-unrated.onnx, model-pairs.onnx (original ids in) + ids.json (the columns of `scores`). */
export function renderEmbeddings(model: FactorModel, data: RatingsDataset, format: EmbeddingFormat, options: ExportOptions = {}): ExportFile[] {
  if (!EMBEDDING_FORMATS.includes(format)) {
    throw new Error(`unknown export format "${format}"; expected one of ${EMBEDDING_FORMATS.join(', ')}`);
  }
  if (format !== 'onnx') return renderTables(model, data, format, options);
  const tables = sideTables(model, data); // checks the model fits the data and is finite
  const ids = { users: tables.user.ids, items: tables.item.ids };
  const graphs = Object.entries(SERVING_FILES) as [ServingGraph, string][];
  return [...graphs.map(([graph, name]) => ({ name, bytes: buildServingModel(model, ids, graph, options) })), idsFile(tableIds(tables))];
}

/**
 * A neural model's files: its three serving models (the network and its side-feature tables
 * inside, serving-network.ts) and ids.json. It has no factor tables: the other formats are the factor models'.
 */
export function renderServingNetwork(net: ServedNetwork, data: RatingsDataset, options: ServingOptions = {}): ExportFile[] {
  return renderServed(networkServed(net), data, options);
}

/** A blend's files: the same three serving models, each member's scoring inside, mixed by the blend's weights (serving-blend.ts), and ids.json. */
export function renderServingBlend(members: readonly BlendedMember[], data: RatingsDataset, options: ServingOptions = {}): ExportFile[] {
  return renderServed(blendServed(members), data, options);
}

function renderServed(served: Served, data: RatingsDataset, options: ServingOptions): ExportFile[] {
  const ids = { users: data.userIds, items: data.itemIds };
  const titles = data.itemTitles ? data.itemIds.map((_, i) => data.itemTitles![i] ?? '') : null;
  const graphs = Object.entries(SERVING_FILES) as [ServingGraph, string][];
  return [...graphs.map(([graph, name]) => ({ name, bytes: buildServing(served, ids, graph, options) })), idsFile({ ...ids, titles })];
}

/**
 * Writes the formats' files into `outDir`, each atomically (atomic-write.ts). All are rendered
 * and their targets checked before the first is written, so a refusal (files there already,
 * without `overwrite`) lists every one and leaves the folder as it was. The formats share the
 * folder; the one name two of them write, ids.json (npy and onnx), has the same content in both.
 */
export async function exportEmbeddings(
  model: FactorModel, data: RatingsDataset, formats: readonly EmbeddingFormat[], outDir: string, options: ExportOptions & WriteOptions = {},
): Promise<string[]> {
  return writeExport(formats.flatMap((format) => renderEmbeddings(model, data, format, options)), outDir, options);
}

/** Writes rendered files into `outDir` (created when missing), all targets checked before the first write; a later file of a name replaces an earlier. */
export async function writeExport(rendered: readonly ExportFile[], outDir: string, options: WriteOptions = {}): Promise<string[]> {
  const files = new Map<string, Uint8Array>();
  for (const file of rendered) files.set(join(outDir, file.name), file.bytes);
  await mkdir(outDir, { recursive: true });
  const paths = [...files.keys()];
  await checkTargets(paths, options);
  for (const [path, bytes] of files) await writeFileAtomic(path, [bytes], options);
  return paths;
}
