import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FactorModel } from '../../engine/analysis/factor-model.ts';
import { WriteRefusedError } from '../atomic-write.ts';
import { plantedModel, withAwkwardTitles } from '../../engine/analysis/testing/planted-model.ts';
import type { ExportFile } from './embedding-files.ts';
import { EMBEDDING_FORMATS, exportEmbeddings, renderEmbeddings } from './export-embeddings.ts';
import { pythonWith, runPython } from './testing/python.ts';

const { data: plain, model } = plantedModel({ users: 12, items: 9, ratings: 80, rank: 3, noise: 0.3, seed: 2 });
const data = withAwkwardTitles(plain);

/**
 * RFC 4180 read by a state machine written for this test (not the writer's quoting helper): a
 * quoted field runs to a lone quote, "" inside it is one quote, commas and newlines inside it
 * are data.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  expect(quoted, 'unterminated quoted field').toBe(false);
  expect(field === '' && row.length === 0, 'text must end with a newline').toBe(true);
  return rows;
}

const text = (f: ExportFile) => new TextDecoder().decode(f.bytes);
const file = (files: ExportFile[], name: string) => {
  const f = files.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} among ${files.map((x) => x.name).join(', ')}`);
  return f;
};
const k = model.k;
const factorsOf = (m: FactorModel, side: 'user' | 'item', row: number) =>
  Array.from((side === 'user' ? m.userFactors : m.itemFactors).subarray(row * k, (row + 1) * k));

describe('CSV export', () => {
  const files = renderEmbeddings(model, data, 'csv');

  it('re-parses to the original ids, titles (commas, quotes, newlines) and float32 values', () => {
    const items = parseCsv(text(file(files, 'items.csv')));
    expect(items[0]).toEqual(['item', 'title', 'bias', 'factors_1', 'factors_2', 'factors_3']);
    expect(items.length).toBe(1 + 9);
    items.slice(1).forEach((cells, r) => {
      expect(cells[0]).toBe(data.itemIds[r]);
      expect(cells[1]).toBe(data.itemTitles![r]);
      expect(Math.fround(Number(cells[2]))).toBe(model.itemBias![r]);
      expect(cells.slice(3).map((c) => Math.fround(Number(c)))).toEqual(factorsOf(model, 'item', r));
    });
    const users = parseCsv(text(file(files, 'users.csv')));
    expect(users[0]).toEqual(['user', 'bias', 'factors_1', 'factors_2', 'factors_3']);
    expect(users.slice(1).map((c) => c[0])).toEqual(data.userIds);
  });

  it('is read the same by Python’s csv module', (ctx) => {
    const py = pythonWith('csv');
    if ('reason' in py) {
      console.log(`skipped: ${py.reason}`);
      ctx.skip();
      return;
    }
    const script = 'import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))))';
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    try {
      const path = join(dir, 'items.csv');
      writeFileSync(path, file(files, 'items.csv').bytes);
      expect(JSON.parse(runPython(py.python, script, [path]))).toEqual(parseCsv(text(file(files, 'items.csv'))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves out the bias column of a plain dot model and the title column without titles', () => {
    const dot = renderEmbeddings({ ...model, userBias: null, itemBias: null }, plain, 'csv');
    expect(parseCsv(text(file(dot, 'items.csv')))[0]).toEqual(['item', 'factors_1', 'factors_2', 'factors_3']);
  });
});

describe('TSV export', () => {
  it('has one tab-separated row per item, with tabs and newlines in titles turned into spaces', () => {
    const lines = text(file(renderEmbeddings(model, data, 'tsv'), 'items.tsv')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(1 + 9);
    const rows = lines.map((l) => l.split('\t'));
    expect(rows.every((r) => r.length === 6)).toBe(true);
    expect(rows[1][1]).toBe('Silence of the Lambs, The (1991)');
    expect(rows[3][1]).toBe('tab here');
    expect(rows[4][1]).toBe('two lines');
    expect(rows[2][1]).toBe('He said "no", twice');
  });
});

describe('JSON export', () => {
  it('parses with JSON.parse to the same ids, titles, biases and factors', () => {
    const json = JSON.parse(text(file(renderEmbeddings({ ...model, yRange: [0, 5.5] }, data, 'json'), 'embeddings.json')));
    expect(json).toMatchObject({ format: 'collabsheet-embeddings', version: 1, k: 3, yRange: [0, 5.5] });
    expect(json.items.length).toBe(9);
    json.items.forEach((it: { id: string; title: string; bias: number; factors: number[] }, r: number) => {
      expect(it.id).toBe(data.itemIds[r]);
      expect(it.title).toBe(data.itemTitles![r]);
      expect(Math.fround(it.bias)).toBe(model.itemBias![r]);
      expect(it.factors.map(Math.fround)).toEqual(factorsOf(model, 'item', r));
    });
    expect(json.users.map((u: { id: string }) => u.id)).toEqual(data.userIds);
  });
});

describe('NPY export', () => {
  it('writes the four parameter arrays and the ids, read back by numpy', (ctx) => {
    const files = renderEmbeddings(model, data, 'npy');
    expect(files.map((f) => f.name).sort()).toEqual(['ids.json', 'item_bias.npy', 'item_factors.npy', 'user_bias.npy', 'user_factors.npy']);
    const ids = JSON.parse(text(file(files, 'ids.json')));
    expect(ids).toEqual({ users: data.userIds, items: data.itemIds, titles: data.itemTitles });
    const py = pythonWith('numpy');
    if ('reason' in py) {
      console.log(`skipped the numpy read-back: ${py.reason} (npy.test.ts checks the layout byte-wise)`);
      ctx.skip();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'npy-export-'));
    try {
      for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
      const script = `
import json, sys, numpy as np
d = sys.argv[1]
print(json.dumps({n: np.load(f"{d}/{n}.npy").tolist() for n in ["user_factors", "item_factors", "user_bias", "item_bias"]}))`;
      const arrays = JSON.parse(runPython(py.python, script, [dir]));
      expect(arrays.item_factors.length).toBe(9);
      expect(Float32Array.from(arrays.item_factors.flat())).toEqual(model.itemFactors);
      expect(Float32Array.from(arrays.user_factors.flat())).toEqual(model.userFactors);
      expect(Float32Array.from(arrays.user_bias)).toEqual(model.userBias);
      expect(Float32Array.from(arrays.item_bias)).toEqual(model.itemBias);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Embedding Projector export', () => {
  it('vectors.tsv has no header; metadata.tsv has a header and one row per vector, as the Projector parses them', () => {
    const files = renderEmbeddings(model, data, 'projector');
    // The Projector's parser: split lines, then tabs; no quoting.
    const lines = (f: ExportFile) => text(f).split('\n').filter((l) => l !== '');
    const vectors = lines(file(files, 'vectors.tsv')).map((l) => l.split('\t').map(Number));
    const metadata = lines(file(files, 'metadata.tsv')).map((l) => l.split('\t'));
    expect(vectors.length).toBe(9);
    vectors.forEach((v, r) => expect(v.map(Math.fround)).toEqual(factorsOf(model, 'item', r)));
    expect(metadata[0]).toEqual(['title', 'id', 'ratings']);
    expect(metadata.length).toBe(1 + vectors.length);
    expect(metadata[4]).toEqual(['two lines', 'i4', String(Array.from(data.items).filter((i) => i === 3).length)]);
    const users = renderEmbeddings(model, data, 'projector', { projectorSide: 'user' });
    expect(lines(file(users, 'metadata.tsv'))[0]).toBe('id\tratings');
    expect(lines(file(users, 'vectors.tsv')).length).toBe(12);
  });
});

describe('exportEmbeddings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every format into its folder, leaving no partial files', async () => {
    for (const format of EMBEDDING_FORMATS) {
      const out = join(dir, format, 'nested');
      const paths = await exportEmbeddings(model, data, [format], out);
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) expect(existsSync(p)).toBe(true);
      expect(readdirSync(out).sort()).toEqual(paths.map((p) => p.slice(out.length + 1)).sort());
    }
    expect(readFileSync(join(dir, 'csv', 'nested', 'items.csv'), 'utf8')).toBe(text(file(renderEmbeddings(model, data, 'csv'), 'items.csv')));
  });

  it('finding 8: refuses a folder holding any of the files, listing them, and writes none; overwrite replaces them', async () => {
    const out = join(dir, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'users.csv'), 'mine');
    writeFileSync(join(out, 'ids.json'), 'mine too');
    const error = await exportEmbeddings(model, data, ['csv', 'npy'], out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteRefusedError);
    expect((error as WriteRefusedError).paths).toEqual([join(out, 'users.csv'), join(out, 'ids.json')]);
    expect((error as Error).message).toBe(`2 files already exist in ${out} (users.csv, ids.json): confirm replacing them, or choose another folder`);
    expect(readdirSync(out).sort()).toEqual(['ids.json', 'users.csv']);
    expect(readFileSync(join(out, 'users.csv'), 'utf8')).toBe('mine');

    const paths = await exportEmbeddings(model, data, ['csv', 'npy'], out, { overwrite: true });
    expect(readdirSync(out).sort()).toEqual(paths.map((p) => p.slice(out.length + 1)).sort());
    expect(readFileSync(join(out, 'users.csv'), 'utf8')).toBe(text(file(renderEmbeddings(model, data, 'csv'), 'users.csv')));
  });

  it('says what is wrong with a bad request instead of writing garbage', async () => {
    await expect(exportEmbeddings(model, data, ['xlsx' as never], dir)).rejects.toThrow(/unknown export format "xlsx"; expected one of csv, tsv/);
    const diverged = { ...model, itemFactors: model.itemFactors.map((x, i) => (i === 7 ? NaN : x)) };
    expect(() => renderEmbeddings(diverged, data, 'json')).toThrow(/item_factors of row 2 \(id i3\) is NaN — the model diverged/);
    expect(() => renderEmbeddings(model, { ...data, userIds: data.userIds.slice(2) }, 'csv')).toThrow(/12 user rows but the dataset has 10/);
  });
});
