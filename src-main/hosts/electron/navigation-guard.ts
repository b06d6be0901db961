import type { HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { isRendererUrl, type RendererLocation } from './renderer-location.ts';

/** The part of WebContents the guard needs. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
}

export interface ContentsSource {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
}

/**
 * Every web contents the app creates stays on our renderer: navigation anywhere else is
 * cancelled, window.open and target=_blank are denied, and <webview> cannot be attached. A
 * sheet app has no reason to show any other page, so there is no allow-list beyond our own.
 */
export function guardNavigation(app: ContentsSource, renderer: RendererLocation): void {
  app.on('web-contents-created', (_event, contents) => {
    const stayOnRenderer = (event: { preventDefault(): void; url: string }): void => {
      if (!isRendererUrl(renderer, event.url)) event.preventDefault();
    };
    contents.on('will-navigate', stayOnRenderer);
    contents.on('will-redirect', stayOnRenderer);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
