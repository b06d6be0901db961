#!/usr/bin/env node
// `npm start` runs this after the build. The logic is TypeScript (scripts/start/), type-checked
// and unit-tested with the rest; tsx — already a dependency for the CLI — runs it here.
import { tsImport } from 'tsx/esm/api';

const { nodeVersionNote } = await tsImport('./start/node-version.ts', import.meta.url);
const note = nodeVersionNote(process.versions.node);
if (note) console.log(note);
const { startApp } = await tsImport('./start/start-app.ts', import.meta.url);
process.exitCode = await startApp(process.argv.slice(2));
