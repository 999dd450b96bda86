/**
 * engine/state — the state stores operators use, over storage/state, with their changelogs.
 *
 * - TaskState (task-state.ts): one per task. Registers stores, restores them (local state at
 *   once; what the changelog has beyond it, or everything when the local state is gone), commits
 *   state + input offsets + changelog positions in one transaction after appending the changes to
 *   the changelogs, and says when a commit is due (commit interval, buffered writes).
 * - KeyValueStore: row key -> value. WindowStore: (key, window start) -> value, retention by
 *   segments, optional duplicates for joins. SessionStore: (key, [start, end]) -> value with the
 *   merge lookup `findSessions(key, t - gap, t + gap)`.
 * - Keys are `encodeKey(values)` (key-codec.ts): byte order = value order, so windows and key
 *   ranges scan in order. Values go through a ValueCodec: any engine value by default
 *   (`engineValueCodec`), or a ksqlDB format (`rowSerdeCodec`).
 * - Changelogs (changelog.ts): `<applicationId>-<store>-changelog`, compacted, partition = the
 *   task's; each commit ends with a marker record carrying the checkpoint.
 *
 * The per-record path is synchronous: reads hit a cache of decoded values, then the pending
 * writes, then lmdb; writes stay in memory until the commit. Time comes from a Clock.
 */
export { TaskState } from './task-state.js';
export type { TaskStateOptions, CommitPoint, TaskCommitOutcome, RestoreOutcome, TaskStateStats } from './task-state.js';
export { KeyValueStore } from './key-value-store.js';
export type { KeyValueEntry, KeyValueRange, KeyValueStoreOptions } from './key-value-store.js';
export { WindowStore } from './window-store.js';
export type { WindowStoreOptions, WindowedValue, WindowEntry } from './window-store.js';
export { SessionStore } from './session-store.js';
export type { SessionStoreOptions, Session } from './session-store.js';
export type { StoreKind, StoreStats } from './store-base.js';
export { defaultSegmentIntervalMs, segmentOf } from './store-base.js';
export { encodeKey, decodeKey, writeKeyValue, readKeyValue, writeRowKey, writeKeyValues, readKeyValues } from './key-codec.js';
export { engineValueCodec, rowCodec, rowSerdeCodec } from './value-codec.js';
export type { ValueCodec } from './value-codec.js';
export {
  changelogTopicName,
  COMMIT_MARKER_KEY,
  COMMIT_MARKER_HEADER,
  isCommitMarker,
  encodeChangelogBatches,
} from './changelog.js';
export type { InputOffset, CommitCheckpoint } from './changelog.js';
