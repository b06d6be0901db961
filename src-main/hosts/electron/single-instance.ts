export interface InstanceLockApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

/**
 * One CollabSheet per user: a second launch quits and brings the first one's window forward.
 * Two instances would each start a training worker on a two-core machine and fight over it.
 * Returns false when this process is the second instance and is quitting.
 */
export function claimSingleInstance(app: InstanceLockApp, mainWindow: () => FocusableWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const window = mainWindow();
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  return true;
}
