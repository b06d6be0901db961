/**
 * electron-builder cannot run here (it downloads Electron), so this checks what can be checked
 * offline: the config loads and passes electron-builder's own JSON schema, and it says what the
 * app needs. app-builder-lib is electron-builder's engine (always installed with it, same
 * version); its config module is the one `electron-builder` itself runs.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface BuilderConfig {
  appId: string;
  productName: string;
  /** getConfig normalises `files` to file sets: [{ filter: [...] }]. */
  files: { filter: string[] }[];
  asarUnpack: string[];
  linux: { target: string[]; category: string };
  deb: { maintainer: string };
  mac: { target: string };
  win: { target: string };
}

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const load = () => getConfig(process.cwd(), 'electron-builder.yml', null);

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema (and the schema does reject a wrong key)", async () => {
    await expect(validateConfiguration(await load(), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ linux: { bogus: 1 } }, new DebugLogger(false))).rejects.toThrow(/does not match the API schema/);
  });

  it('packs the built app and keeps onnxruntime-node out of the asar', async () => {
    const config = await load();
    expect(config.productName).toBe('CollabSheet');
    expect(config.files.flatMap((set) => set.filter)).toEqual(expect.arrayContaining(['out/**', 'resources/**']));
    expect(config.asarUnpack).toContain('node_modules/onnxruntime-node/**');
  });

  it('declares Linux AppImage and deb, macOS dmg and Windows nsis', async () => {
    const config = await load();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.deb.maintainer).toMatch(/<.+@.+>/);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
  });
});
