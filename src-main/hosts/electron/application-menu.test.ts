import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate, type MenuActions } from './application-menu.ts';
import { FILE_ACTIONS, isFileActionAvailable } from './file-actions.ts';

function recordingActions() {
  const done: string[] = [];
  const actions: MenuActions = {
    pageItem: (c) => done.push(c.item === 'recent' ? `page:recent:${c.file.path}` : `page:${c.item}`),
    fileAction: (a) => done.push(`file:${a}`),
    serviceCommand: (c) => done.push(`command:${c}`),
  };
  return { actions, done };
}

const submenu = (template: MenuItemConstructorOptions[], label: string) =>
  template.find((m) => m.label === label)!.submenu as MenuItemConstructorOptions[];
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('application menu', () => {
  it('has File, Edit, View and Help on Linux and Windows (no macOS app menu)', () => {
    const template = applicationMenuTemplate(recordingActions().actions, 'linux', []);
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'help']);
    expect(applicationMenuTemplate(recordingActions().actions, 'darwin', [])[0]!.role).toBe('appMenu');
  });

  it("File items that may replace the sheet run in the page, which asks 'Save changes?' (issue 16 item 2)", () => {
    const { actions, done } = recordingActions();
    const file = submenu(applicationMenuTemplate(actions, 'linux', []), 'File');
    const labelled = file.filter((i) => i.label && i.label !== 'Open recent');
    expect(labelled.map((i) => i.label)).toEqual([
      'New sheet', 'Open demo sheet', 'Import ratings…', 'New synthetic dataset…', 'Open project…',
      'Save project', 'Save project as…', 'Export to folder…', 'Export .xlsx…',
    ]);
    labelled.forEach(click);
    expect(done).toEqual([
      'page:new', 'page:demo', 'page:import', 'page:synthetic', 'page:open',
      'page:save', 'page:save-as', 'file:export', 'page:export-xlsx',
    ]);
    // Export to folder runs its native dialog here, greyed out where the service lacks the command.
    expect(labelled.find((i) => i.label === 'Export to folder…')!.enabled).toBe(isFileActionAvailable(FILE_ACTIONS.export));
    // The page handles Ctrl+S itself; a registered accelerator would take the key from it.
    expect(labelled.filter((i) => i.registerAccelerator === false).map((i) => i.label)).toEqual(['Save project', 'Save project as…']);
    expect(file.at(-1)!.role).toBe('quit');
  });

  it('Open recent lists the service\'s files; a gone one is greyed out; the page opens the one chosen', () => {
    const { actions, done } = recordingActions();
    const recent = [
      { path: '/home/me/work.collabsheet', kind: 'project' as const, found: true },
      { path: '/home/me/old/u.data', kind: 'opened' as const, found: false },
    ];
    const items = submenu(applicationMenuTemplate(actions, 'linux', recent), 'File').find((i) => i.label === 'Open recent')!.submenu as MenuItemConstructorOptions[];
    expect(items.map((i) => [i.label, i.enabled])).toEqual([
      ['work.collabsheet — /home/me/work.collabsheet', true],
      ['u.data — /home/me/old/u.data', false],
    ]);
    click(items[0]!);
    expect(done).toEqual(['page:recent:/home/me/work.collabsheet']);
    const none = submenu(applicationMenuTemplate(actions, 'linux', []), 'File').find((i) => i.label === 'Open recent')!.submenu as MenuItemConstructorOptions[];
    expect(none.map((i) => [i.label, i.enabled])).toEqual([['Nothing yet', false]]);
  });

  it("Undo and Redo run the service's history and leave the keys to the page", () => {
    const { actions, done } = recordingActions();
    const edit = submenu(applicationMenuTemplate(actions, 'linux', []), 'Edit');
    const [undo, redo] = edit;
    click(undo!);
    click(redo!);
    expect(done).toEqual(['command:undo', 'command:redo']);
    expect([undo!.registerAccelerator, redo!.registerAccelerator]).toEqual([false, false]);
    expect(edit.map((i) => i.role).filter(Boolean)).toEqual(['cut', 'copy', 'paste', 'selectAll']);
  });

  it('View offers reload, devtools and zoom', () => {
    const view = submenu(applicationMenuTemplate(recordingActions().actions, 'linux', []), 'View');
    expect(view.map((i) => i.role).filter(Boolean)).toEqual(['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });
});
