import { describe, expect, it } from 'vitest';
import { mayReplace, saveQuestion, type SaveChoice } from './save-changes.ts';

/** Issue 16 item 2: before, Import and Open replaced unsaved work without asking. */
describe('Save changes? before unsaved work is replaced (issue 16 item 2)', () => {
  const unsaved = { path: '/home/me/Documents/films.collabsheet', unsaved: true };
  const run = async (project: { path: string | null; unsaved: boolean }, choice: SaveChoice, saves = true) => {
    const asked: string[] = [];
    let saved = 0;
    const go = await mayReplace(project, 'Demo', 'importing', async (q) => (asked.push(q), choice), async () => (saved++, saves));
    return { go, asked, saved };
  };

  it('asks nothing when nothing is unsaved', async () => {
    expect(await run({ ...unsaved, unsaved: false }, 'cancel')).toEqual({ go: true, asked: [], saved: 0 });
  });

  it('Cancel keeps the work: nothing is saved and nothing replaces it', async () => {
    const r = await run(unsaved, 'cancel');
    expect(r).toMatchObject({ go: false, saved: 0 });
    expect(r.asked).toEqual(['films.collabsheet has changes that are not saved. Save them before importing? If you don\'t, they are lost (undo cannot bring them back).']);
  });

  it("Don't save goes on without saving", async () => {
    expect(await run(unsaved, 'dont-save')).toMatchObject({ go: true, saved: 0 });
  });

  it('Save saves, then goes on; a save that did not happen (Save as cancelled, a refused write) stops it', async () => {
    expect(await run(unsaved, 'save')).toMatchObject({ go: true, saved: 1 });
    expect(await run(unsaved, 'save', false)).toMatchObject({ go: false, saved: 1 });
  });

  it('names a sheet never saved by its title', () => {
    expect(saveQuestion({ path: null, unsaved: true }, 'Demo: 15 friends', 'opening a project')).toMatch(/^"Demo: 15 friends" has changes/);
  });
});
