/**
 * What every typed store shares: the contract TaskState drives (changelog keys, flushing cached
 * objects, persistent numbers), the cache of decoded values, and time segments.
 */
import { SluiceError } from '../../common/index.js';
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

/** One cached, decoded value. `value` null: known absent (or deleted, when dirty). */
export interface CachedValue<V> {
  readonly key: readonly unknown[];
  readonly timeMs: number;
  value: V | null;
  dirty: boolean;
}

/**
 * Decoded values by key, so that the per-record read-modify-write of an aggregate costs two Map
 * operations: values are encoded once per commit (flush), not once per record. Holds at most
 * `entriesMax` clean entries after a flush (oldest first out); dirty entries stay until flushed.
 */
export class ObjectCache<V> {
  readonly entries = new Map<unknown, CachedValue<V>>();
  dirty = 0;

  constructor(readonly entriesMax: number) {}

  get(id: unknown): CachedValue<V> | undefined {
    return this.entries.get(id);
  }

  /** Records a value read from the table (clean). */
  remember(id: unknown, key: readonly unknown[], timeMs: number, value: V | null): void {
    this.entries.set(id, { key: key.slice(), timeMs, value, dirty: false });
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
    this.entries.set(id, { key: key.slice(), timeMs, value, dirty: true });
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

  /** Drops entries (dirty ones too) the predicate selects. */
  drop(predicate: (entry: CachedValue<V>) => boolean): void {
    for (const [id, entry] of this.entries) {
      if (!predicate(entry)) continue;
      if (entry.dirty) this.dirty--;
      this.entries.delete(id);
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
