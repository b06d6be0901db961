import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoSheetPath } from '../io/resources.ts';
import { parseSheetFile } from './sheet-file.ts';

const demoText = readFileSync(demoSheetPath(), 'utf8');

describe('sheet file', () => {
  it('reads the demo sheet: 15 × 15, about 90% rated in half stars, with its planted tastes', () => {
    const sheet = parseSheetFile(demoText, 'demo-sheet.json');
    expect(sheet.users).toHaveLength(15);
    expect(sheet.movies).toHaveLength(15);
    const fill = sheet.dataset.ratings.length / 225;
    expect(fill).toBeGreaterThan(0.85);
    expect(fill).toBeLessThan(0.95);
    expect(Array.from(sheet.dataset.ratings).every((r) => r * 2 === Math.round(r * 2) && r >= 0.5 && r <= 5)).toBe(true);
    expect(sheet.planted?.tastes).toEqual(['Action', 'Romance', 'Sci-fi']);
    expect(sheet.dataset.itemTitles?.[0]).toBe('Die Hard (1988)');
  });

  it('names the file and the place of a problem', () => {
    const sheet = JSON.parse(demoText);
    sheet.ratings[3][4] = 9;
    expect(() => parseSheetFile(JSON.stringify(sheet), 'my.json')).toThrow(
      /^my\.json at ratings\.3\.4: 9 \(user 4, movie 5\) is outside the scale 0\.5–5$/,
    );
    sheet.ratings[3] = [1, 2];
    expect(() => parseSheetFile(JSON.stringify(sheet), 'my.json')).toThrow('row 4 has 2 cells but there are 15 movies');
    expect(() => parseSheetFile('{"format":', 'bad.json')).toThrow(/^bad\.json: not valid JSON/);
    expect(() => parseSheetFile('{"format":"xlsx"}', 'x.json')).toThrow(/^x\.json at format:/);
  });

  // Issue 13 finding 7: a scale of ±1e39 let a rating of 1e39 in, which float32 stores as Infinity.
  it('refuses ratings and scales too large for float32, written as 1e39, 1e308 or 1e309 (Infinity to JSON.parse)', () => {
    for (const big of ['1e39', '1e308', '1e309']) {
      const wide = demoText.replace('"hi":5', `"hi":${big}`);
      expect(wide).not.toBe(demoText);
      expect(() => parseSheetFile(wide, 'wide.json')).toThrow(/^wide\.json at scale\.hi: (1e\+(39|308)|Infinity) is too large \(ratings must lie within ±1,000,000\)$/);
      const cell = JSON.parse(demoText);
      const text = JSON.stringify(cell).replace(/"ratings":\[\[(null|[\d.]+)/, `"ratings":[[${big}`);
      expect(() => parseSheetFile(text, 'cell.json')).toThrow(/^cell\.json at ratings\.0\.0: rating (1e\+(39|308)|Infinity) \(user 1, movie 1\) is too large/);
    }
    const weights = JSON.parse(demoText);
    weights.planted.userWeights[2][1] = 1e39;
    expect(() => parseSheetFile(JSON.stringify(weights), 'w.json')).toThrow(/^w\.json at planted\.userWeights\.2\.1: is too large for a float32 weight$/);
  });

  it('refuses a user or movie id used twice (the sheet finds rows by id)', () => {
    const sheet = JSON.parse(demoText);
    sheet.movies[3].id = sheet.movies[1].id;
    expect(() => parseSheetFile(JSON.stringify(sheet), 'dup.json')).toThrow(/^dup\.json at movies\.3\.id: id ".+" is used twice: each movie needs its own id$/);
  });
});
