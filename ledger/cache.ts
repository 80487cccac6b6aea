/**
 * A bounded LRU of committed state values as stored text (null = known absent).
 * Text, not objects, so a caller that mutates what it read cannot corrupt the cache.
 */
export class StateCache {
  private readonly map = new Map<string, string | null>();
  constructor(private readonly capacity: number) {}

  get(key: string): string | null | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: string | null): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }
}
