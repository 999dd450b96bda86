/**
 * SessionStore: (row key, [start, end]) -> value, for session-windowed aggregates.
 *
 * Table key: [segment of end int64][row key][end int64][start int64]; changelog key: the same
 * without the segment. `findSessions(key, t - gap, t + gap)` returns the sessions a record at
 * time t merges with (end >= t - gap and start <= t + gap): per segment one scan from
 * [key][t - gap]. Writes go straight to the table's pending writes (sessions are found by scans,
 * which a cache of objects would have to flush anyway).
 *
 * Retention: observed stream time is the largest session end put; sessions that end before
 * `observedStreamTime - retention + 1` are expired (refused, invisible, and their segments
 * deleted with tombstones to the changelog).
 */
import { mismatch } from '../../common/index.js';
import { KeyReader, KeyWriter, prefixEnd, readSortableInt64, sortableInt64 } from '../../storage/state/index.js';
import type { StateTable } from '../../storage/state/index.js';
import type { SqlType } from '../types/index.js';
import { readKeyValues, writeRowKey } from './key-codec.js';
import { NO_STREAM_TIME, checkUsable, defaultSegmentIntervalMs, segmentOf } from './store-base.js';
import type { ManagedStore, StoreContext, StoreStats } from './store-base.js';
import type { ValueCodec } from './value-codec.js';

export interface SessionStoreOptions<V> {
  codec: ValueCodec<V>;
  /** How long sessions are kept after the observed stream time passes their end. */
  retentionMs: number;
  segmentIntervalMs?: number;
  keyTypes?: readonly SqlType[];
}

export interface Session<V> {
  key: unknown[];
  startMs: number;
  endMs: number;
  value: V;
}

const MAX_TIME = Number.MAX_SAFE_INTEGER - 1;

function checkSession(startMs: number, endMs: number): void {
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || startMs > endMs) {
    throw mismatch('INVALID_ARGUMENT', 'session bounds', 'integers with start <= end', `[${startMs}, ${endMs}]`);
  }
}

export class SessionStore<V = unknown[]> implements ManagedStore {
  readonly kind = 'session' as const;
  changelogTopic: string | null = null;
  changelogNextOffset = 0;
  restoredRecords = 0;
  restoreMs = 0;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  /** Largest session end put so far. */
  observedStreamTimeMs = NO_STREAM_TIME;
  private droppedBelowSegment = Number.NEGATIVE_INFINITY;
  private readonly codec: ValueCodec<V>;
  private readonly keyTypes: readonly SqlType[] | undefined;
  private readonly writer = new KeyWriter(128);

  constructor(
    private readonly context: StoreContext,
    readonly name: string,
    readonly table: StateTable,
    options: SessionStoreOptions<V>,
  ) {
    if (!Number.isSafeInteger(options.retentionMs) || options.retentionMs <= 0) throw mismatch('INVALID_ARGUMENT', `session store ${name} retentionMs`, 'a positive integer', String(options.retentionMs));
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentIntervalMs(options.retentionMs);
    this.codec = options.codec;
    this.keyTypes = options.keyTypes;
  }

  /** Sessions ending before this are expired. */
  liveFromMs(): number {
    return this.observedStreamTimeMs === NO_STREAM_TIME ? Number.MIN_SAFE_INTEGER : this.observedStreamTimeMs - this.retentionMs + 1;
  }

  private encodedRowKey(key: readonly unknown[]): Buffer {
    const writer = this.writer.reset();
    writeRowKey(writer, key);
    return writer.finish();
  }

  private tableKey(key: readonly unknown[], startMs: number, endMs: number): Buffer {
    const writer = this.writer.reset().int64(segmentOf(endMs, this.segmentIntervalMs));
    writeRowKey(writer, key);
    return writer.int64(endMs).int64(startMs).finish();
  }

  /** Stores the session; false (nothing stored) when it has expired. */
  put(key: readonly unknown[], startMs: number, endMs: number, value: V): boolean {
    checkUsable(this.context, this.name);
    checkSession(startMs, endMs);
    if (endMs > this.observedStreamTimeMs) {
      this.observedStreamTimeMs = endMs;
      if (segmentOf(this.liveFromMs(), this.segmentIntervalMs) > this.droppedBelowSegment) this.dropExpired();
    }
    if (endMs < this.liveFromMs()) return false;
    this.table.put(this.tableKey(key, startMs, endMs), this.codec.encode(value));
    return true;
  }

  remove(key: readonly unknown[], startMs: number, endMs: number): void {
    checkUsable(this.context, this.name);
    checkSession(startMs, endMs);
    this.table.delete(this.tableKey(key, startMs, endMs));
  }

  fetchSession(key: readonly unknown[], startMs: number, endMs: number): V | undefined {
    checkUsable(this.context, this.name);
    checkSession(startMs, endMs);
    if (endMs < this.liveFromMs()) return undefined;
    const bytes = this.table.get(this.tableKey(key, startMs, endMs));
    return bytes === undefined ? undefined : this.codec.decode(bytes);
  }

  private *segments(lowSegment: number, highSegment: number, reverse = false): Generator<number> {
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

  /**
   * The live sessions of `key` with end >= earliestEndMs and start <= latestStartMs — for a record
   * at t with gap g, (t - g, t + g) gives the sessions it merges with. Ordered by end, then start.
   */
  findSessions(key: readonly unknown[], earliestEndMs: number, latestStartMs: number): Session<V>[] {
    checkUsable(this.context, this.name);
    const low = Math.max(earliestEndMs, this.liveFromMs());
    const out: Session<V>[] = [];
    if (low > MAX_TIME) return out;
    const encodedKey = this.encodedRowKey(key);
    for (const segment of this.segments(segmentOf(low, this.segmentIntervalMs), segmentOf(MAX_TIME, this.segmentIntervalMs))) {
      const prefix = this.writer.reset().int64(segment).raw(encodedKey).finish();
      const gte = this.writer.reset().raw(prefix).int64(low).finish();
      const lt = prefixEnd(prefix);
      for (const entry of this.table.range(lt ? { gte, lt } : { gte })) {
        const startMs = readSortableInt64(entry.key, entry.key.length - 8);
        if (startMs > latestStartMs) continue;
        out.push({ key: key.slice(), startMs, endMs: readSortableInt64(entry.key, entry.key.length - 16), value: this.codec.decode(entry.value) });
      }
    }
    return out;
  }

  /** Every live session of `key`, by end. */
  fetch(key: readonly unknown[]): Session<V>[] {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, MAX_TIME);
  }

  /** Every live session, by segment, key, end, start. */
  *fetchAll(): Generator<Session<V>> {
    checkUsable(this.context, this.name);
    const liveFrom = this.liveFromMs();
    for (const segment of this.segments(segmentOf(liveFrom, this.segmentIntervalMs), segmentOf(MAX_TIME, this.segmentIntervalMs))) {
      for (const entry of this.table.prefix(sortableInt64(segment))) {
        const endMs = readSortableInt64(entry.key, entry.key.length - 16);
        if (endMs < liveFrom) continue;
        const key = readKeyValues(new KeyReader(entry.key, 8), entry.key.length - 16, this.keyTypes);
        yield { key, startMs: readSortableInt64(entry.key, entry.key.length - 8), endMs, value: this.codec.decode(entry.value) };
      }
    }
  }

  all(): Generator<Session<V>> {
    return this.fetchAll();
  }

  /** Deletes the segments whose sessions have all expired; returns the entries deleted. */
  dropExpired(): number {
    const liveSegment = segmentOf(this.liveFromMs(), this.segmentIntervalMs);
    if (liveSegment <= this.droppedBelowSegment) return 0;
    this.droppedBelowSegment = liveSegment;
    return this.table.deleteRange({ lt: sortableInt64(liveSegment) });
  }

  toChangelogKey(tableKey: Buffer): Buffer {
    return tableKey.subarray(8);
  }

  fromChangelogKey(changelogKey: Buffer): Buffer {
    // (the observed stream time comes from the commit marker: a record may belong to a commit that never finished)
    const endMs = readSortableInt64(changelogKey, changelogKey.length - 16);
    const out = Buffer.allocUnsafe(8 + changelogKey.length);
    out.set(sortableInt64(segmentOf(endMs, this.segmentIntervalMs)), 0);
    out.set(changelogKey, 8);
    return out;
  }

  flush(): void {}

  invalidate(): void {}

  dirtyEntries(): number {
    return 0;
  }

  cachedEntries(): number {
    return 0;
  }

  persistentState(): Record<string, number> {
    return { observedStreamTimeMs: this.observedStreamTimeMs };
  }

  loadPersistentState(state: Record<string, number>): void {
    const observed = state['observedStreamTimeMs'];
    if (typeof observed === 'number' && observed > this.observedStreamTimeMs) this.observedStreamTimeMs = observed;
  }

  afterRestore(): void {
    this.droppedBelowSegment = Number.NEGATIVE_INFINITY;
    this.dropExpired();
  }

  stats(): StoreStats {
    return {
      kind: this.kind,
      entries: this.table.committedEntries(),
      pendingWrites: this.table.pendingCount(),
      cachedEntries: 0,
      changelogTopic: this.changelogTopic,
      changelogNextOffset: this.changelogNextOffset,
      restoredRecords: this.restoredRecords,
      restoreMs: this.restoreMs,
    };
  }
}
