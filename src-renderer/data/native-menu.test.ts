import { describe, expect, it } from 'vitest';
import { parseMenuCommand } from './native-menu.ts';

describe('native menu messages', () => {
  it('passes the page items and an Open recent entry', () => {
    expect(parseMenuCommand({ item: 'new' })).toEqual({ item: 'new' });
    expect(parseMenuCommand({ item: 'save-as' })).toEqual({ item: 'save-as' });
    const file = { path: '/home/me/a.collabsheet', kind: 'project', found: true };
    expect(parseMenuCommand({ item: 'recent', file })).toEqual({ item: 'recent', file });
  });

  it('refuses anything else, saying what was wrong', () => {
    expect(parseMenuCommand('new')).toMatch(/must be an object, not "new"/);
    expect(parseMenuCommand({ item: 'format-disk' })).toMatch(/unknown File item "format-disk" \(known: new, demo, .*recent\)/);
    expect(parseMenuCommand({ item: 'recent' })).toMatch(/Open recent sent no usable file/);
    expect(parseMenuCommand({ item: 'recent', file: { path: '/a', kind: 'zip', found: true } })).toMatch(/a kind \(project, opened, import\)/);
    expect(parseMenuCommand({ item: 'recent', file: { path: '', kind: 'project', found: true } })).toMatch(/no usable file/);
  });
});
