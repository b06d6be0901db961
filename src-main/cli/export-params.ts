/**
 * What `train --out <dir>` and `export` write. Dot and dot+bias models go through io/export (the
 * one writer of every embedding format): train --out writes its CSV files, users.csv and
 * items.csv, keyed by the original ids. The neural models have no per-row factors to export;
 * their per-row embeddings and dense weights are written as plain CSV with the same field and
 * number formatting (io/export/text-format.ts). Side features' embeddings (issue 15) are written
 * one row per value, named by it (item_genres_embedding.csv: "Sci-Fi", …), and the numbers'
 * normalisation as <side>_numbers.csv (feature, mean, std).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RatingsDataset } from '../data/dataset.ts';
import { factorModelFromParams } from '../engine/analysis/index.ts';
import { type FeatureColumn, type ModelFeatures, embeddingName } from '../engine/models/index.ts';
import type { ParamTensor, TrainConfig } from '../engine/types.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { exportEmbeddings, type EmbeddingFormat } from '../io/export/export-embeddings.ts';
import { csvField, formatFloat32, joinLines } from '../io/export/text-format.ts';

/**
 * Writes the formats (train --out: ['csv']) into dir; returns the files written. A command line
 * that names its output replaces the files there, as cp and tar do (links and read-only files
 * are still refused).
 */
export async function writeParams(
  dir: string, params: Record<string, ParamTensor>, config: TrainConfig, data: RatingsDataset, formats: readonly EmbeddingFormat[],
  features: ModelFeatures | null = null,
): Promise<string[]> {
  if (config.model.kind === 'dot' || config.model.kind === 'dotbias') {
    const model = factorModelFromParams(params, config.model.yRange);
    return exportEmbeddings(model, data, formats, dir, { overwrite: true });
  }
  return writeNetworkWeights(dir, params, data, features);
}

/**
 * users.csv / items.csv for the NN's embedding tables (id, embedding_1 …), one CSV per feature
 * embedding (value, embedding_1 …) and per side's numbers (feature, mean, std), one per dense weight.
 */
async function writeNetworkWeights(dir: string, params: Record<string, ParamTensor>, data: RatingsDataset, features: ModelFeatures | null): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [];
  const labelled = new Set<string>();
  for (const c of [...features?.user?.columns ?? [], ...features?.item?.columns ?? []]) {
    const file = featureFile(c, params);
    if (!file) continue;
    files.push(file);
    if (c.kind !== 'numeric') labelled.add(embeddingName(c));
  }
  for (const [side, ids] of [['user', data.userIds], ['item', data.itemIds]] as const) {
    const table = params[`${side}_embedding`];
    if (!table) continue;
    const width = table.data.length / ids.length;
    const rows = function* () {
      yield [side, ...Array.from({ length: width }, (_, j) => `embedding_${j + 1}`)];
      for (let r = 0; r < ids.length; r++) yield [csvField(ids[r]), ...Array.from(table.data.subarray(r * width, (r + 1) * width), formatFloat32)];
    };
    files.push([`${side}s.csv`, joinLines(rows(), ',')]);
  }
  for (const [name, t] of Object.entries(params)) {
    if (name === 'user_embedding' || name === 'item_embedding' || labelled.has(name)) continue;
    const cols = t.shape.length <= 1 ? t.data.length : t.data.length / t.shape[0];
    const rows = function* () {
      for (let off = 0; off < t.data.length; off += cols) yield Array.from(t.data.subarray(off, off + cols), formatFloat32);
    };
    files.push([`${name}.csv`, joinLines(rows(), ',')]);
  }
  for (const [file, text] of files) await writeFileAtomic(join(dir, file), [new TextEncoder().encode(text)], { overwrite: true });
  return files.map(([file]) => join(dir, file));
}

/** A feature's learned embedding, one row per value; or a side's numbers' normalisation. */
function featureFile(c: FeatureColumn, params: Record<string, ParamTensor>): [string, string] | null {
  if (c.kind === 'numeric') {
    const rows = function* () {
      yield ['feature', 'mean', 'std'];
      for (let j = 0; j < c.labels.length; j++) yield [csvField(c.labels[j]), String(c.stats[j].mean), String(c.stats[j].std)];
    };
    return [`${c.name}.csv`, joinLines(rows(), ',')];
  }
  const table = params[embeddingName(c)];
  if (!table) return null;
  const width = table.shape[1];
  const rows = function* () {
    yield [csvField(c.label), ...Array.from({ length: width }, (_, j) => `embedding_${j + 1}`)];
    for (let r = 0; r < c.vocabulary.length; r++) yield [csvField(c.vocabulary[r]), ...Array.from(table.data.subarray(r * width, (r + 1) * width), formatFloat32)];
  };
  return [`${embeddingName(c)}.csv`, joinLines(rows(), ',')];
}
