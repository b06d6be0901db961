/**
 * ESLint here enforces one thing: the import layering (docs/architecture.md, "Layering"). It turns
 * on the core rule `no-restricted-imports` only, with no recommended rule set, so every finding is a
 * layering finding.
 *
 * Parser: @babel/eslint-parser with Babel's TypeScript syntax plugin, not typescript-eslint.
 * typescript-eslint 8 needs the JavaScript compiler API of TypeScript <6.1 (peer `typescript
 * >=4.8.4 <6.1.0`), and this repo compiles with TypeScript 7, which no longer ships that API; its
 * tsgo backend needs TypeScript 7.1. Babel parses TypeScript without the compiler, and the code
 * is written for single-file transpilers anyway (isolatedModules, verbatimModuleSyntax). Only the
 * syntax matters to this rule: `import type` and `import { type X }` reach it as `importKind`.
 * Once typescript-eslint supports TypeScript 7, swapping the parser is a one-line change.
 *
 * How the blocks are built: in flat config a later block that sets a rule replaces that rule's
 * options rather than merging them, so one file must get all of its restrictions from one block.
 * ZONES below are folders; each file belongs to exactly one zone (the longest folder that holds
 * it), and its block lists every restriction that applies there.
 */
import babelParser from '@babel/eslint-parser';

/** Folders, each a zone of its own; a file belongs to the longest one that holds it. */
const ZONES = [
  'src-renderer/',
  'src-main/',
  'src-main/engine/',
  'src-main/engine/graph/',
  'src-main/engine/runtime/',
  'src-main/service/',
  'src-main/data/',
  'src-main/io/',
  'src-main/hosts/',
  'src-main/hosts/electron/',
  'src-main/hosts/web/',
];

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A package name, or any path inside it (`electron/main`, `onnxruntime-node/dist/binding.js`). */
const pkg = (...names) => `^(?:${names.map(escapeRegex).join('|')})(?:/.*)?$`;

/**
 * A relative path that walks into a folder named one of `folders`, or any path through
 * src-main/<folder>. Relative paths are matched by folder name: from inside src-main/engine a
 * `service/` or `hosts/` folder is src-main's own (the engine has none of its own).
 */
const mainFolder = (...folders) => {
  const f = folders.join('|');
  return `^(?:\\.{1,2}/(?:[^/]+/)*|(?:.*/)?src-main/)(?:${f})(?:/|$)`;
};

/**
 * Each restriction: the import sources it forbids (a regex over the specifier as written), where it
 * applies (`in`, default all of src-main and src-renderer), where it is lifted (`except`), and why.
 */
const RESTRICTIONS = [
  {
    name: 'renderer-types-only',
    in: ['src-renderer/'],
    regex: '(?:^|/)src-main(?:/|$)',
    allowTypeImports: true,
    message:
      'The renderer takes only types from src-main: a value import bundles main-side code (zod, node) into the renderer. ' +
      'Use `import type { … }` (or make every specifier `type`).',
  },
  {
    name: 'electron',
    except: ['src-main/hosts/electron/'],
    regex: pkg('electron'),
    message:
      'electron is imported only in src-main/hosts/electron/: the engine, the service, the CLI and the web host run under plain Node, ' +
      'where electron is not there (and the renderer reaches the main process through the preload bridge).',
  },
  {
    name: 'network-server',
    except: ['src-main/hosts/web/'],
    regex: pkg('ws', 'node:http', 'http', 'node:https', 'https'),
    message:
      'ws and node:http(s) belong to the web host (src-main/hosts/web/): hosts own the transport, the service is reached through ' +
      'its endpoint, and the renderer talks WebSocket through the browser, not the ws package.',
  },
  {
    name: 'onnxruntime',
    except: ['src-main/engine/runtime/'],
    regex: pkg('onnxruntime-node'),
    message:
      'onnxruntime-node is loaded only in src-main/engine/runtime/: one module owns the native binding, its initialisation and ' +
      'thread settings; everything else runs graphs through the runtime session.',
  },
  {
    name: 'onnx-protobuf',
    except: ['src-main/engine/graph/'],
    regex: pkg('onnx-proto', 'protobufjs'),
    message:
      'onnx-proto (and its protobufjs) is used only by the ONNX serializer in src-main/engine/graph/: the rest of the code builds ' +
      'graphs with the graph API and never touches the protobuf encoding.',
  },
  {
    name: 'engine-downward',
    in: ['src-main/engine/'],
    regex: mainFolder('service', 'hosts'),
    message:
      'src-main/engine is the bottom layer: it must not import from service/ or hosts/ (they build on the engine, not the other way round).',
  },
  {
    name: 'service-downward',
    in: ['src-main/service/'],
    regex: mainFolder('hosts'),
    message:
      'The service must not import from hosts/: the hosts (Electron, web, CLI) wrap the service, and a service that reaches into one ' +
      'host cannot run under the others.',
  },
  {
    name: 'data-io-downward',
    in: ['src-main/data/', 'src-main/io/'],
    regex: mainFolder('service', 'hosts'),
    message:
      'src-main/data and src-main/io sit below the service and the hosts: they must not import from service/ or hosts/.',
  },
];


for (const r of RESTRICTIONS) {
  for (const folder of [...(r.in ?? []), ...(r.except ?? [])]) {
    if (!ZONES.includes(folder)) throw new Error(`eslint.config.js: ${r.name} names ${folder}, which is not in ZONES`);
  }
}

const zoneOf = (folder) => (r) =>
  (r.in ?? ['src-main/', 'src-renderer/']).some((f) => folder.startsWith(f)) &&
  !(r.except ?? []).some((f) => folder.startsWith(f));

const ruleFor = (restrictions) => [
  'error',
  {
    patterns: restrictions.map((r) => ({
      regex: r.regex,
      caseSensitive: true,
      message: r.message,
      ...(r.allowTypeImports ? { allowTypeImports: true } : {}),
    })),
  },
];

const zoneBlocks = ZONES.map((folder) => ({
  name: `layering/${folder}`,
  files: [`${folder}**/*.ts`],
  // Deeper zones have their own block.
  ignores: ZONES.filter((z) => z !== folder && z.startsWith(folder)).map((z) => `${z}**`),
  rules: { 'no-restricted-imports': ruleFor(RESTRICTIONS.filter(zoneOf(folder))) },
}));


/** Babel's TypeScript syntax only: no transform, no babel.config lookup. */
const typescriptSyntax = ({ dts }) => ({
  parser: babelParser,
  parserOptions: {
    requireConfigFile: false,
    babelOptions: { babelrc: false, configFile: false, plugins: [['@babel/plugin-syntax-typescript', { dts }]] },
  },
});

export default [
  {
    name: 'layering/ignores',
    // Only src-main/**/*.ts and src-renderer/**/*.ts are linted (the blocks below name no other
    // files); ESLint would otherwise also take every .js/.mjs/.cjs file by default. node_modules/
    // and .git/ are ignored by ESLint itself.
    ignores: [
      'out/',
      'dist/',
      'test-results/',
      'playwright-report/',
      'e2e/artifacts/',
      'bench/out/',
      '.tmp/',
      '.vitest/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    name: 'layering/parser',
    files: ['src-main/**/*.ts', 'src-renderer/**/*.ts'],
    ignores: ['**/*.d.ts'],
    languageOptions: typescriptSyntax({ dts: false }),
    // Only no-restricted-imports is on, so a disable comment for any other rule is expected, not stale.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    name: 'layering/parser-dts',
    files: ['src-main/**/*.d.ts', 'src-renderer/**/*.d.ts'],
    languageOptions: typescriptSyntax({ dts: true }),
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  ...zoneBlocks,
];
