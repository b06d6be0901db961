export interface LifecycleApp {
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Quit when the last window closes (except on macOS, where apps stay in the dock and the dock
 * icon reopens a window), and dispose the service — the training worker and its ONNX sessions —
 * before the process exits. will-quit is held once while the async dispose runs, then quit
 * resumes.
 */
export function manageLifecycle(options: {
  app: LifecycleApp;
  platform: NodeJS.Platform;
  openWindowCount: () => number;
  reopenWindow: () => void;
  dispose: () => Promise<void>;
  reportError: (error: unknown) => void;
}): void {
  const { app, platform } = options;
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (options.openWindowCount() === 0) options.reopenWindow();
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    options
      .dispose()
      .catch(options.reportError)
      .finally(() => {
        disposed = true;
        app.quit();
      });
  });
}
