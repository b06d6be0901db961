/**
 * `--out <dir>`: the trained parameters as CSV files people can open, keyed by the ORIGINAL ids.
 * Per-user tables (names starting `user_`) become columns of users.csv, per-item tables of
 * items.csv; any other weight (the NN's layers) gets a plain numeric CSV of its own.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ExportedTensor {
  shape: number[];
  data: Float32Array;
}

/** A CSV field: quoted when it holds a delimiter, quote or line break (RFC 4180). */
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Shortest decimal that reads back as the same float32 (0.1f prints as 0.1, not 0.100000001…). */
function float(x: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const s = x.toPrecision(digits);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

interface Table {
  name: string;
  width: number;
  data: Float32Array;
}

function rowsFile(idHeader: string, ids: readonly string[], tables: readonly Table[], prefix: string): string {
  const header = [idHeader];
  for (const t of tables) {
    const col = t.name.slice(prefix.length);
    if (t.width === 1) header.push(col);
    else for (let j = 1; j <= t.width; j++) header.push(`${col}_${j}`);
  }
  const lines = [header.join(',')];
  for (let r = 0; r < ids.length; r++) {
    const cells = [csvField(ids[r])];
    for (const t of tables) for (let j = 0; j < t.width; j++) cells.push(float(t.data[r * t.width + j]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function matrixFile(t: ExportedTensor): string {
  const cols = t.shape.length <= 1 ? t.data.length : t.data.length / t.shape[0];
  const lines: string[] = [];
  for (let off = 0; off < t.data.length; off += cols) {
    lines.push(Array.from(t.data.subarray(off, off + cols), float).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes users.csv, items.csv and one CSV per other weight; returns the files written. */
export async function writeParams(
  dir: string, params: Record<string, ExportedTensor>, userIds: readonly string[], itemIds: readonly string[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const perRow = (prefix: string, n: number): Table[] =>
    Object.entries(params)
      .filter(([name, t]) => name.startsWith(prefix) && t.shape[0] === n)
      .map(([name, t]) => ({ name, width: t.data.length / n, data: t.data }))
      // Biases first, then factors: the order of the Excel sheet.
      .sort((a, b) => a.width - b.width || a.name.localeCompare(b.name));
  const users = perRow('user_', userIds.length);
  const items = perRow('item_', itemIds.length);
  const files: [string, string][] = [];
  if (users.length) files.push(['users.csv', rowsFile('user', userIds, users, 'user_')]);
  if (items.length) files.push(['items.csv', rowsFile('item', itemIds, items, 'item_')]);
  const tabled = new Set([...users, ...items].map((t) => t.name));
  for (const [name, t] of Object.entries(params)) {
    if (!tabled.has(name)) files.push([`${name}.csv`, matrixFile(t)]);
  }
  for (const [file, text] of files) await writeFile(join(dir, file), text);
  return files.map(([file]) => join(dir, file));
}
