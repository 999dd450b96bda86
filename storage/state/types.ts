/**
 * The state contract: an ordered byte-key / byte-value store with named tables, written through
 * an in-memory layer of pending writes and committed atomically together with metadata.
 *
 * Reads (`get`, `range`, `prefix`) are synchronous and see the pending writes. `commit` persists
 * every table's pending writes plus the given metadata entries (input offsets, changelog
 * positions...) in one transaction: after a crash a reopened environment has either all of a
 * commit or none of it. Keys are compared as unsigned bytes; build them with `KeyWriter`.
 */

export type StateBackendKind = 'memory' | 'lmdb' | 'rocksdb';

/**
 * Bounds of a scan. At most one lower bound (`gte` or `gt`) and one upper bound (`lte` or `lt`);
 * absent bounds are open. `reverse` walks from the upper bound down. `limit` caps the entries.
 */
export interface KeyRange {
  gte?: Buffer;
  gt?: Buffer;
  lte?: Buffer;
  lt?: Buffer;
  reverse?: boolean;
  limit?: number;
}

export interface StateEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** A pending or committed write: `value` null deletes the key. */
export interface PendingWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

export interface StateReader {
  /** The value, or undefined when the key is absent. Do not mutate the returned buffer. */
  get(key: Buffer): Buffer | undefined;
  has(key: Buffer): boolean;
  /** Entries in key order (or reverse) within the range. Consume or break; do not hold open for long. */
  range(range?: KeyRange): IterableIterator<StateEntry>;
  /** Entries whose key starts with `prefix`. */
  prefix(prefix: Buffer, options?: { reverse?: boolean; limit?: number }): IterableIterator<StateEntry>;
}

/** One named table of an environment (an lmdb sub-database, a key prefix in RocksDB). */
export interface StateTable extends StateReader {
  readonly name: string;
  /** Buffers the write until the next commit. The table owns `key` and `value` afterwards. */
  put(key: Buffer, value: Buffer): void;
  delete(key: Buffer): void;
  /** Deletes every key in the range (buffered like `delete`); returns how many. */
  deleteRange(range: KeyRange): number;
  /** Uncommitted writes, in key order. */
  pendingWrites(): IterableIterator<PendingWrite>;
  pendingCount(): number;
  pendingBytes(): number;
  /** Committed entries (exact; pending writes not counted). */
  committedEntries(): number;
}

export interface CommitOutcome {
  /** Puts and deletes persisted. */
  writes: number;
  /** Key and value bytes persisted. */
  bytes: number;
  durationMs: number;
}

/** Metadata entries written with a commit: name -> bytes, or null to delete the entry. */
export type CommitMetadata = ReadonlyMap<string, Buffer | null>;

/**
 * A commit in two steps, so that work which must happen between freezing the writes and
 * persisting them (appending them to a changelog) can run while new writes keep arriving:
 * `prepareCommit()` moves every pending write to a frozen layer (reads still see it, new writes
 * go to a fresh pending layer); `finish()` persists the frozen writes with the metadata;
 * `abort()` puts them back under the newer pending writes.
 */
export interface PreparedCommit {
  /** Tables with frozen writes. */
  tables(): string[];
  /** The frozen writes of a table, in key order. */
  writes(table: string): IterableIterator<PendingWrite>;
  writeCount(): number;
  finish(metadata?: CommitMetadata): CommitOutcome;
  abort(): void;
}

/** An explicit batch of writes applied atomically by `StateEnvironment.write`. */
export interface WriteOperation {
  readonly table: string;
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** A consistent, read-only view of the committed state as it was when taken. */
export interface StateSnapshot {
  table(name: string): StateReader;
  metadata(name: string): Buffer | undefined;
  release(): void;
}

export interface StateTableStats {
  committedEntries: number;
  pendingWrites: number;
  pendingBytes: number;
}

export interface StateEnvironmentStats {
  backend: StateBackendKind;
  tables: Record<string, StateTableStats>;
  /** Bytes the backend uses (lmdb: pages in use; rocksdb: SST files + memtables; memory: keys + values). */
  sizeBytes: number;
  commits: number;
  committedWrites: number;
  lastCommitMs: number;
}

export interface StateEnvironment {
  readonly backend: StateBackendKind;
  /** Directory of the environment (null for memory). */
  readonly path: string | null;
  /** Opens (creating on first commit) the named table. */
  table(name: string): StateTable;
  /** Tables that hold committed data or were opened. */
  tableNames(): string[];
  pendingWriteCount(): number;
  pendingBytes(): number;
  /** A committed metadata entry. */
  metadata(name: string): Buffer | undefined;
  /** Persists every pending write and the metadata atomically (synchronous). */
  commit(metadata?: CommitMetadata): CommitOutcome;
  prepareCommit(): PreparedCommit;
  /** Applies `operations` and the metadata atomically, bypassing the pending layer (bulk loads). */
  write(operations: Iterable<WriteOperation>, metadata?: CommitMetadata): CommitOutcome;
  /** Deletes a table's committed and pending data at once (its own transaction). */
  dropTable(name: string): void;
  snapshot(): StateSnapshot;
  stats(): StateEnvironmentStats;
  /** Pending writes are discarded. */
  close(): Promise<void>;
  /** Closes and deletes every file. */
  destroy(): Promise<void>;
  readonly closed: boolean;
}

/** Limits every backend enforces (lmdb's own key limit is the default). */
export interface StateLimits {
  keyBytesMax: number;
  valueBytesMax: number;
}

export const defaultStateLimits: Readonly<StateLimits> = Object.freeze({
  keyBytesMax: 1978,
  valueBytesMax: 1_048_576 - 4096,
});
