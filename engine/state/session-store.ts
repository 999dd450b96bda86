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
import { MAX_TIME, SegmentedStore, checkUsable, segmentOf } from './store-base.js';
import type { StoreContext } from './store-base.js';
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

function checkSession(startMs: number, endMs: number): void {
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || startMs > endMs) {
    throw mismatch('INVALID_ARGUMENT', 'session bounds', 'integers with start <= end', `[${startMs}, ${endMs}]`);
  }
}

export class SessionStore<V = unknown[]> extends SegmentedStore {
  readonly kind = 'session' as const;
  private readonly codec: ValueCodec<V>;
  private readonly keyTypes: readonly SqlType[] | undefined;
  private readonly writer = new KeyWriter(128);

  constructor(context: StoreContext, name: string, table: StateTable, options: SessionStoreOptions<V>) {
    super(context, name, table, 'session store', options);
    this.codec = options.codec;
    this.keyTypes = options.keyTypes;
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
    this.observe(endMs);
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

  protected dropExpiredCached(): void {}

  protected segmentTimeOf(changelogKey: Buffer): number {
    return readSortableInt64(changelogKey, changelogKey.length - 16);
  }

  flush(): void {}

  invalidate(): void {}

  dirtyEntries(): number {
    return 0;
  }

  cachedEntries(): number {
    return 0;
  }
}
