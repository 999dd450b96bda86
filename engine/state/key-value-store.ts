/**
 * KeyValueStore: row key -> value (a table's rows, an aggregate's accumulators). Table key =
 * `encodeKey(key)`, changelog key = the same bytes. Reads and writes go through the object cache
 * (see store-base.ts): `put` keeps the object itself until the commit encodes it; `get` returns
 * the stored object — change it only to `put` it back.
 */
import { rowKey } from '../types/index.js';
import type { SqlType } from '../types/index.js';
import type { StateTable } from '../../storage/state/index.js';
import { decodeKey, encodeKey } from './key-codec.js';
import { ObjectCache, StoreBase, checkUsable } from './store-base.js';
import type { StoreContext } from './store-base.js';
import type { ValueCodec } from './value-codec.js';

export interface KeyValueEntry<V> {
  key: unknown[];
  value: V;
}

export interface KeyValueRange {
  /** Lower bound key (inclusive unless `fromExclusive`). */
  from?: readonly unknown[];
  to?: readonly unknown[];
  fromExclusive?: boolean;
  toExclusive?: boolean;
  reverse?: boolean;
  limit?: number;
}

export interface KeyValueStoreOptions<V> {
  codec: ValueCodec<V>;
  /** Decoded values kept in memory (default 50,000; 0 writes every put through to the table). */
  cacheEntriesMax?: number;
  /** Key column types, to give DECIMAL keys their scale back when scanning. */
  keyTypes?: readonly SqlType[];
}

export class KeyValueStore<V = unknown[]> extends StoreBase {
  readonly kind = 'key-value' as const;
  private readonly cache: ObjectCache<V>;
  private readonly codec: ValueCodec<V>;
  private readonly writeThrough: boolean;
  private readonly keyTypes: readonly SqlType[] | undefined;
  private readonly flushHooks: Array<() => void> = [];

  constructor(context: StoreContext, name: string, table: StateTable, options: KeyValueStoreOptions<V>) {
    super(context, name, table);
    this.codec = options.codec;
    const entriesMax = options.cacheEntriesMax ?? 50_000;
    this.cache = new ObjectCache<V>(entriesMax);
    this.writeThrough = entriesMax === 0;
    this.keyTypes = options.keyTypes;
  }

  get(key: readonly unknown[]): V | undefined {
    checkUsable(this.context, this.name);
    if (this.writeThrough) {
      const bytes = this.table.get(encodeKey(key));
      return bytes === undefined ? undefined : this.codec.decode(bytes);
    }
    const id = rowKey(key);
    const cached = this.cache.get(id);
    if (cached) return cached.value ?? undefined;
    const tableKey = encodeKey(key);
    const bytes = this.table.get(tableKey);
    const value = bytes === undefined ? null : this.codec.decode(bytes);
    this.cache.remember(id, key, 0, value, tableKey);
    return value ?? undefined;
  }

  has(key: readonly unknown[]): boolean {
    return this.get(key) !== undefined;
  }

  put(key: readonly unknown[], value: V): void {
    checkUsable(this.context, this.name);
    if (this.writeThrough) this.table.put(encodeKey(key), this.codec.encode(value));
    else this.cache.write(rowKey(key), key, 0, value);
  }

  delete(key: readonly unknown[]): void {
    checkUsable(this.context, this.name);
    if (this.writeThrough) this.table.delete(encodeKey(key));
    else this.cache.write(rowKey(key), key, 0, null);
  }

  /** Entries in key order (encoded-key order: see key-codec.ts). */
  *range(range: KeyValueRange = {}): Generator<KeyValueEntry<V>> {
    checkUsable(this.context, this.name);
    this.flush();
    const bounds: Parameters<StateTable['range']>[0] = { reverse: range.reverse === true };
    if (range.from) bounds[range.fromExclusive ? 'gt' : 'gte'] = encodeKey(range.from);
    if (range.to) bounds[range.toExclusive ? 'lt' : 'lte'] = encodeKey(range.to);
    if (range.limit !== undefined) bounds.limit = range.limit;
    for (const entry of this.table.range(bounds)) yield { key: decodeKey(entry.key, this.keyTypes), value: this.codec.decode(entry.value) };
  }

  all(): Generator<KeyValueEntry<V>> {
    return this.range();
  }

  /** Committed entries plus an estimate of the pending ones. */
  approximateEntries(): number {
    return this.table.committedEntries() + this.cache.dirty + this.table.pendingCount();
  }

  toChangelogKey(tableKey: Buffer): Buffer {
    return tableKey;
  }

  fromChangelogKey(changelogKey: Buffer): Buffer {
    return changelogKey;
  }

  /**
   * Calls `hook` at the start of every flush (before a commit freezes the writes), so that a
   * user of the store can keep values of its own and put them only then.
   */
  onFlush(hook: () => void): void {
    this.flushHooks.push(hook);
  }

  flush(): void {
    for (const hook of this.flushHooks) hook();
    this.cache.flush((entry) => {
      const key = (entry.tableKey ??= encodeKey(entry.key));
      if (entry.value === null) this.table.delete(key);
      else this.table.put(key, this.codec.encode(entry.value));
    });
  }

  invalidate(): void {
    this.cache.clear();
  }

  dirtyEntries(): number {
    return this.cache.dirty;
  }

  cachedEntries(): number {
    return this.cache.entries.size;
  }

  persistentState(): Record<string, number> {
    return {};
  }

  loadPersistentState(): void {}

  afterRestore(): void {}
}
