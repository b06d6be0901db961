/**
 * The preload: runs sandboxed, before the renderer, and exposes exactly one object,
 * `window.collabsheetBridge` (see channels.ts for its type). Built as CommonJS
 * (out/preload/index.cjs) because a sandboxed preload cannot be an ES module.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';
import { BRIDGE_GLOBAL } from './channels.ts';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer));
