/**
 * WindowStore: (row key, window start) -> value, for windowed aggregates and stream-stream joins.
 *
 * Table key: [segment int64][row key][window start int64] (+ [sequence uint32] when duplicates
 * are retained), segment = floor(windowStart / segmentInterval) — Kafka Streams' segmented
 * layout: one key's windows in a time range are one contiguous scan per segment, and retention
 * drops whole segments. Changelog key: the table key without the segment.
 *
 * Retention: the store tracks the largest window start put (observed stream time); windows that
 * start before `observedStreamTime - retention + 1` are expired: puts for them are refused, reads
 * do not see them, and the segments they fill are deleted (tombstones go to the changelog).
 *
 * Cache (without duplicates): decoded values by window start, then row key, written back at the
 * commit (flush). A window start cached first when it was after every window start ever put
 * (the observed stream time) is complete: the table holds nothing of it that the cache does not,
 * so a key missing there is absent without a read — a new window of a key costs no table read.
 * Trimming drops whole window starts, oldest first; a start trimmed in part is no longer complete.
 */
import { mismatch } from '../../common/index.js';
import { KeyReader, KeyWriter, readSortableInt64, sortableInt64 } from '../../storage/state/index.js';
import type { StateTable } from '../../storage/state/index.js';
import { rowKey } from '../types/index.js';
import type { SqlType } from '../types/index.js';
import { readKeyValues, writeRowKey } from './key-codec.js';
import { MAX_TIME, SegmentedStore, checkUsable, segmentOf } from './store-base.js';
import type { CachedValue, StoreContext } from './store-base.js';
import type { ValueCodec } from './value-codec.js';

export interface WindowStoreOptions<V> {
  codec: ValueCodec<V>;
  /** How long windows are kept after the observed stream time passes their start. */
  retentionMs: number;
  /** Default max(retention / 2, 60 s). */
  segmentIntervalMs?: number;
  /** Keep every put (stream-stream joins): a sequence number makes each one a new entry. */
  retainDuplicates?: boolean;
  /** Decoded values kept in memory (default 50,000; 0 writes through). Ignored with duplicates. */
  cacheEntriesMax?: number;
  keyTypes?: readonly SqlType[];
}

export interface WindowedValue<V> {
  windowStartMs: number;
  value: V;
}

export interface WindowEntry<V> {
  key: unknown[];
  windowStartMs: number;
  value: V;
}

function checkTime(what: string, ms: number): void {
  if (!Number.isSafeInteger(ms)) throw mismatch('INVALID_ARGUMENT', what, 'an integer number of milliseconds', String(ms));
}

/** The cached values of one window start, by row key. */
class WindowBucket<V> {
  readonly entries = new Map<unknown, CachedValue<V>>();

  constructor(
    readonly startMs: number,
    /** Every entry of this start that the table holds is here too. */
    public complete: boolean,
  ) {}
}

/** The write-back cache of a window store (see the header). */
class WindowCache<V> {
  private readonly buckets = new Map<number, WindowBucket<V>>();
  private last: WindowBucket<V> | null = null;
  size = 0;
  dirty = 0;

  constructor(private readonly entriesMax: number) {}

  bucket(startMs: number): WindowBucket<V> | undefined {
    const last = this.last;
    if (last !== null && last.startMs === startMs) return last;
    const found = this.buckets.get(startMs);
    if (found !== undefined) this.last = found;
    return found;
  }

  open(startMs: number, complete: boolean): WindowBucket<V> {
    const bucket = new WindowBucket<V>(startMs, complete);
    this.buckets.set(startMs, bucket);
    this.last = bucket;
    return bucket;
  }

  add(bucket: WindowBucket<V>, id: unknown, entry: CachedValue<V>): void {
    bucket.entries.set(id, entry);
    this.size++;
    if (entry.dirty) this.dirty++;
  }

  markDirty(entry: CachedValue<V>): void {
    if (entry.dirty) return;
    entry.dirty = true;
    this.dirty++;
  }

  /** Calls `write` for each dirty entry, marks them clean, then trims (oldest window starts first). */
  flush(write: (entry: CachedValue<V>) => void): void {
    if (this.dirty > 0) {
      for (const bucket of this.buckets.values()) {
        for (const entry of bucket.entries.values()) {
          if (!entry.dirty) continue;
          write(entry);
          entry.dirty = false;
        }
      }
      this.dirty = 0;
    }
    if (this.size <= this.entriesMax) return;
    const target = Math.floor(this.entriesMax * 0.75);
    const starts = [...this.buckets.keys()].sort((a, b) => a - b);
    for (let i = 0; i < starts.length && this.size > target; i++) {
      const bucket = this.buckets.get(starts[i]!)!;
      if (i < starts.length - 1) {
        this.size -= bucket.entries.size;
        this.buckets.delete(bucket.startMs);
        continue;
      }
      // The newest start alone is over the target: trim it, oldest entries first.
      bucket.complete = false;
      for (const id of bucket.entries.keys()) {
        if (this.size <= target) break;
        bucket.entries.delete(id);
        this.size--;
      }
    }
    this.last = null;
  }

  /** Forgets the window starts before `startMs` (dirty entries too: they expired). */
  dropBefore(startMs: number): void {
    for (const bucket of this.buckets.values()) {
      if (bucket.startMs >= startMs) continue;
      for (const entry of bucket.entries.values()) if (entry.dirty) this.dirty--;
      this.size -= bucket.entries.size;
      this.buckets.delete(bucket.startMs);
    }
    this.last = null;
  }

  clear(): void {
    this.buckets.clear();
    this.last = null;
    this.size = 0;
    this.dirty = 0;
  }
}

export class WindowStore<V = unknown[]> extends SegmentedStore {
  readonly kind = 'window' as const;
  readonly retainDuplicates: boolean;
  private sequence = 0;
  private readonly cache: WindowCache<V>;
  private readonly writeThrough: boolean;
  private readonly codec: ValueCodec<V>;
  private readonly keyTypes: readonly SqlType[] | undefined;
  private readonly writer = new KeyWriter(128);
  /** Bytes after the row key: window start, and the sequence number with duplicates. */
  private readonly suffixBytes: number;
  /** The entry the last `get` returned, so that the `put` of a read-modify-write finds it at once. */
  private lastKey: readonly unknown[] | null = null;
  private lastStartMs = 0;
  private lastEntry: CachedValue<V> | null = null;

  constructor(context: StoreContext, name: string, table: StateTable, options: WindowStoreOptions<V>) {
    super(context, name, table, 'window store', options);
    this.retainDuplicates = options.retainDuplicates === true;
    const entriesMax = this.retainDuplicates ? 0 : (options.cacheEntriesMax ?? 50_000);
    this.cache = new WindowCache<V>(entriesMax);
    this.writeThrough = entriesMax === 0;
    this.codec = options.codec;
    this.keyTypes = options.keyTypes;
    this.suffixBytes = this.retainDuplicates ? 12 : 8;
  }

  private tableKey(key: readonly unknown[], windowStartMs: number, sequence?: number): Buffer {
    const writer = this.writer.reset().int64(segmentOf(windowStartMs, this.segmentIntervalMs));
    writeRowKey(writer, key);
    writer.int64(windowStartMs);
    if (sequence !== undefined) writer.uint32(sequence);
    return writer.finish();
  }

  /** Stores the value; false (nothing stored) when the window has expired. */
  put(key: readonly unknown[], windowStartMs: number, value: V): boolean {
    checkUsable(this.context, this.name);
    checkTime('window start', windowStartMs);
    const observedBefore = this.observedStreamTimeMs;
    this.observe(windowStartMs);
    if (windowStartMs < this.liveFromMs()) return false;
    if (this.retainDuplicates) {
      this.table.put(this.tableKey(key, windowStartMs, this.sequence), this.codec.encode(value));
      this.sequence = (this.sequence + 1) >>> 0;
    } else if (this.writeThrough) this.table.put(this.tableKey(key, windowStartMs), this.codec.encode(value));
    else this.write(key, windowStartMs, value, observedBefore);
    return true;
  }

  get(key: readonly unknown[], windowStartMs: number): V | undefined {
    checkUsable(this.context, this.name);
    if (this.retainDuplicates) throw mismatch('INVALID_ARGUMENT', `window store ${this.name} get`, 'a store without duplicates (use fetch)', 'retainDuplicates');
    if (windowStartMs < this.liveFromMs()) return undefined;
    if (this.writeThrough) {
      const bytes = this.table.get(this.tableKey(key, windowStartMs));
      return bytes === undefined ? undefined : this.codec.decode(bytes);
    }
    const id = rowKey(key);
    let bucket = this.cache.bucket(windowStartMs);
    if (bucket !== undefined) {
      const cached = bucket.entries.get(id);
      if (cached !== undefined) {
        this.lastKey = key;
        this.lastStartMs = windowStartMs;
        this.lastEntry = cached;
        return cached.value ?? undefined;
      }
      if (bucket.complete) return undefined;
    } else {
      // A start after every start ever put: nothing of it is stored.
      if (windowStartMs > this.observedStreamTimeMs) return undefined;
      bucket = this.cache.open(windowStartMs, false);
    }
    const tableKey = this.tableKey(key, windowStartMs);
    const bytes = this.table.get(tableKey);
    const value = bytes === undefined ? null : this.codec.decode(bytes);
    const entry: CachedValue<V> = { key: key.slice(), timeMs: windowStartMs, value, dirty: false, tableKey };
    this.cache.add(bucket, id, entry);
    this.lastKey = key;
    this.lastStartMs = windowStartMs;
    this.lastEntry = entry;
    return value ?? undefined;
  }

  delete(key: readonly unknown[], windowStartMs: number): void {
    checkUsable(this.context, this.name);
    if (this.retainDuplicates) throw mismatch('INVALID_ARGUMENT', `window store ${this.name} delete`, 'a store without duplicates', 'retainDuplicates');
    if (this.writeThrough) this.table.delete(this.tableKey(key, windowStartMs));
    else this.write(key, windowStartMs, null, this.observedStreamTimeMs);
  }

  /** A cached write; `observedBefore`: the observed stream time before this write. */
  private write(key: readonly unknown[], windowStartMs: number, value: V | null, observedBefore: number): void {
    const last = this.lastEntry;
    if (last !== null && this.lastKey === key && this.lastStartMs === windowStartMs) {
      last.value = value;
      this.cache.markDirty(last);
      return;
    }
    const id = rowKey(key);
    const bucket = this.cache.bucket(windowStartMs) ?? this.cache.open(windowStartMs, windowStartMs > observedBefore);
    const cached = bucket.entries.get(id);
    if (cached !== undefined) {
      cached.value = value;
      this.cache.markDirty(cached);
      return;
    }
    this.cache.add(bucket, id, { key: key.slice(), timeMs: windowStartMs, value, dirty: true, tableKey: null });
  }

  private forgetLast(): void {
    this.lastKey = null;
    this.lastEntry = null;
  }

  /** The windows of one key that start in [fromMs, toMs], by window start. */
  *fetch(key: readonly unknown[], fromMs: number, toMs: number, options: { reverse?: boolean } = {}): Generator<WindowedValue<V>> {
    checkUsable(this.context, this.name);
    this.flush();
    const low = Math.max(fromMs, this.liveFromMs());
    const high = Math.min(toMs, MAX_TIME);
    if (low > high) return;
    const reverse = options.reverse === true;
    const rowKeyBytes = this.writer.reset();
    writeRowKey(rowKeyBytes, key);
    const encodedKey = rowKeyBytes.finish();
    for (const segment of this.segments(segmentOf(low, this.segmentIntervalMs), segmentOf(high, this.segmentIntervalMs), reverse)) {
      const gte = this.writer.reset().int64(segment).raw(encodedKey).int64(low).finish();
      const lt = this.writer.reset().int64(segment).raw(encodedKey).int64(high + 1).finish();
      for (const entry of this.table.range({ gte, lt, reverse })) {
        yield { windowStartMs: readSortableInt64(entry.key, entry.key.length - this.suffixBytes), value: this.codec.decode(entry.value) };
      }
    }
  }

  /** Every key's windows that start in [fromMs, toMs], by segment, then key, then start. */
  *fetchAll(fromMs: number = Number.MIN_SAFE_INTEGER, toMs: number = MAX_TIME, options: { reverse?: boolean } = {}): Generator<WindowEntry<V>> {
    checkUsable(this.context, this.name);
    this.flush();
    const low = Math.max(fromMs, this.liveFromMs());
    const high = Math.min(toMs, MAX_TIME);
    if (low > high) return;
    const reverse = options.reverse === true;
    for (const segment of this.segments(segmentOf(low, this.segmentIntervalMs), segmentOf(high, this.segmentIntervalMs), reverse)) {
      for (const entry of this.table.prefix(sortableInt64(segment), { reverse })) {
        const end = entry.key.length - this.suffixBytes;
        const windowStartMs = readSortableInt64(entry.key, end);
        if (windowStartMs < low || windowStartMs > high) continue;
        const reader = new KeyReader(entry.key, 8);
        yield { key: readKeyValues(reader, end, this.keyTypes), windowStartMs, value: this.codec.decode(entry.value) };
      }
    }
  }

  all(): Generator<WindowEntry<V>> {
    return this.fetchAll();
  }

  protected dropExpiredCached(liveFromMs: number): void {
    this.cache.dropBefore(liveFromMs);
    this.forgetLast();
  }

  protected segmentTimeOf(changelogKey: Buffer): number {
    return readSortableInt64(changelogKey, changelogKey.length - this.suffixBytes);
  }

  override fromChangelogKey(changelogKey: Buffer, restored: boolean): Buffer {
    if (restored && this.retainDuplicates) {
      const sequence = changelogKey.readUInt32BE(changelogKey.length - 4);
      if (sequence >= this.sequence) this.sequence = (sequence + 1) >>> 0;
    }
    return super.fromChangelogKey(changelogKey, restored);
  }

  flush(): void {
    this.cache.flush((entry: CachedValue<V>) => {
      const key = (entry.tableKey ??= this.tableKey(entry.key, entry.timeMs));
      if (entry.value === null) this.table.delete(key);
      else this.table.put(key, this.codec.encode(entry.value));
    });
    this.forgetLast();
  }

  invalidate(): void {
    this.cache.clear();
    this.forgetLast();
  }

  dirtyEntries(): number {
    return this.cache.dirty;
  }

  cachedEntries(): number {
    return this.cache.size;
  }

  override persistentState(): Record<string, number> {
    return { ...super.persistentState(), sequence: this.sequence };
  }

  override loadPersistentState(state: Record<string, number>): void {
    super.loadPersistentState(state);
    const sequence = state['sequence'];
    if (typeof sequence === 'number' && sequence > this.sequence) this.sequence = sequence;
  }
}
