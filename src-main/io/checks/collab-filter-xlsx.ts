/**
 * Check (not a test: it needs fast.ai's real workbook): reading collab_filter.xlsx recomputes the
 * RMSE its cells show from the initial factors (2.8061 dotprod, 2.0180 bias); exporting the bias
 * sheet and reading the export back gives the same RMSE. With `--libreoffice`, LibreOffice
 * recomputes the export's formulas headless and the RMSE must match the app's within 1e-6.
 *
 *   node --import tsx src-main/io/checks/collab-filter-xlsx.ts [collab_filter.xlsx] [--libreoffice]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readCollabWorkbook, writeCollabWorkbook, type FactorSheet, type SheetExport } from '../xlsx.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? '/work/shared/data/excel/collab_filter.xlsx';
const wb = await readCollabWorkbook(file);
console.log(`${file}: ${wb.data.userIds.length} users × ${wb.data.itemIds.length} movies, ${wb.data.ratings.length} ratings, k=${wb.factors}`);
let failed = false;
for (const [sheet, expected] of [[wb.dotprod, 2.8061], [wb.bias, 2.018]] as const) {
  if (!sheet) throw new Error('sheet missing');
  const ok = Math.abs(sheet.rmse - expected) < 5e-5;
  failed ||= !ok;
  console.log(`${sheet.kind}: recomputed RMSE ${sheet.rmse.toFixed(6)} (cell says ${sheet.rmseCell?.toFixed(6)}, expected ${expected}) ${ok ? 'OK' : 'MISMATCH'}`);
}

const dir = mkdtempSync(join(tmpdir(), 'collabsheet-xlsx-'));
for (const sheet of [wb.dotprod!, wb.bias!]) {
  const out = join(dir, `${sheet.kind}.xlsx`);
  await writeCollabWorkbook(out, toExport(sheet));
  const back = await readCollabWorkbook(out);
  const again = (back.bias ?? back.dotprod)!;
  const appRmse = again.rmse;
  console.log(`export ${sheet.kind} → ${out}: re-read RMSE ${appRmse.toFixed(9)}, cached cell ${again.rmseCell?.toFixed(9)}`);
  if (args.includes('--libreoffice')) {
    // Poison every cached formula result first: LibreOffice can only print the app's RMSE by
    // recomputing the formulas, not by echoing what we wrote.
    const poisoned = join(dir, `${sheet.kind}-poisoned.xlsx`);
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.readFile(out);
    copy.worksheets[0].eachRow((row) => row.eachCell((cell) => {
      const v = cell.value as ExcelJS.CellFormulaValue;
      if (v && typeof v === 'object' && 'formula' in v) cell.value = { ...v, result: -1 };
    }));
    await copy.xlsx.writeFile(poisoned);
    execFileSync('soffice', [`-env:UserInstallation=file://${alwaysRecalcProfile(dir)}`, '--headless', '--convert-to', 'csv', '--outdir', dir, poisoned], {
      stdio: 'pipe',
      timeout: 120_000,
    });
    const csv = readFileSync(join(dir, `${sheet.kind}-poisoned.csv`), 'utf8').split('\n');
    const rmseLine = csv.find((l) => l.includes('RMSE'));
    const lo = Number(rmseLine?.split(',').at(-1));
    const ok = Math.abs(lo - appRmse) <= 1e-6;
    failed ||= !ok;
    console.log(`  LibreOffice recomputed RMSE ${lo} vs app ${appRmse.toFixed(9)}: |diff| ${Math.abs(lo - appRmse).toExponential(2)} ${ok ? 'OK (≤ 1e-6)' : 'MISMATCH'}`);
  }
}
process.exitCode = failed ? 1 : 0;

/** A LibreOffice profile set to recalculate .xlsx formulas on load (its default is never). */
function alwaysRecalcProfile(dir: string): string {
  const profile = join(dir, 'lo-profile');
  mkdirSync(join(profile, 'user'), { recursive: true });
  writeFileSync(
    join(profile, 'user', 'registrymodifications.xcu'),
    `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`,
  );
  return profile;
}

function toExport(s: FactorSheet): SheetExport {
  const U = wb.data.userIds.length;
  const I = wb.data.itemIds.length;
  const ratings = new Float32Array(U * I).fill(NaN);
  for (let r = 0; r < wb.data.ratings.length; r++) ratings[wb.data.users[r] * I + wb.data.items[r]] = wb.data.ratings[r];
  return { userIds: wb.data.userIds, itemIds: wb.data.itemIds, ratings, factors: wb.factors, userFactors: s.userFactors, itemFactors: s.itemFactors, userBias: s.userBias, itemBias: s.itemBias };
}
