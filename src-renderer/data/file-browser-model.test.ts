/** Issue 16 item 6: the browser page's file dialog, its logic without the DOM. */
import { describe, expect, it } from 'vitest';
import type { FolderEntry } from '../../src-main/hosts/web/folder-types.ts';
import { breadcrumbs, childPath, isFullPath, movedSelection, shownEntries, splitPath, withExtension } from './file-browser-model.ts';

const entry = (name: string, kind: FolderEntry['kind'] = 'file'): FolderEntry => ({ name, kind, size: kind === 'file' ? 1 : null, modified: 0 });

describe('file browser model (issue 16 item 6)', () => {
  it('breaks POSIX and Windows paths into crumbs that each name a folder to list', () => {
    expect(breadcrumbs('/home/me/data')).toEqual([
      { label: '/', path: '/' }, { label: 'home', path: '/home' }, { label: 'me', path: '/home/me' }, { label: 'data', path: '/home/me/data' },
    ]);
    expect(breadcrumbs('/')).toEqual([{ label: '/', path: '/' }]);
    expect(breadcrumbs('C:\\Users\\me').map((c) => c.path)).toEqual(['C:\\', 'C:\\Users', 'C:\\Users\\me']);
  });

  it('joins and splits paths as the host writes them', () => {
    expect(childPath('/home/me', 'u.data')).toBe('/home/me/u.data');
    expect(childPath('/', 'tmp')).toBe('/tmp');
    expect(childPath('C:\\', 'Users')).toBe('C:\\Users');
    expect(splitPath('/home/me/Documents/sheet.xlsx')).toEqual({ folder: '/home/me/Documents', name: 'sheet.xlsx' });
    expect(splitPath('/sheet.xlsx')).toEqual({ folder: '/', name: 'sheet.xlsx' });
    expect(splitPath('C:\\sheet.xlsx')).toEqual({ folder: 'C:\\', name: 'sheet.xlsx' });
  });

  it('shows folders and the kinds the action takes, whatever their case', () => {
    const all = [entry('data', 'folder'), entry('work.COLLABSHEET'), entry('u.data'), entry('notes.txt')];
    expect(shownEntries(all, ['.collabsheet']).map((e) => e.name)).toEqual(['data', 'work.COLLABSHEET']);
    expect(shownEntries(all, [])).toEqual(all);
  });

  it("adds the action's extension to a save's name only when it has none of them", () => {
    expect(withExtension('sheet', ['.xlsx'])).toBe('sheet.xlsx');
    expect(withExtension('sheet.XLSX', ['.xlsx'])).toBe('sheet.XLSX');
    expect(withExtension('u.data', [])).toBe('u.data');
  });

  it('tells a typed full path from a name', () => {
    expect(['/tmp/a', 'C:\\a', 'c:/a', '\\\\server\\share'].every(isFullPath)).toBe(true);
    expect(['a.csv', '../a', '~/a', ''].some(isFullPath)).toBe(false);
  });

  it('moves the selection with arrows, Home, End and pages, within the list', () => {
    expect(movedSelection('ArrowDown', -1, 3)).toBe(0);
    expect(movedSelection('ArrowDown', 2, 3)).toBe(2);
    expect(movedSelection('ArrowUp', 0, 3)).toBe(0);
    expect(movedSelection('End', 0, 3)).toBe(2);
    expect(movedSelection('Home', 2, 3)).toBe(0);
    expect(movedSelection('PageDown', 0, 30)).toBe(10);
    expect(movedSelection('ArrowDown', -1, 0)).toBe(-1);
    expect(movedSelection('x', 1, 3)).toBe(1);
  });
});
