import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDemoSheet } from './generate-demo-sheet.ts';

describe('generate-demo-sheet', () => {
  it('reproduces the committed resources/demo-sheet.json from its seed', () => {
    const committed = JSON.parse(readFileSync(new URL('../resources/demo-sheet.json', import.meta.url), 'utf8'));
    expect(generateDemoSheet(7)).toEqual(committed);
  });

  it('gives a different sheet for a different seed', () => {
    expect(generateDemoSheet(8)).not.toEqual(generateDemoSheet(7));
  });
});
