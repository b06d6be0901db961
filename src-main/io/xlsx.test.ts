import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DataImportError } from '../data/import/errors.ts';
import { layoutFor, readCollabWorkbook, sheetRmse, type SheetExport, writeCollabWorkbook } from './xlsx.ts';

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-xlsx-'));

// 3 users × 4 movies, k = 5 as in fast.ai's file; NaN = blank.
const ratings = [3, NaN, 5, 1, NaN, 4, 2, NaN, 5, 5, NaN, 3];
const k = 5;
const userFactors = Array.from({ length: 3 * k }, (_, i) => ((i * 37) % 11) / 10);
const itemFactors = Array.from({ length: 4 * k }, (_, i) => ((i * 53) % 13) / 10);
const userBias = [0.1, -0.2, 0.3];
const itemBias = [0.5, 0, -0.5, 0.25];

/** The original workbook's layout, cell by cell, as fast.ai's file has it (k = 5: ids in G). */
async function handBuiltWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const kind of ['dotprod', 'bias'] as const) {
    const ws = wb.addWorksheet(kind);
    const at = layoutFor(kind, 3, 4, k);
    expect(at).toMatchObject(kind === 'dotprod' ? { idCol: 7, gridCol: 8, itemFactorRow: 7, userRow: 13 } : { itemBiasRow: 7, itemFactorRow: 8, userRow: 14 });
    ws.getCell('G1').value = 'movieId';
    ['27', '49', '57', '72'].forEach((id, i) => (ws.getCell(1, 8 + i).value = Number(id)));
    ['14', '29', '72'].forEach((id, u) => {
      ws.getCell(2 + u, 7).value = Number(id);
      for (let i = 0; i < 4; i++) if (!Number.isNaN(ratings[u * 4 + i])) ws.getCell(2 + u, 8 + i).value = ratings[u * 4 + i];
      for (let f = 0; f < k; f++) ws.getCell(at.userRow + u, 2 + f).value = userFactors[u * k + f];
      if (kind === 'bias') ws.getCell(at.userRow + u, 1).value = userBias[u];
    });
    for (let i = 0; i < 4; i++) {
      for (let f = 0; f < k; f++) ws.getCell(at.itemFactorRow + f, 8 + i).value = itemFactors[i * k + f];
      if (kind === 'bias') ws.getCell(at.itemBiasRow, 8 + i).value = itemBias[i];
    }
    ws.getCell(at.rmseRow, at.rmseCol).value = { formula: 'SQRT(1)', result: 9.99 };
  }
  await wb.xlsx.writeFile(path);
}

function expectedRmse(withBias: boolean): number {
  let sum = 0;
  let n = 0;
  for (let u = 0; u < 3; u++) {
    for (let i = 0; i < 4; i++) {
      const r = ratings[u * 4 + i];
      if (Number.isNaN(r)) continue;
      let p = withBias ? userBias[u] + itemBias[i] : 0;
      for (let f = 0; f < k; f++) p += userFactors[u * k + f] * itemFactors[i * k + f];
      sum += (r - p) ** 2;
      n++;
    }
  }
  return Math.sqrt(sum / n);
}

describe('readCollabWorkbook', () => {
  it('reads ratings, both factor blocks and recomputes each RMSE', async () => {
    const path = join(dir, 'hand.xlsx');
    await handBuiltWorkbook(path);
    const wb = await readCollabWorkbook(path);
    expect(wb.factors).toBe(5);
    expect(wb.data.userIds).toEqual(['14', '29', '72']);
    expect(wb.data.itemIds).toEqual(['27', '49', '57', '72']);
    expect(Array.from(wb.data.ratings)).toEqual(ratings.filter((r) => !Number.isNaN(r)));
    expect(Array.from(wb.dotprod!.userFactors)).toEqual(Array.from(Float32Array.from(userFactors)));
    expect(Array.from(wb.bias!.itemFactors)).toEqual(Array.from(Float32Array.from(itemFactors)));
    expect(Array.from(wb.bias!.userBias!)).toEqual(Array.from(Float32Array.from(userBias)));
    expect(wb.dotprod!.rmse).toBeCloseTo(expectedRmse(false), 12);
    expect(wb.bias!.rmse).toBeCloseTo(expectedRmse(true), 12);
    expect(wb.bias!.rmseCell).toBe(9.99);
  });

  it('refuses what is not the layout with one-line messages', async () => {
    const noSheets = join(dir, 'other.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').getCell('A1').value = 1;
    await wb.xlsx.writeFile(noSheets);
    await expect(readCollabWorkbook(noSheets)).rejects.toThrow(`${noSheets}: has no sheet named "dotprod" or "bias" (the collab_filter.xlsx layout)`);

    const textRating = join(dir, 'text.xlsx');
    await handBuiltWorkbook(textRating);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.readFile(textRating);
    wb2.getWorksheet('dotprod')!.getCell('I3').value = 'four';
    await wb2.xlsx.writeFile(textRating);
    await expect(readCollabWorkbook(textRating)).rejects.toThrow(`${textRating} [dotprod]: rating cell I3 is not a number (four)`);

    const csv = join(dir, 'ratings.xlsx');
    writeFileSync(csv, 'user,item,rating\n1,2,3\n');
    const error = await readCollabWorkbook(csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataImportError);
    expect((error as Error).message).toMatch(/ratings\.xlsx: not a readable \.xlsx workbook/);
  });
});

describe('writeCollabWorkbook', () => {
  const sheet = (withBias: boolean, factors: number): SheetExport => ({
    userIds: ['14', 'alice', '72'],
    itemIds: ['27', '49', '57', 'Matrix'],
    ratings: Float32Array.from(ratings),
    factors,
    userFactors: Float32Array.from({ length: 3 * factors }, (_, i) => Math.sin(i)),
    itemFactors: Float32Array.from({ length: 4 * factors }, (_, i) => Math.cos(i)),
    ...(withBias ? { userBias: Float32Array.from(userBias), itemBias: Float32Array.from(itemBias) } : {}),
    itemTitles: ['Toy Story', undefined, 'Heat', 'The Matrix'],
  });

  for (const [withBias, factors] of [[false, 5], [true, 3], [true, 8]] as const) {
    it(`lays out ${withBias ? 'bias' : 'dotprod'} with k=${factors} and reads back the same sheet and RMSE`, async () => {
      const path = join(dir, `out-${withBias}-${factors}.xlsx`);
      const s = sheet(withBias, factors);
      await writeCollabWorkbook(path, s);
      const back = await readCollabWorkbook(path);
      const f = (withBias ? back.bias : back.dotprod)!;
      expect(back.factors).toBe(factors);
      expect(back.data.userIds).toEqual(s.userIds);
      expect(back.data.itemIds).toEqual(s.itemIds);
      expect(Array.from(f.userFactors)).toEqual(Array.from(s.userFactors));
      expect(Array.from(f.itemFactors)).toEqual(Array.from(s.itemFactors));
      const rmse = sheetRmse(s.ratings, 3, 4, factors, s.userFactors, s.itemFactors, s.userBias, s.itemBias);
      expect(f.rmse).toBe(rmse);
      expect(f.rmseCell).toBe(rmse);
    });
  }

  it('writes live formulas: MMULT predictions as array formulas and the SUMXMY2 RMSE', async () => {
    const path = join(dir, 'formulas.xlsx');
    await writeCollabWorkbook(path, sheet(true, 5));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.getWorksheet('bias')!;
    // Same cells as fast.ai's bias sheet for a 3 × 4 grid: predictions from H14, RMSE at K18.
    expect(ws.getCell('H14').formula).toBe('IF(H2="",0,MMULT($B14:$F14,H$8:H$12)+H$7+$A14)');
    expect((ws.getCell('H14').value as { shareType?: string }).shareType).toBe('array');
    expect(ws.getCell('K18').formula).toBe('SQRT(SUMXMY2(H2:K4,H14:K16)/COUNT(H2:K4))');
    expect(wb.getWorksheet('movies')!.getCell('B5').value).toBe('The Matrix');
  });
});
