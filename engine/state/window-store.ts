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
 */
import { mismatch } from '../../common/index.js';
import { KeyReader, KeyWriter, readSortableInt64, sortableInt64 } from '../../storage/state/index.js';
import type { StateTable } from '../../storage/state/index.js';
import { rowKey } from '../types/index.js';
import type { SqlType } from '../types/index.js';
import { readKeyValues, writeRowKey } from './key-codec.js';
import { NO_STREAM_TIME, ObjectCache, checkUsable, defaultSegmentIntervalMs, segmentOf } from './store-base.js';
import type { CachedValue, ManagedStore, StoreContext, StoreStats } from './store-base.js';
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

const MAX_TIME = Number.MAX_SAFE_INTEGER - 1;

function cacheId(key: readonly unknown[], windowStartMs: number): string {
  const id = rowKey(key);
  return (typeof id === 'string' ? `${id}\u0000` : `${String(id)}\u0001`) + windowStartMs;
}

function checkTime(what: string, ms: number): void {
  if (!Number.isSafeInteger(ms)) throw mismatch('INVALID_ARGUMENT', what, 'an integer number of milliseconds', String(ms));
}

export class WindowStore<V = unknown[]> implements ManagedStore {
  readonly kind = 'window' as const;
  changelogTopic: string | null = null;
  changelogNextOffset = 0;
  restoredRecords = 0;
  restoreMs = 0;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly retainDuplicates: boolean;
  /** Largest window start put so far. */
  observedStreamTimeMs = NO_STREAM_TIME;
  private droppedBelowSegment = Number.NEGATIVE_INFINITY;
  private sequence = 0;
  private readonly cache: ObjectCache<V>;
  private readonly writeThrough: boolean;
  private readonly codec: ValueCodec<V>;
  private readonly keyTypes: readonly SqlType[] | undefined;
  private readonly writer = new KeyWriter(128);
  /** Bytes after the row key: window start, and the sequence number with duplicates. */
  private readonly suffixBytes: number;

  constructor(
    private readonly context: StoreContext,
    readonly name: string,
    readonly table: StateTable,
    options: WindowStoreOptions<V>,
  ) {
    if (!Number.isSafeInteger(options.retentionMs) || options.retentionMs <= 0) throw mismatch('INVALID_ARGUMENT', `window store ${name} retentionMs`, 'a positive integer', String(options.retentionMs));
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentIntervalMs(options.retentionMs);
    if (!Number.isSafeInteger(this.segmentIntervalMs) || this.segmentIntervalMs <= 0) throw mismatch('INVALID_ARGUMENT', `window store ${name} segmentIntervalMs`, 'a positive integer', String(this.segmentIntervalMs));
    this.retainDuplicates = options.retainDuplicates === true;
    const entriesMax = this.retainDuplicates ? 0 : (options.cacheEntriesMax ?? 50_000);
    this.cache = new ObjectCache<V>(entriesMax);
    this.writeThrough = entriesMax === 0;
    this.codec = options.codec;
    this.keyTypes = options.keyTypes;
    this.suffixBytes = this.retainDuplicates ? 12 : 8;
  }

  /** Windows starting before this are expired. */
  liveFromMs(): number {
    return this.observedStreamTimeMs === NO_STREAM_TIME ? Number.MIN_SAFE_INTEGER : this.observedStreamTimeMs - this.retentionMs + 1;
  }

  private tableKey(key: readonly unknown[], windowStartMs: number, sequence?: number): Buffer {
    const writer = this.writer.reset().int64(segmentOf(windowStartMs, this.segmentIntervalMs));
    writeRowKey(writer, key);
    writer.int64(windowStartMs);
    if (sequence !== undefined) writer.uint32(sequence);
    return writer.finish();
  }

  private observe(windowStartMs: number): void {
    if (windowStartMs <= this.observedStreamTimeMs) return;
    this.observedStreamTimeMs = windowStartMs;
    if (segmentOf(this.liveFromMs(), this.segmentIntervalMs) > this.droppedBelowSegment) this.dropExpired();
  }

  /** Stores the value; false (nothing stored) when the window has expired. */
  put(key: readonly unknown[], windowStartMs: number, value: V): boolean {
    checkUsable(this.context, this.name);
    checkTime('window start', windowStartMs);
    this.observe(windowStartMs);
    if (windowStartMs < this.liveFromMs()) return false;
    if (this.retainDuplicates) {
      this.table.put(this.tableKey(key, windowStartMs, this.sequence), this.codec.encode(value));
      this.sequence = (this.sequence + 1) >>> 0;
    } else if (this.writeThrough) this.table.put(this.tableKey(key, windowStartMs), this.codec.encode(value));
    else this.cache.write(cacheId(key, windowStartMs), key, windowStartMs, value);
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
    const id = cacheId(key, windowStartMs);
    const cached = this.cache.get(id);
    if (cached) return cached.value ?? undefined;
    const bytes = this.table.get(this.tableKey(key, windowStartMs));
    const value = bytes === undefined ? null : this.codec.decode(bytes);
    this.cache.remember(id, key, windowStartMs, value);
    return value ?? undefined;
  }

  delete(key: readonly unknown[], windowStartMs: number): void {
    checkUsable(this.context, this.name);
    if (this.retainDuplicates) throw mismatch('INVALID_ARGUMENT', `window store ${this.name} delete`, 'a store without duplicates', 'retainDuplicates');
    if (this.writeThrough) this.table.delete(this.tableKey(key, windowStartMs));
    else this.cache.write(cacheId(key, windowStartMs), key, windowStartMs, null);
  }

  /** Segments holding data between two segment numbers, in order (each found by one seek). */
  private *segments(lowSegment: number, highSegment: number, reverse: boolean): Generator<number> {
    let low = lowSegment;
    let high = highSegment;
    while (low <= high) {
      const [first] = this.table.range({ gte: sortableInt64(low), lt: sortableInt64(high + 1), reverse, limit: 1 });
      if (!first) return;
      const segment = readSortableInt64(first.key, 0);
      yield segment;
      if (reverse) high = segment - 1;
      else low = segment + 1;
    }
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

  /** Deletes the segments whose windows have all expired; returns the entries deleted. */
  dropExpired(): number {
    const liveFrom = this.liveFromMs();
    const liveSegment = segmentOf(liveFrom, this.segmentIntervalMs);
    this.cache.drop((entry) => entry.timeMs < liveFrom);
    if (liveSegment <= this.droppedBelowSegment) return 0;
    this.droppedBelowSegment = liveSegment;
    return this.table.deleteRange({ lt: sortableInt64(liveSegment) });
  }

  toChangelogKey(tableKey: Buffer): Buffer {
    return tableKey.subarray(8);
  }

  fromChangelogKey(changelogKey: Buffer, restored: boolean): Buffer {
    const windowStartMs = readSortableInt64(changelogKey, changelogKey.length - this.suffixBytes);
    // (the observed stream time comes from the commit marker: a record may belong to a commit that never finished)
    if (restored && this.retainDuplicates) {
      const sequence = changelogKey.readUInt32BE(changelogKey.length - 4);
      if (sequence >= this.sequence) this.sequence = (sequence + 1) >>> 0;
    }
    const out = Buffer.allocUnsafe(8 + changelogKey.length);
    out.set(sortableInt64(segmentOf(windowStartMs, this.segmentIntervalMs)), 0);
    out.set(changelogKey, 8);
    return out;
  }

  flush(): void {
    this.cache.flush((entry: CachedValue<V>) => {
      const key = this.tableKey(entry.key, entry.timeMs);
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
    return { observedStreamTimeMs: this.observedStreamTimeMs, sequence: this.sequence };
  }

  loadPersistentState(state: Record<string, number>): void {
    const observed = state['observedStreamTimeMs'];
    if (typeof observed === 'number' && observed > this.observedStreamTimeMs) this.observedStreamTimeMs = observed;
    const sequence = state['sequence'];
    if (typeof sequence === 'number' && sequence > this.sequence) this.sequence = sequence;
  }

  afterRestore(): void {
    this.droppedBelowSegment = Number.NEGATIVE_INFINITY;
    this.dropExpired();
  }

  stats(): StoreStats {
    return {
      kind: this.kind,
      entries: this.table.committedEntries(),
      pendingWrites: this.table.pendingCount() + this.cache.dirty,
      cachedEntries: this.cache.entries.size,
      changelogTopic: this.changelogTopic,
      changelogNextOffset: this.changelogNextOffset,
      restoredRecords: this.restoredRecords,
      restoreMs: this.restoreMs,
    };
  }
}
