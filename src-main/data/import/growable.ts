type TypedArray = Int32Array | Float32Array | Float64Array;
type TypedArrayOf<T extends TypedArray> = T extends Int32Array ? Int32Array : T extends Float32Array ? Float32Array : Float64Array;

/**
 * An append-only typed array that grows by 1.5× (not 2×: at 25M rows the copy briefly holds old +
 * new, and 2.5× the final size would break the 1 GB budget). Start it at a good estimate of the
 * final length and it never copies at all.
 */
export class Growable<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly make: (n: number) => T,
    initialCapacity: number,
  ) {
    this.data = make(Math.max(16, Math.ceil(initialCapacity)));
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }

  /** Overwrites the value at index i < length. */
  set(i: number, v: number): void {
    this.data[i] = v;
  }

  /** Drops the last value (a row found bad after its first fields were pushed). */
  pop(): void {
    this.length--;
  }

  /**
   * The values as an array of exactly `length` elements. A copy only when more than 1/16 of the
   * buffer would be wasted: a small tail is cheaper to keep than to copy 100 MB.
   */
  finish(): TypedArrayOf<T> {
    const exact = this.data.length - this.length <= this.data.length / 16;
    return (exact ? this.data.subarray(0, this.length) : this.data.slice(0, this.length)) as TypedArrayOf<T>;
  }

  private grow(): void {
    const next = this.make(Math.ceil(this.data.length * 1.5) + 16);
    next.set(this.data);
    this.data = next;
  }
}

export const growableInt32 = (n: number) => new Growable((k) => new Int32Array(k), n);
export const growableFloat32 = (n: number) => new Growable((k) => new Float32Array(k), n);
export const growableFloat64 = (n: number) => new Growable((k) => new Float64Array(k), n);
