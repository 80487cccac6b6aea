/**
 * A bounded cache: the ledger keeps committed state values in one, as stored text
 * (null = known absent; text, not objects, so a caller that mutates what it read
 * cannot corrupt the cache), and upper-level Merkle tree records in another.
 *
 * Two generations instead of a strict LRU: a hit in the young map costs one Map
 * read; a hit in the old map promotes the value; when the young map reaches half
 * the capacity it becomes the old one and the previous old one is dropped. (A
 * strict LRU that deletes and re-inserts on every hit degrades badly on large
 * V8 Maps: tens of microseconds per hit at 50,000 keys.) Writes go to the young
 * map, which shadows any stale copy in the old one until that one is dropped.
 */
export class BoundedCache<V extends NonNullable<unknown> | null> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly half: number;

  constructor(capacity: number) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
