/**
 * Stop and Cancel as one shared Int32: the main thread raises it the moment the command arrives
 * (a worker deep in an epoch or an import polls the flag between batches; it would read its
 * message queue only later), and the worker clears it when the next run or import starts.
 */
export class StopFlag {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  get raised(): boolean {
    return Atomics.load(this.cell, 0) === 1;
  }

  raise(): void {
    Atomics.store(this.cell, 0, 1);
  }

  clear(): void {
    Atomics.store(this.cell, 0, 0);
  }
}
