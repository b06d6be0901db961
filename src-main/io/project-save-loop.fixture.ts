/**
 * Test helper run as a child process by project.test.ts: saves generation 1, 2, 3… of a project
 * to argv[2] forever, printing "saving <g>" as each save starts and "saved <g>" when it returns,
 * until it is killed.
 */
import { saveProject, type CollabProject } from './project.ts';

const path = process.argv[2];
const size = Number(process.argv[3] ?? 2_000_000);
for (let generation = 1; ; generation++) {
  const project: CollabProject = {
    name: `generation ${generation}`,
    source: { kind: 'file', path: '/data/ratings.csv', bytes: 1, mtimeMs: 1, importOptions: {} },
    config: null,
    model: { params: { user_factors: { shape: [size / 4, 4], data: new Float32Array(size).fill(generation) } }, optimizer: null },
    history: [],
  };
  process.stdout.write(`saving ${generation}\n`);
  await saveProject(path, project, { overwrite: true });
  process.stdout.write(`saved ${generation}\n`);
}
