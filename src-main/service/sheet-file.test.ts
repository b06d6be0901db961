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
});
