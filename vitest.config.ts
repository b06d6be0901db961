import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Two cores: one test file at a time keeps ONNX Runtime timings and thread counts honest.
    fileParallelism: false,
    testTimeout: 60_000,
    // Starting a service worker (tsx + ONNX Runtime) takes seconds on a busy 2-core machine: beforeAll hooks get the tests' time, not vitest's 10 s.
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
