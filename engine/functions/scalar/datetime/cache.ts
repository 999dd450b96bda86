/** ksqlDB's Guava caches hold up to 1000 formatters per function. */
const CACHE_ENTRIES_MAX = 1000;

/** Keeps at most `capacity` entries, dropping the oldest inserted first. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number = CACHE_ENTRIES_MAX) {}

  get(key: string, create: (key: string) => V): V {
    const existing = this.entries.get(key);
    if (existing !== undefined) return existing;
    const value = create(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    return value;
  }
}
