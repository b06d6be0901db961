import { describe, expect, it } from 'vitest';
import { newSheetSpec, recentLabel, suggestedPath } from './recent-menu.ts';

describe('finding your way in the File menu (issue 16 item 6)', () => {
  it('shows a recent file by its name, and a gone one greyed with what to do', () => {
    expect(recentLabel({ path: '/home/me/ml-100k/u.data', kind: 'import', found: true })).toEqual({ text: 'u.data', title: '/home/me/ml-100k/u.data (import)' });
    const gone = recentLabel({ path: 'C:\\Users\\me\\films.collabsheet', kind: 'project', found: false });
    expect(gone.text).toBe('films.collabsheet — not found');
    expect(gone.title).toMatch(/^C:\\Users\\me\\films\.collabsheet is no longer there \(moved, renamed or deleted\): open it from where it is now/);
  });

  it("suggests saves and exports in the documents folder, not the data's folder (before: beside the last import)", () => {
    expect(suggestedPath(null, 'u.data', '/home/me/Documents', 'collabsheet')).toBe('/home/me/Documents/u.collabsheet');
    expect(suggestedPath(null, 'Demo: 15 friends rate 15 movies', '/home/me/Documents/', 'xlsx')).toBe('/home/me/Documents/Demo-15-friends-rate-15-movies.xlsx');
    expect(suggestedPath(null, 'films', 'C:\\Users\\me\\Documents', 'xlsx')).toBe('C:\\Users\\me\\Documents\\films.xlsx');
    expect(suggestedPath('/d/p.collabsheet', 'x', '/home/me/Documents', 'xlsx')).toBe('/d/p.xlsx');
  });

  it('New sheet is a 15 × 15 sheet from 3 planted tastes, without a validation split', () => {
    const s = newSheetSpec(9);
    expect(s.spec).toMatchObject({ users: 15, items: 15, rank: 3, seed: 9 });
    expect(s.split).toEqual({ method: 'random', validPct: 0, seed: 42 });
  });
});
