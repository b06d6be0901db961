import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate, type MenuActions } from './application-menu.ts';
import { FILE_ACTIONS, isFileActionAvailable } from './file-actions.ts';

function recordingActions() {
  const done: string[] = [];
  const actions: MenuActions = {
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
    const template = applicationMenuTemplate(recordingActions().actions, 'linux');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'help']);
    expect(applicationMenuTemplate(recordingActions().actions, 'darwin')[0]!.role).toBe('appMenu');
  });

  it('File items run the matching file action, enabled only where the service has the command', () => {
    const { actions, done } = recordingActions();
    const file = submenu(applicationMenuTemplate(actions, 'linux'), 'File');
    const labelled = file.filter((i) => i.label);
    const inMenu = Object.values(FILE_ACTIONS).filter((s) => s.inMenu);
    expect(labelled.map((i) => i.label)).toEqual(inMenu.map((s) => s.label));
    labelled.forEach(click);
    expect(done).toEqual(['file:open-ratings', 'file:open-project', 'file:save-project', 'file:export', 'file:export-xlsx']);
    expect(labelled.map((i) => i.enabled)).toEqual(inMenu.map(isFileActionAvailable));
    expect(file.at(-1)!.role).toBe('quit');
  });

  it("Undo and Redo run the service's history and leave the keys to the page", () => {
    const { actions, done } = recordingActions();
    const edit = submenu(applicationMenuTemplate(actions, 'linux'), 'Edit');
    const [undo, redo] = edit;
    click(undo!);
    click(redo!);
    expect(done).toEqual(['command:undo', 'command:redo']);
    expect([undo!.registerAccelerator, redo!.registerAccelerator]).toEqual([false, false]);
    expect(edit.map((i) => i.role).filter(Boolean)).toEqual(['cut', 'copy', 'paste', 'selectAll']);
  });

  it('View offers reload, devtools and zoom', () => {
    const view = submenu(applicationMenuTemplate(recordingActions().actions, 'linux'), 'View');
    expect(view.map((i) => i.role).filter(Boolean)).toEqual(['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });
});
