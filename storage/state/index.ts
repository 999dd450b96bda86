/**
 * storage/state — ordered byte-key / byte-value stores for operator state.
 *
 * An environment (one per task) holds named tables. Writes are buffered in memory (a sorted
 * pending layer, read back by `get` and merged into scans) and persisted by `commit(metadata)`,
 * which writes every table's pending writes and the metadata entries (input offsets, changelog
 * positions) in one transaction — so after a crash state and offsets never diverge. Backends:
 * `memory` (sorted in-memory maps; a `MemoryStateVolume` survives reopen in tests), `lmdb`
 * (default; one lmdb environment per task directory, a named sub-database per table, sync reads)
 * and `rocksdb` (optional; one RocksDB database per task directory, a key prefix per table, sync
 * reads and one WriteBatch per commit; its native module loads only when it is chosen).
 *
 * Keys compare as unsigned bytes; `KeyWriter` builds composite keys that sort in value order
 * (sign-flipped big-endian numbers, escaped and terminated strings).
 *
 * Bytes only: rows, windows and changelogs are engine/state's business. lmdb and RocksDB do their
 * own file I/O inside the directory given; the FileSystem creates and removes that directory.
 */
export type {
  StateBackendKind,
  KeyRange,
  StateEntry,
  PendingWrite,
  StateReader,
  StateTable,
  CommitOutcome,
  CommitMetadata,
  PreparedCommit,
  WriteOperation,
  StateSnapshot,
  StateTableStats,
  StateEnvironmentStats,
  StateEnvironment,
  StateLimits,
} from './types.js';
export { defaultStateLimits } from './types.js';
export { loadStateBackend, openStateEnvironment, stateDirectory } from './open.js';
export type { OpenStateOptions, MemoryStateOptions, LmdbStateOptions, RocksdbStateOptions } from './open.js';
export { MemoryStateVolume } from './memory.js';
export { validateTableName } from './environment.js';
export { SortedStringMap } from './sorted-map.js';
export type { StringBounds } from './sorted-map.js';
export {
  KeyWriter,
  KeyReader,
  prefixEnd,
  compareKeys,
  sortableInt64,
  writeSortableInt64,
  readSortableInt64,
  writeSortableDouble,
  readSortableDouble,
} from './key-encoding.js';
