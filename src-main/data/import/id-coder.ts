/**
 * Maps the ids a file uses (any text) to dense codes 0..n-1 in order of first appearance, and
 * back. Canonical integer ids — nearly every real ratings file — take a numeric path: a direct
 * table while ids are small (MovieLens: < 300k), a Map<number> beyond; other ids key a
 * Map<string>. The two paths never disagree because only the canonical spelling of an integer
 * takes the numeric one (see parseCanonicalId).
 */
const DENSE_LIMIT = 1 << 24; // a 64 MB table at most; larger integer ids go to the Map.

export class IdCoder {
  /** code + 1 per small integer id; 0 = not seen. */
  private dense = new Int32Array(1024);
  private readonly sparse = new Map<number, number>();
  private readonly byText = new Map<string, number>();
  /** The id of each code, as first seen. */
  private readonly idOf: (number | string)[] = [];

  get size(): number {
    return this.idOf.length;
  }

  codeOfInteger(id: number): number {
    if (id < DENSE_LIMIT) {
      if (id >= this.dense.length) this.growDense(id);
      const c = this.dense[id];
      if (c !== 0) return c - 1;
      this.dense[id] = this.idOf.length + 1;
    } else {
      const c = this.sparse.get(id);
      if (c !== undefined) return c;
      this.sparse.set(id, this.idOf.length);
    }
    this.idOf.push(id);
    return this.idOf.length - 1;
  }

  /**
   * codeOfInteger of ids[0, rows) into out[at, at + rows): the importer's hot loop, kept here
   * with the table in a local so it compiles to a plain indexed load per id.
   */
  codeIntegers(ids: Int32Array, rows: number, out: Int32Array, at: number): void {
    let dense = this.dense;
    for (let r = 0; r < rows; r++) {
      const id = ids[r];
      const c = id < dense.length ? dense[id] : 0;
      if (c !== 0) out[at + r] = c - 1;
      else {
        out[at + r] = this.codeOfInteger(id);
        dense = this.dense;
      }
    }
  }

  /**
   * Code of a non-integer id. `key` is the id's UTF-8 bytes read as latin-1 (one char per byte:
   * the cheapest string a Buffer gives); `display` decodes it properly, only for a new id.
   */
  codeOfText(key: string, display: () => string): number {
    const c = this.byText.get(key);
    if (c !== undefined) return c;
    this.byText.set(key, this.idOf.length);
    this.idOf.push(display());
    return this.idOf.length - 1;
  }

  ids(): string[] {
    return this.idOf.map(String);
  }

  private growDense(id: number): void {
    let n = this.dense.length;
    while (n <= id) n *= 2;
    const next = new Int32Array(Math.min(n, DENSE_LIMIT));
    next.set(this.dense);
    this.dense = next;
  }
}
