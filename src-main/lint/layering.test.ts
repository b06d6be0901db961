/**
 * The import layering in eslint.config.js bites where it should and lets through what it should.
 * Each case lints a snippet as if it lived at a given path. A case that expects an import to pass
 * also carries a line that must fail at that path, so that it cannot pass by the file being
 * ignored or the rule being off.
 */
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function lint(filePath: string, lines: readonly string[]): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(`${lines.join('\n')}\n`, { filePath });
  return result!.messages;
}

/** Exactly these lines (1-based) are reported, each by no-restricted-imports. */
function expectRestricted(messages: Linter.LintMessage[], lines: readonly number[]): void {
  expect(messages.map((m) => ({ ruleId: m.ruleId, line: m.line, fatal: m.fatal ?? false }))).toEqual(
    lines.map((line) => ({ ruleId: 'no-restricted-imports', line, fatal: false })),
  );
}

// Forbidden everywhere but src-main/engine/runtime/: the canary for paths where something else is allowed.
const ORT_CANARY = "import ort from 'onnxruntime-node';";

describe('rule 1: the renderer takes only types from src-main', () => {
  const file = 'src-renderer/panels/example.ts';

  it('fails a value import and passes type-only ones', async () => {
    const messages = await lint(file, [
      "import type { AppState } from '../../src-main/service/contract.ts';",
      "import { type UserMessage, type RowRef } from '../../src-main/service/contract.ts';",
      "import { COLD_START_LIST } from '../../src-main/service/insight-contract.ts';",
      "import type { OptimizerKind } from '../../src-main/engine/types.ts';",
    ]);
    expectRestricted(messages, [3]);
    expect(messages[0]!.message).toContain('The renderer takes only types from src-main');
  });

  it('fails a mixed import, a side-effect import and a value re-export', async () => {
    const messages = await lint(file, [
      "import { type AppState, createService } from '../../src-main/service/service.ts';",
      "import '../../src-main/engine/index.ts';",
      "export { trainConfigSchema } from '../../src-main/service/contract.ts';",
      "export type { AppState } from '../../src-main/service/contract.ts';",
    ]);
    expectRestricted(messages, [1, 2, 3]);
  });
});

describe('rule 2: electron only in src-main/hosts/electron/', () => {
  it('fails in the service, the engine (subpath too) and the renderer, type-only included', async () => {
    expectRestricted(await lint('src-main/service/example.ts', ["import { app } from 'electron';"]), [1]);
    expectRestricted(await lint('src-main/service/example.ts', ["import type { Menu } from 'electron';"]), [1]);
    expectRestricted(await lint('src-main/engine/train/example.ts', ["import { app } from 'electron/main';"]), [1]);
    expectRestricted(await lint('src-main/hosts/web/example.ts', ["import { app } from 'electron';"]), [1]);
    expectRestricted(await lint('src-renderer/example.ts', ["import { ipcRenderer } from 'electron';"]), [1]);
  });

  it('passes in src-main/hosts/electron/', async () => {
    const messages = await lint('src-main/hosts/electron/example.ts', [
      "import { app, BrowserWindow } from 'electron';",
      "import { contextBridge } from 'electron/renderer';",
      ORT_CANARY,
    ]);
    expectRestricted(messages, [3]);
    expect(messages[0]!.message).toContain('onnxruntime-node is loaded only in src-main/engine/runtime/');
  });
});

describe('rule 3: ws and node:http(s) only in src-main/hosts/web/', () => {
  const imports = [
    "import { WebSocketServer } from 'ws';",
    "import { createServer } from 'node:http';",
    "import http from 'http';",
    "import { request } from 'node:https';",
    "import https from 'https';",
  ];

  it('fails outside the web host', async () => {
    expectRestricted(await lint('src-main/service/example.ts', imports), [1, 2, 3, 4, 5]);
    expectRestricted(await lint('src-main/hosts/electron/example.ts', imports), [1, 2, 3, 4, 5]);
    expectRestricted(await lint('src-main/engine/example.ts', imports), [1, 2, 3, 4, 5]);
    expectRestricted(await lint('src-renderer/api/example.ts', imports), [1, 2, 3, 4, 5]);
  });

  it('passes in src-main/hosts/web/, and does not catch look-alike names', async () => {
    expectRestricted(await lint('src-main/hosts/web/example.ts', [...imports, ORT_CANARY]), [6]);
    expectRestricted(
      await lint('src-main/service/example.ts', ["import { x } from 'wsx';", "import { y } from 'node:http2';", ORT_CANARY]),
      [3],
    );
  });
});

describe('rule 4: onnxruntime-node only in src-main/engine/runtime/', () => {
  it('fails elsewhere, subpaths included', async () => {
    expectRestricted(await lint('src-main/service/example.ts', [ORT_CANARY]), [1]);
    expectRestricted(await lint('src-main/engine/train/example.ts', ["import { binding } from 'onnxruntime-node/dist/binding.js';"]), [1]);
    expectRestricted(await lint('src-main/engine/graph/example.ts', [ORT_CANARY]), [1]);
  });

  it('passes in src-main/engine/runtime/', async () => {
    const messages = await lint('src-main/engine/runtime/example.ts', [
      ORT_CANARY,
      "import { binding, initOrt } from 'onnxruntime-node/dist/binding.js';",
      "import onnxProto from 'onnx-proto';",
    ]);
    expectRestricted(messages, [3]);
  });
});

describe('rule 5: onnx-proto and protobufjs only in the serializer folder src-main/engine/graph/', () => {
  it('fails elsewhere', async () => {
    expectRestricted(await lint('src-main/engine/train/example.ts', ["import onnxProto from 'onnx-proto';"]), [1]);
    expectRestricted(await lint('src-main/io/export/example.ts', ["import protobuf from 'protobufjs/minimal.js';"]), [1]);
  });

  it('passes in src-main/engine/graph/', async () => {
    expectRestricted(await lint('src-main/engine/graph/example.ts', ["import onnxProto from 'onnx-proto';", ORT_CANARY]), [2]);
  });
});

describe('rule 6: imports go downward only', () => {
  it('fails the engine importing the service or a host, in every engine zone', async () => {
    for (const file of ['src-main/engine/train/example.ts', 'src-main/engine/runtime/example.ts', 'src-main/engine/graph/example.ts']) {
      const messages = await lint(file, [
        "import { createService } from '../../service/service.ts';",
        "import type { AppState } from '../../service/contract.ts';",
        "import { demoSheetPath } from '../../hosts/common/resources.ts';",
        "import { fit } from '../optim/index.ts';",
      ]);
      expectRestricted(messages, [1, 2, 3]);
      expect(messages[0]!.message).toContain('src-main/engine is the bottom layer');
    }
  });

  it('fails the service importing a host, passes it importing the engine, data and io', async () => {
    const messages = await lint('src-main/service/example.ts', [
      "import { startWebHost } from '../hosts/web/web-host.ts';",
      "import { demoSheetPath } from '../hosts/common/resources.ts';",
      "import { Trainer } from '../engine/train/trainer.ts';",
      "import { readXlsx } from '../io/xlsx.ts';",
      "import { synthetic } from '../data/synthetic.ts';",
    ]);
    expectRestricted(messages, [1, 2]);
    expect(messages[0]!.message).toContain('The service must not import from hosts/');
  });

  it('fails data and io importing the service or a host', async () => {
    expectRestricted(
      await lint('src-main/data/import/example.ts', ["import type { AppState } from '../../service/contract.ts';", "import { x } from '../../hosts/common/resources.ts';"]),
      [1, 2],
    );
    expectRestricted(
      await lint('src-main/io/example.ts', ["import { x } from '../service/sheet-file.ts';", "import { y } from '../hosts/common/resources.ts';", "import { z } from '../engine/index.ts';"]),
      [1, 2],
    );
  });

  it('passes the hosts importing the service', async () => {
    expectRestricted(
      await lint('src-main/hosts/common/example.ts', ["import { createService } from '../../service/service.ts';", ORT_CANARY]),
      [2],
    );
  });
});

describe('the repository', () => {
  it('has no layering violations in src-main and src-renderer', async () => {
    const results = await new ESLint({ cwd: root }).lintFiles(['src-main', 'src-renderer']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
    // Not vacuous: the whole tree was linted, and the renderer's src-main imports among it.
    expect(results.length).toBeGreaterThan(200);
    expect(results.some((r) => r.filePath.endsWith('src-renderer/app.ts'))).toBe(true);
  }, 60_000);
});
