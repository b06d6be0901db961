/**
 * An in-memory stand-in for the parts of `electron` the host uses, recording what the host did.
 * Tests never import 'electron' for real: that would try to download its binary.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, HeadersReceivedResponse, MenuItemConstructorOptions } from 'electron';
import type { ElectronApi, HostWindow } from '../desktop-host.ts';
import type { InvokeEventLike } from '../service-bridge.ts';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke from a frame at `url` would get. */
  invoke(channel: string, sender: InvokeEventLike['senderFrame'], ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: sender }, ...args);
  }
}

export const topFrame = (url: string) => ({ url, parent: null });

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; message: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a cancellable event the way Electron does; returns whether it was prevented. */
  fire(event: string, url?: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

export class FakeWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  destroyed = false;
  focused = false;
  minimized = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  show(): void {
    this.shown = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  focus(): void {
    this.focused = true;
  }
}

export class FakeApp extends EventEmitter {
  readonly log: string[] = [];
  hasLock = true;
  quitCalls = 0;
  exitCode: number | null = null;
  aboutOptions: unknown = null;
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  quit(): void {
    this.quitCalls++;
    // Electron emits will-quit on quit; a listener may hold it with preventDefault.
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.log.push('quit');
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  async whenReady(): Promise<void> {
    this.log.push('ready');
  }
  setAboutPanelOptions(options: unknown): void {
    this.aboutOptions = options;
  }
  getPath(name: 'documents'): string {
    return name === 'documents' ? '/home/fake/Documents' : '/home/fake';
  }

  getVersion(): string {
    return '0.1.0-test';
  }
}

export interface FakeElectron {
  api: ElectronApi;
  app: FakeApp;
  ipcMain: FakeIpcMain;
  windows: FakeWindow[];
  menuTemplate: () => MenuItemConstructorOptions[] | null;
  errorBoxes: { title: string; content: string }[];
  /** The dialog answers: a path, or null for Cancel. */
  dialogAnswers: { open: string | null; save: string | null };
  /** Runs the session's header hook on a response, as Chromium would. */
  responseHeaders: (url: string, headers: Record<string, string[]>) => HeadersReceivedResponse;
  permissionRequest: (permission: string) => boolean;
  permissionCheck: (permission: string) => boolean;
}

export function createFakeElectron(): FakeElectron {
  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const windows: FakeWindow[] = [];
  const errorBoxes: { title: string; content: string }[] = [];
  const dialogAnswers = { open: null as string | null, save: null as string | null };
  let menuTemplate: MenuItemConstructorOptions[] | null = null;
  let headersHook: ((details: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: HeadersReceivedResponse) => void) => void) | null = null;
  let requestHandler: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | null = null;
  let checkHandler: ((c: unknown, p: string) => boolean) | null = null;

  class BrowserWindow extends FakeWindow {
    constructor(options: BrowserWindowConstructorOptions) {
      super(options);
      app.log.push('window');
      windows.push(this);
      // Electron announces every new web contents on the app.
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getAllWindows() {
      return windows.filter((w) => !w.destroyed);
    }
    static getFocusedWindow() {
      return null;
    }
  }

  const api = {
    app,
    BrowserWindow,
    ipcMain,
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }),
      setApplicationMenu: (menu: { template: MenuItemConstructorOptions[] } | null) => {
        app.log.push('menu');
        menuTemplate = menu?.template ?? null;
      },
    },
    dialog: {
      showOpenDialog: async () => ({ canceled: dialogAnswers.open === null, filePaths: dialogAnswers.open ? [dialogAnswers.open] : [] }),
      showSaveDialog: async () => ({ canceled: dialogAnswers.save === null, filePath: dialogAnswers.save ?? '' }),
      showErrorBox: (title: string, content: string) => errorBoxes.push({ title, content }),
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (hook: typeof headersHook) => {
            app.log.push('csp');
            headersHook = hook;
          },
        },
        setPermissionRequestHandler: (h: typeof requestHandler) => {
          app.log.push('permissions');
          requestHandler = h;
        },
        setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
      },
    },
  } as unknown as ElectronApi;

  return {
    api,
    app,
    ipcMain,
    windows,
    menuTemplate: () => menuTemplate,
    errorBoxes,
    dialogAnswers,
    responseHeaders(url, headers) {
      let response: HeadersReceivedResponse | null = null;
      headersHook!({ url, responseHeaders: headers }, (r) => (response = r));
      return response!;
    },
    permissionRequest(permission) {
      let granted: boolean | null = null;
      requestHandler!({}, permission, (g) => (granted = g));
      return granted!;
    },
    permissionCheck: (permission) => checkHandler!({}, permission),
  };
}

export type { HostWindow };
