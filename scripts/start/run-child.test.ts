import { describe, expect, it } from 'vitest';
import { exitCodeOf, runChild } from './run-child.ts';

describe('running the host process', () => {
  it("returns the child's exit code", async () => {
    const exit = await runChild(process.execPath, ['-e', 'process.exit(3)'], process.env);
    expect(exit).toMatchObject({ code: 3, signal: null });
    expect(exitCodeOf(exit)).toBe(3);
  });

  it('forwards SIGTERM to the child and reports 128 + the signal number', async () => {
    const listenersBefore = process.listenerCount('SIGTERM');
    const running = runChild(process.execPath, ['-e', "console.log('up'); setInterval(() => {}, 1000)"], process.env);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Deliver to this process's listeners only (a real signal would also reach the test runner).
    process.emit('SIGTERM', 'SIGTERM');
    const exit = await running;
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(exitCodeOf(exit)).toBe(143);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });
});
