/** Test support shared by the specs: the "Save changes?" dialog (issue 16 item 2). */
import type { Page } from '@playwright/test';

/**
 * Answers Don't save where the sheet had unsaved work: specs share one web host, so an earlier
 * spec's Solve (a new run) or edit can leave the sheet unsaved when the next one imports.
 */
export async function dontSaveIfAsked(page: Page): Promise<void> {
  const discard = page.locator('#save-changes-discard');
  if (await discard.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) await discard.click();
}
