/** Test support: the settings panel's fields, by their ids (src-renderer/panels/settings-panel.ts: `setting-<id>`). */
import type { Page } from '@playwright/test';

/** Picks a value of a select field of the settings panel. */
export async function choose(page: Page, id: string, value: string): Promise<void> {
  await page.selectOption(`#setting-${id}`, value);
}
