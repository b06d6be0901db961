/**
 * The Electron main process as a composition root: small one-job modules enabled in order.
 * Everything Electron is injected (main.ts hands in the real module, tests a fake), so the order
 * and the wiring are tested without an Electron binary.
 */
import type { BaseWindow, BrowserWindowConstructorOptions, Dialog, Menu, MenuItemConstructorOptions } from 'electron';
import type { ServiceRoot } from '../common/service-root.ts';
import { applicationMenuTemplate, type MenuActions } from './application-menu.ts';
import { FILE_ACTION_CHANNEL, MENU_CHANNEL, type FileActionName, type MenuCommand } from './channels.ts';
import { installContentSecurityPolicy, type HeaderHooks } from './content-security-policy.ts';
import { FILE_ACTIONS, fileActionArgsSchema, fileActionNameSchema, runFileAction, type ServiceCaller } from './file-actions.ts';
import { manageLifecycle, type LifecycleApp } from './lifecycle.ts';
import { openMainWindow, type LoadableWindow } from './main-window.ts';
import { electronFileDialogs } from './native-dialogs.ts';
import { guardNavigation, type ContentsSource } from './navigation-guard.ts';
import { denyAllPermissions, type PermissionHooks } from './permissions.ts';
import { keepRecentMenu } from './recent-menu.ts';
import type { RendererLocation } from './renderer-location.ts';
import { connectServiceBridge, trustedOnly, type EventTarget, type IpcMainLike } from './service-bridge.ts';
import { claimSingleInstance, type FocusableWindow, type InstanceLockApp } from './single-instance.ts';

/** Where the native menu's page items go (MENU_CHANNEL). */
interface MenuTarget {
  readonly webContents: { send(channel: typeof MENU_CHANNEL, command: MenuCommand): void };
}

export type HostWindow = LoadableWindow & FocusableWindow & EventTarget & MenuTarget & BaseWindow;

/** The slice of the `electron` module the host uses. */
export interface ElectronApi {
  app: InstanceLockApp &
    LifecycleApp &
    ContentsSource & {
      whenReady(): Promise<void>;
      exit(code: number): void;
      setAboutPanelOptions(options: { applicationName: string; applicationVersion: string; copyright?: string }): void;
      getVersion(): string;
      getPath(name: 'documents'): string;
    };
  BrowserWindow: {
    new (options: BrowserWindowConstructorOptions): HostWindow;
    getAllWindows(): HostWindow[];
    getFocusedWindow(): HostWindow | null;
  };
  ipcMain: IpcMainLike;
  Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    setApplicationMenu(menu: Menu | null): void;
  };
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showErrorBox'>;
  session: { defaultSession: PermissionHooks & { webRequest: HeaderHooks } };
}

export interface DesktopHostOptions {
  renderer: RendererLocation;
  preloadPath: string;
  platform: NodeJS.Platform;
  createServiceRoot(): Promise<ServiceRoot>;
}

/** Starts the desktop app; resolves to false when another instance already runs (this one quits). */
export async function startDesktopHost(electron: ElectronApi, options: DesktopHostOptions): Promise<boolean> {
  const { app, BrowserWindow, ipcMain, Menu, dialog, session } = electron;
  const { renderer, platform } = options;
  let mainWindow: HostWindow | null = null;
  const currentWindow = () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null);

  if (!claimSingleInstance(app, currentWindow)) return false;

  // The service (and its training worker) starts while Electron initialises.
  const [root] = await Promise.all([options.createServiceRoot(), app.whenReady()]);
  let nextRequestId = 1;
  const callService: ServiceCaller = (command, args) => root.endpoint.handle({ id: nextRequestId++, command, args });

  installContentSecurityPolicy(session.defaultSession.webRequest, renderer);
  denyAllPermissions(session.defaultSession);
  guardNavigation(app, renderer);

  connectServiceBridge({ ipcMain, endpoint: root.endpoint, renderer, windows: () => BrowserWindow.getAllWindows() });
  const dialogs = electronFileDialogs(dialog, () => BrowserWindow.getFocusedWindow() ?? currentWindow());
  const fileAction = (action: FileActionName, args?: Record<string, unknown>) => runFileAction(FILE_ACTIONS[action], dialogs, callService, args, app.getPath('documents'));
  ipcMain.handle(
    FILE_ACTION_CHANNEL,
    trustedOnly(renderer, FILE_ACTION_CHANNEL, async (action: unknown, args?: unknown) => {
      const parsed = fileActionNameSchema.safeParse(action);
      if (!parsed.success) throw new Error(`${FILE_ACTION_CHANNEL}: unknown file action ${JSON.stringify(action)}`);
      const extra = fileActionArgsSchema.optional().safeParse(args);
      if (!extra.success) throw new Error(`${FILE_ACTION_CHANNEL}: the arguments of ${parsed.data} must be an object`);
      return fileAction(parsed.data, extra.data);
    }),
  );

  // Menu clicks have no caller to answer, so a failure is shown to the user in a dialog.
  const showFailure = (reply: { ok: boolean; error?: string } | null) => {
    if (reply && !reply.ok) dialog.showErrorBox('CollabSheet', reply.error ?? 'The command failed.');
  };
  const menuActions: MenuActions = {
    pageItem: (command) => currentWindow()?.webContents.send(MENU_CHANNEL, command),
    fileAction: (action) => void fileAction(action).then(showFailure),
    serviceCommand: (command) => void callService(command, {}).then(showFailure),
  };
  await keepRecentMenu(
    root.endpoint,
    callService,
    (recent) => Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(menuActions, platform, recent))),
    (message) => console.error(message),
  );
  app.setAboutPanelOptions({ applicationName: 'CollabSheet', applicationVersion: app.getVersion() });

  const openWindow = (): Promise<void> => {
    const opened = openMainWindow((o) => new BrowserWindow(o), options.preloadPath, renderer);
    mainWindow = opened.window;
    return opened.loaded;
  };
  manageLifecycle({
    app,
    platform,
    openWindowCount: () => BrowserWindow.getAllWindows().length,
    reopenWindow: () => void openWindow().catch((error) => console.error('CollabSheet: reopening the window failed:', error)),
    dispose: () => root.dispose(),
    reportError: (error) => console.error('CollabSheet: shutting down the service failed:', error),
  });
  await openWindow();
  return true;
}
