/**
 * Finds files in resources/. The same code runs from src-main/hosts/common (tests, tsx) and from
 * the bundled out/main/*.js (at a different depth, possibly inside an asar), so it walks up from
 * this module to the first folder that has the file rather than hard-coding a relative path.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function resourcePath(name: string, from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const candidate = join(dir, 'resources', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`resources/${name} was not found above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

export const demoSheetPath = (): string => resourcePath('demo-sheet.json');

/** The app icon (resources/icon.svg drawn at 512 × 512): the window's, and the packages' (electron-builder.yml). */
export const appIconPath = (): string => resourcePath('icon.png');
