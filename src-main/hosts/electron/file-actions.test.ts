import { describe, expect, it } from 'vitest';
import { FILE_ACTIONS, fileActionNameSchema, runFileAction, type FileDialogs } from './file-actions.ts';
import { electronFileDialogs } from './native-dialogs.ts';

const ok = { id: 1, ok: true as const, value: 'done' };

function dialogs(answer: string | null) {
  const asked: { kind: string; title: string; defaultPath?: string }[] = [];
  const fake: FileDialogs = {
    chooseOpenPath: async (o) => (asked.push({ kind: 'open', title: o.title }), answer),
    chooseSavePath: async (o) => (asked.push({ kind: 'save', title: o.title, defaultPath: o.defaultPath }), answer),
    chooseFolder: async (o) => (asked.push({ kind: 'folder', title: o.title }), answer),
  };
  return { fake, asked };
}

describe('file actions', () => {
  it('asks for a path with the right dialog, then calls the command with { path }', async () => {
    const calls: unknown[] = [];
    const { fake, asked } = dialogs('/home/me/work.collabsheet');
    const reply = await runFileAction(FILE_ACTIONS['open-project'], fake, async (command, args) => (calls.push({ command, args }), ok));
    expect(reply).toBe(ok);
    expect(asked).toEqual([{ kind: 'open', title: FILE_ACTIONS['open-project'].title }]);
    expect(calls).toEqual([{ command: FILE_ACTIONS['open-project'].command, args: { path: '/home/me/work.collabsheet' } }]);
  });

  it('uses a save dialog with a default name for saving; the dialog asked about replacing, so overwrite: true', async () => {
    const calls: unknown[] = [];
    const { fake, asked } = dialogs('/tmp/a.collabsheet');
    await runFileAction(FILE_ACTIONS['save-project'], fake, async (command, args) => (calls.push({ command, args }), ok));
    expect(asked).toEqual([{ kind: 'save', title: FILE_ACTIONS['save-project'].title, defaultPath: 'sheet.collabsheet' }]);
    // issue 13 finding 8: only a save dialog's answer carries the yes; open and folder dialogs never do.
    expect(calls).toEqual([{ command: 'saveProject', args: { path: '/tmp/a.collabsheet', overwrite: true } }]);
  });

  it('starts a save dialog in the folder it is given (issue 16 item 6: the documents folder, not the data\'s)', async () => {
    const { fake, asked } = dialogs('/tmp/a.xlsx');
    await runFileAction(FILE_ACTIONS['export-xlsx'], fake, async () => ok, {}, '/home/me/Documents');
    expect(asked).toEqual([{ kind: 'save', title: FILE_ACTIONS['export-xlsx'].title, defaultPath: '/home/me/Documents/sheet.xlsx' }]);
  });

  it('exports into a chosen folder', async () => {
    const calls: unknown[] = [];
    const { fake, asked } = dialogs('/home/me/export');
    await runFileAction(FILE_ACTIONS.export, fake, async (command, args) => (calls.push({ command, args }), ok));
    expect(asked).toEqual([{ kind: 'folder', title: FILE_ACTIONS.export.title }]);
    expect(calls).toEqual([{ command: FILE_ACTIONS.export.command, args: { path: '/home/me/export' } }]);
  });

  it('passes the renderer\'s other arguments along; the chosen path wins', async () => {
    const calls: unknown[] = [];
    const { fake } = dialogs('/home/me/export');
    await runFileAction(FILE_ACTIONS.export, fake, async (command, args) => (calls.push({ command, args }), ok), { formats: ['npy'], path: '/elsewhere' });
    expect(calls).toEqual([{ command: 'exportEmbeddings', args: { formats: ['npy'], path: '/home/me/export' } }]);
  });

  it('does nothing when the user cancels', async () => {
    const calls: unknown[] = [];
    const reply = await runFileAction(FILE_ACTIONS.export, dialogs(null).fake, async (c) => (calls.push(c), ok));
    expect(reply).toBeNull();
    expect(calls).toEqual([]);
  });

  it('accepts only the known action names', () => {
    expect(fileActionNameSchema.safeParse('export').success).toBe(true);
    for (const bad of ['rm -rf', '', 7, null, { action: 'export' }]) expect(fileActionNameSchema.safeParse(bad).success).toBe(false);
  });
});

describe('native dialogs', () => {
  it('turns Electron dialog results into a path or null, asking for files or folders', async () => {
    const properties: unknown[] = [];
    const electronDialog = {
      showOpenDialog: async (o: { properties: string[] }) => (properties.push(o.properties), { canceled: false, filePaths: ['/a'] }),
      showSaveDialog: async (o: { properties: string[] }) => (properties.push(o.properties), { canceled: true, filePath: '' }),
    } as unknown as Parameters<typeof electronFileDialogs>[0];
    const d = electronFileDialogs(electronDialog, () => null);
    expect(await d.chooseOpenPath({ title: 't', filters: [] })).toBe('/a');
    expect(await d.chooseFolder({ title: 't' })).toBe('/a');
    expect(await d.chooseSavePath({ title: 't', filters: [] })).toBeNull();
    // The save dialog confirms replacing a file on Linux too (macOS and Windows always do).
    expect(properties).toEqual([['openFile'], ['openDirectory', 'createDirectory'], ['showOverwriteConfirmation', 'createDirectory']]);
  });
});
