/**
 * What every typed store shares: the contract TaskState drives (changelog keys, flushing cached
 * objects, persistent numbers), the caches of decoded values, and — for window and session
 * stores — time segments and retention (`SegmentedStore`).
 */
import { SluiceError, mismatch } from '../../common/index.js';
import { readSortableInt64, sortableInt64 } from '../../storage/state/index.js';
import type { StateTable } from '../../storage/state/index.js';

export type StoreKind = 'key-value' | 'window' | 'session';

/** Shared by a TaskState and its stores: whether the stores may be used yet. */
export interface StoreContext {
  ready: boolean;
  closed: boolean;
  readonly taskName: string;
}

export function checkUsable(context: StoreContext, store: string): void {
  if (context.ready) return;
  if (context.closed) throw new SluiceError('STATE_CLOSED', `state store ${store} of ${context.taskName} is closed`);
  throw new SluiceError('INTERNAL_ASSERTION', `state store ${store} of ${context.taskName} used before restore() finished`);
}

/** Statistics of one store. */
export interface StoreStats {
  kind: StoreKind;
  /** Committed entries in the local store (windows/sessions count one each). */
  entries: number;
  /** Writes buffered for the next commit (cached objects not yet flushed included). */
  pendingWrites: number;
  cachedEntries: number;
  changelogTopic: string | null;
  /** Next changelog offset after the last commit (what the local state covers). */
  changelogNextOffset: number;
  restoredRecords: number;
  restoreMs: number;
}

/** The part of a store TaskState drives. */
export interface ManagedStore {
  readonly name: string;
  readonly kind: StoreKind;
  readonly table: StateTable;
  changelogTopic: string | null;
  changelogNextOffset: number;
  restoredRecords: number;
  restoreMs: number;
  /** The changelog key of a table key. */
  toChangelogKey(tableKey: Buffer): Buffer;
  /**
   * The table key of a changelog key. `restored`: the record is being applied, so the store
   * learns from it (observed stream time, sequence numbers).
   */
  fromChangelogKey(changelogKey: Buffer, restored: boolean): Buffer;
  /** Writes cached objects to the table's pending writes. */
  flush(): void;
  /** Forgets cached objects. */
  invalidate(): void;
  /** Cached objects changed since the last flush. */
  dirtyEntries(): number;
  cachedEntries(): number;
  /** Numbers the store keeps across restarts (observed stream time...). */
  persistentState(): Record<string, number>;
  loadPersistentState(state: Record<string, number>): void;
  /** After a restore: drop what expired, and so on. */
  afterRestore(): void;
  stats(): StoreStats;
}

/** The fields and statistics every store has. */
export abstract class StoreBase implements ManagedStore {
  abstract readonly kind: StoreKind;
  changelogTopic: string | null = null;
  changelogNextOffset = 0;
  restoredRecords = 0;
  restoreMs = 0;

  constructor(
    protected readonly context: StoreContext,
    readonly name: string,
    readonly table: StateTable,
  ) {}

  abstract toChangelogKey(tableKey: Buffer): Buffer;
  abstract fromChangelogKey(changelogKey: Buffer, restored: boolean): Buffer;
  abstract flush(): void;
  abstract invalidate(): void;
  abstract dirtyEntries(): number;
  abstract cachedEntries(): number;
  abstract persistentState(): Record<string, number>;
  abstract loadPersistentState(state: Record<string, number>): void;
  abstract afterRestore(): void;

  stats(): StoreStats {
    return {
      kind: this.kind,
      entries: this.table.committedEntries(),
      pendingWrites: this.table.pendingCount() + this.dirtyEntries(),
      cachedEntries: this.cachedEntries(),
      changelogTopic: this.changelogTopic,
      changelogNextOffset: this.changelogNextOffset,
      restoredRecords: this.restoredRecords,
      restoreMs: this.restoreMs,
    };
  }
}

/**
 * One cached, decoded value. `value` null: known absent (or deleted, when dirty). `tableKey`: the
 * encoded table key once known (kept, so a value flushed at every commit is keyed once).
 */
export interface CachedValue<V> {
  readonly key: readonly unknown[];
  readonly timeMs: number;
  value: V | null;
  dirty: boolean;
  tableKey: Buffer | null;
}

/**
 * Decoded values by key (the key-value store's write-back cache), so that the per-record
 * read-modify-write of an aggregate costs two Map operations: values are encoded once per commit
 * (flush), not once per record. Holds at most `entriesMax` clean entries after a flush (oldest
 * first out); dirty entries stay until flushed.
 */
export class ObjectCache<V> {
  readonly entries = new Map<unknown, CachedValue<V>>();
  dirty = 0;

  constructor(readonly entriesMax: number) {}

  get(id: unknown): CachedValue<V> | undefined {
    return this.entries.get(id);
  }

  /** Records a value read from the table (clean) under its table key. */
  remember(id: unknown, key: readonly unknown[], timeMs: number, value: V | null, tableKey: Buffer): void {
    this.entries.set(id, { key: key.slice(), timeMs, value, dirty: false, tableKey });
  }

  write(id: unknown, key: readonly unknown[], timeMs: number, value: V | null): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.value = value;
      if (!entry.dirty) {
        entry.dirty = true;
        this.dirty++;
      }
      return;
    }
    this.entries.set(id, { key: key.slice(), timeMs, value, dirty: true, tableKey: null });
    this.dirty++;
  }

  /** Calls `write` for each dirty entry, marks them clean, then trims clean entries. */
  flush(write: (entry: CachedValue<V>) => void): void {
    if (this.dirty > 0) {
      for (const entry of this.entries.values()) {
        if (!entry.dirty) continue;
        write(entry);
        entry.dirty = false;
      }
      this.dirty = 0;
    }
    if (this.entries.size > this.entriesMax) {
      const target = Math.floor(this.entriesMax * 0.75);
      for (const id of this.entries.keys()) {
        if (this.entries.size <= target) break;
        this.entries.delete(id);
      }
    }
  }

  clear(): void {
    this.entries.clear();
    this.dirty = 0;
  }
}

/** Time segments of window and session stores (Kafka Streams' segmented stores). */
export function segmentOf(timeMs: number, segmentIntervalMs: number): number {
  return Math.floor(timeMs / segmentIntervalMs);
}

/** Kafka Streams' default: max(retention / 2, 60 s). */
export function defaultSegmentIntervalMs(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

export const NO_STREAM_TIME = Number.MIN_SAFE_INTEGER;

/** The largest time a window or session store takes. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER - 1;

export interface SegmentedStoreOptions {
  retentionMs: number;
  /** Default max(retention / 2, 60 s). */
  segmentIntervalMs?: number | undefined;
}

/**
 * Window and session stores: table key = [segment int64][rest], segment = floor(t /
 * segmentInterval) of the entry's time (a window's start, a session's end); changelog key = the
 * rest. Observed stream time is the largest time put; entries whose time is before
 * `observedStreamTime - retention + 1` are expired, and the segments they fill are deleted as
 * soon as the observed time passes them (tombstones go to the changelog).
 */
export abstract class SegmentedStore extends StoreBase {
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  /** Largest time put so far (a window's start, a session's end). */
  observedStreamTimeMs = NO_STREAM_TIME;
  private droppedBelowSegment = Number.NEGATIVE_INFINITY;

  constructor(context: StoreContext, name: string, table: StateTable, what: string, options: SegmentedStoreOptions) {
    super(context, name, table);
    if (!Number.isSafeInteger(options.retentionMs) || options.retentionMs <= 0) throw mismatch('INVALID_ARGUMENT', `${what} ${name} retentionMs`, 'a positive integer', String(options.retentionMs));
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentIntervalMs(options.retentionMs);
    if (!Number.isSafeInteger(this.segmentIntervalMs) || this.segmentIntervalMs <= 0) throw mismatch('INVALID_ARGUMENT', `${what} ${name} segmentIntervalMs`, 'a positive integer', String(this.segmentIntervalMs));
  }

  /** Entries whose time is before this are expired. */
  liveFromMs(): number {
    return this.observedStreamTimeMs === NO_STREAM_TIME ? Number.MIN_SAFE_INTEGER : this.observedStreamTimeMs - this.retentionMs + 1;
  }

  /** Raises the observed stream time to `timeMs`, deleting the segments that expire. */
  protected observe(timeMs: number): void {
    if (timeMs <= this.observedStreamTimeMs) return;
    this.observedStreamTimeMs = timeMs;
    if (segmentOf(this.liveFromMs(), this.segmentIntervalMs) > this.droppedBelowSegment) this.dropExpired();
  }

  /** Forgets cached entries that expired (before `liveFromMs`). */
  protected abstract dropExpiredCached(liveFromMs: number): void;

  /** Deletes the segments whose entries have all expired; returns the entries deleted. */
  dropExpired(): number {
    const liveFrom = this.liveFromMs();
    this.dropExpiredCached(liveFrom);
    const liveSegment = segmentOf(liveFrom, this.segmentIntervalMs);
    if (liveSegment <= this.droppedBelowSegment) return 0;
    this.droppedBelowSegment = liveSegment;
    return this.table.deleteRange({ lt: sortableInt64(liveSegment) });
  }

  /** Segments holding data between two segment numbers, in order (each found by one seek). */
  protected *segments(lowSegment: number, highSegment: number, reverse = false): Generator<number> {
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

  /** The time that places a changelog key in its segment. */
  protected abstract segmentTimeOf(changelogKey: Buffer): number;

  toChangelogKey(tableKey: Buffer): Buffer {
    return tableKey.subarray(8);
  }

  fromChangelogKey(changelogKey: Buffer, _restored: boolean): Buffer {
    // (the observed stream time comes from the commit marker: a record may belong to a commit that never finished)
    const out = Buffer.allocUnsafe(8 + changelogKey.length);
    out.set(sortableInt64(segmentOf(this.segmentTimeOf(changelogKey), this.segmentIntervalMs)), 0);
    out.set(changelogKey, 8);
    return out;
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
}
