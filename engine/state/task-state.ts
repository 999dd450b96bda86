/**
 * TaskState: the state of one task (one input partition of one query): its stores, their
 * changelogs, commits and restore.
 *
 * Use: create it, register the stores (`keyValueStore`, `windowStore`, `sessionStore`), `await
 * restore()`, resume reading from `checkpoint()?.inputOffsets` (null: no state yet — use the
 * consumer group's offsets), call the stores per record, and `await maybeCommit(...)` after each
 * batch.
 *
 * Commit protocol (`commit`): the stores' cached objects are flushed to the environment's pending
 * writes, which are frozen; for every store, the frozen writes (latest value per key, null for a
 * delete) and a commit marker carrying {sequence, input offsets, metadata} are appended to its
 * changelog; then ONE environment transaction writes the state, the checkpoint (sequence, input
 * offsets, metadata) and each store's changelog position. A crash before the transaction leaves
 * the previous commit locally; a crash after it leaves this one — offsets always match state.
 *
 * Restore (`restore`): local state is used as it is, at once. A changelog that holds complete
 * commits beyond the local position (another server went on, or a crash between append and
 * transaction) is applied from that position up to the last marker every store has, and the
 * checkpoint becomes that marker's; with no local state the whole changelog is replayed the same
 * way. Records after that marker (a commit that did not finish) are not applied; their keys are
 * re-sent with their current values at the next commit, so the changelog again says what the
 * state says. A changelog shorter than the local position (lost) gets the whole store re-sent.
 */
import { SluiceError, defaultLimits, isSluiceError, mismatch, systemClock } from '../../common/index.js';
import type { Clock, Limits } from '../../common/index.js';
import { batchLastOffset, decodeRecords } from '../../storage/log/index.js';
import type { Log, LogRecord, RecordToEncode } from '../../storage/log/index.js';
import type { StateEnvironment, WriteOperation } from '../../storage/state/index.js';
import {
  changelogTopicName,
  decodeCheckpoint,
  decodeMarker,
  encodeChangelogBatches,
  encodeCheckpoint,
  isCommitMarker,
  markerRecord,
} from './changelog.js';
import type { CommitCheckpoint, InputOffset, StoreState } from './changelog.js';
import { KeyValueStore } from './key-value-store.js';
import type { KeyValueStoreOptions } from './key-value-store.js';
import { SessionStore } from './session-store.js';
import type { SessionStoreOptions } from './session-store.js';
import type { ManagedStore, StoreContext, StoreStats } from './store-base.js';
import { engineValueCodec } from './value-codec.js';
import type { ValueCodec } from './value-codec.js';
import { WindowStore } from './window-store.js';
import type { WindowStoreOptions } from './window-store.js';

const CHECKPOINT_KEY = 'task.checkpoint';
const STORE_KEY_PREFIX = 'store.';
const STORE_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-]{0,199}$/;

export interface TaskStateOptions {
  /** The task's environment (storage/state); TaskState owns it from now on and closes it. */
  environment: StateEnvironment;
  /** Where changelogs live; null keeps state local only (transient queries, tests). */
  log: Log | null;
  /** Changelog topics are `<applicationId>-<store>-changelog`. */
  applicationId: string;
  /** The task's input partition: every store's changelog partition. */
  partition: number;
  /** Partitions of changelog topics created here. Default partition + 1. */
  changelogPartitions?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** batchBytesMax (changelog batches), taskReadBytesMax (restore reads). */
  limits?: Limits;
  /** `maybeCommit` commits when this much time passed since the last commit. Default 2000 (ksqlDB's commit.interval.ms). */
  commitIntervalMs?: number;
  /** ... or when this many writes are buffered. Default 100,000. */
  commitWritesMax?: number;
}

/** What a commit records with the state. */
export interface CommitPoint {
  /** Next offset to read of each input partition of the task. */
  inputOffsets: InputOffset[];
  /** Anything JSON the task needs back with the state (stream time...). */
  metadata?: unknown;
}

export interface TaskCommitOutcome {
  /** False when there was nothing to commit. */
  committed: boolean;
  sequence: number;
  stateWrites: number;
  changelogRecords: number;
  durationMs: number;
}

export interface RestoreOutcome {
  /** Where processing resumes: null when no state exists anywhere yet. */
  checkpoint: CommitCheckpoint | null;
  /** Changelog records applied to local state. */
  restoredRecords: number;
  /** Keys re-sent at the next commit (records of an unfinished commit, or a lost changelog). */
  repairedKeys: number;
  durationMs: number;
  /** True when the changelogs disagreed beyond repair (a marker was compacted away): state may be off by one commit. */
  inconsistent: boolean;
}

export interface TaskStateStats {
  backend: string;
  sizeBytes: number;
  commits: number;
  lastCommitMs: number;
  lastCommitWrites: number;
  changelogRecordsAppended: number;
  sequence: number;
  restoreMs: number;
  restoredRecords: number;
  stores: Record<string, StoreStats>;
}

interface StoreMeta {
  nextOffset: number;
  sequence: number;
  persistent: Record<string, number>;
  /** The last marker applied during a restore (so an interrupted restore finds its checkpoint). */
  checkpoint?: CommitCheckpoint;
}

interface MarkerAt {
  offset: number;
  checkpoint: CommitCheckpoint;
  storeState: StoreState;
}

interface StorePlan {
  store: ManagedStore;
  topic: string;
  local: StoreMeta | null;
  start: number;
  highWatermark: number;
  hasHistory: boolean;
  lastMarker: MarkerAt | null;
  /** Every marker in [start, highWatermark), when a full scan was needed. */
  markers: MarkerAt[] | null;
  lastSequence: number;
  reemitAll: boolean;
  target: MarkerAt | null;
}

function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function decodeStoreMeta(bytes: Buffer, where: string): StoreMeta {
  let parsed: Partial<StoreMeta>;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as Partial<StoreMeta>;
  } catch (error) {
    throw new SluiceError('STATE_CORRUPT', `${where}: expected JSON store metadata, found unparsable bytes`, {}, { cause: error });
  }
  if (!parsed || !Number.isInteger(parsed.nextOffset) || !Number.isInteger(parsed.sequence)) {
    throw mismatch('STATE_CORRUPT', where, '{nextOffset, sequence, persistent}', bytes.toString('utf8').slice(0, 200));
  }
  const meta: StoreMeta = { nextOffset: parsed.nextOffset!, sequence: parsed.sequence!, persistent: parsed.persistent ?? {} };
  if (parsed.checkpoint) meta.checkpoint = decodeCheckpoint(encodeJson(parsed.checkpoint), where);
  return meta;
}

export class TaskState {
  readonly environment: StateEnvironment;
  readonly log: Log | null;
  readonly applicationId: string;
  readonly partition: number;
  readonly commitIntervalMs: number;
  readonly commitWritesMax: number;
  private readonly changelogPartitions: number;
  private readonly clock: Clock;
  private readonly limits: Limits;
  private readonly stores = new Map<string, ManagedStore>();
  private readonly context: StoreContext;
  private restoring = false;
  private current: CommitCheckpoint | null = null;
  private sequence = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private lastCommitAtMs: number;
  private commits = 0;
  private lastCommitMs = 0;
  private lastCommitWrites = 0;
  private changelogRecordsAppended = 0;
  private restoreMs = 0;
  private restoredRecords = 0;

  constructor(options: TaskStateOptions) {
    if (!Number.isInteger(options.partition) || options.partition < 0) throw mismatch('INVALID_ARGUMENT', 'task partition', 'an integer >= 0', String(options.partition));
    this.environment = options.environment;
    this.log = options.log;
    this.applicationId = options.applicationId;
    this.partition = options.partition;
    this.changelogPartitions = Math.max(options.changelogPartitions ?? 0, options.partition + 1);
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? defaultLimits;
    this.commitIntervalMs = options.commitIntervalMs ?? 2000;
    this.commitWritesMax = options.commitWritesMax ?? 100_000;
    if (!(this.commitIntervalMs >= 0)) throw mismatch('INVALID_ARGUMENT', 'commitIntervalMs', 'a number >= 0', String(options.commitIntervalMs));
    this.context = { ready: false, closed: false, taskName: `${options.applicationId}[${options.partition}]` };
    this.lastCommitAtMs = this.clock.monotonicMs();
  }

  // ---- stores ----

  private register<S extends ManagedStore>(name: string, create: () => S): S {
    if (this.context.closed) throw new SluiceError('STATE_CLOSED', `task state ${this.context.taskName} is closed`);
    if (this.context.ready || this.restoring) throw new SluiceError('INTERNAL_ASSERTION', `state store ${name}: register every store before restore()`);
    if (!STORE_NAME.test(name)) throw mismatch('INVALID_ARGUMENT', 'state store name', '1-200 characters of [A-Za-z0-9._-]', JSON.stringify(name));
    if (this.stores.has(name)) throw mismatch('INVALID_ARGUMENT', `state store ${name}`, 'a name not registered yet', 'a duplicate');
    const store = create();
    if (this.log) store.changelogTopic = changelogTopicName(this.applicationId, name);
    this.stores.set(name, store);
    return store;
  }

  keyValueStore<V = unknown[]>(name: string, options: Partial<KeyValueStoreOptions<V>> = {}): KeyValueStore<V> {
    return this.register(name, () => new KeyValueStore<V>(this.context, name, this.environment.table(name), { ...options, codec: options.codec ?? (engineValueCodec as ValueCodec<V>) }));
  }

  windowStore<V = unknown[]>(name: string, options: Omit<WindowStoreOptions<V>, 'codec'> & { codec?: ValueCodec<V> }): WindowStore<V> {
    return this.register(name, () => new WindowStore<V>(this.context, name, this.environment.table(name), { ...options, codec: options.codec ?? (engineValueCodec as ValueCodec<V>) }));
  }

  sessionStore<V = unknown[]>(name: string, options: Omit<SessionStoreOptions<V>, 'codec'> & { codec?: ValueCodec<V> }): SessionStore<V> {
    return this.register(name, () => new SessionStore<V>(this.context, name, this.environment.table(name), { ...options, codec: options.codec ?? (engineValueCodec as ValueCodec<V>) }));
  }

  storeNames(): string[] {
    return [...this.stores.keys()];
  }

  /** True once restore() finished (the stores may be used). */
  get ready(): boolean {
    return this.context.ready;
  }

  /** Where the task resumes: the checkpoint of the state as restored or last committed. */
  checkpoint(): CommitCheckpoint | null {
    return this.current;
  }

  // ---- restore ----

  private async ensureTopic(topic: string): Promise<void> {
    const log = this.log!;
    if (!log.hasTopic(topic)) {
      try {
        await log.createTopic(topic, { partitions: this.changelogPartitions, configs: { 'cleanup.policy': 'compact' } });
        return;
      } catch (error) {
        if (!isSluiceError(error, 'LOG_TOPIC_EXISTS')) throw error;
      }
    }
    if (log.describeTopic(topic).partitions <= this.partition) {
      try {
        await log.createPartitions(topic, this.partition + 1);
      } catch (error) {
        if (log.describeTopic(topic).partitions <= this.partition) throw error;
      }
    }
  }

  /** Calls `onRecords` with the records of [from, to) in order, one read at a time. */
  private async readChangelog(topic: string, from: number, to: number, onRecords: (records: LogRecord[]) => void): Promise<void> {
    const log = this.log!;
    let offset = from;
    while (offset < to) {
      const result = await log.read(topic, this.partition, offset, this.limits.taskReadBytesMax);
      if (result.batches.length === 0) break;
      const records: LogRecord[] = [];
      let next = offset;
      for (const batch of result.batches) {
        for (const record of decodeRecords(batch)) if (record.offset >= offset && record.offset < to) records.push(record);
        next = Math.max(next, batchLastOffset(batch) + 1);
      }
      if (records.length > 0) onRecords(records);
      if (next <= offset) break;
      offset = next;
    }
  }

  private async scanMarkers(plan: StorePlan): Promise<MarkerAt[]> {
    const markers: MarkerAt[] = [];
    await this.readChangelog(plan.topic, plan.start, plan.highWatermark, (records) => {
      for (const record of records) {
        if (isCommitMarker(record)) markers.push({ offset: record.offset, ...decodeMarker(record, `changelog ${plan.topic} marker at ${record.offset}`) });
      }
    });
    return markers;
  }

  /**
   * Brings local state up to date (see the header) and makes the stores usable. Call once, after
   * registering every store.
   */
  async restore(): Promise<RestoreOutcome> {
    if (this.context.closed) throw new SluiceError('STATE_CLOSED', `task state ${this.context.taskName} is closed`);
    if (this.context.ready || this.restoring) throw new SluiceError('INTERNAL_ASSERTION', `task state ${this.context.taskName}: restore() runs once`);
    this.restoring = true;
    const started = this.clock.monotonicMs();
    try {
      return await this.restoreNow(started);
    } finally {
      this.restoring = false;
    }
  }

  private async restoreNow(started: number): Promise<RestoreOutcome> {
    const environment = this.environment;
    const localBytes = environment.metadata(CHECKPOINT_KEY);
    const localCheckpoint = localBytes ? decodeCheckpoint(localBytes, `${this.context.taskName} checkpoint`) : null;

    const plans: StorePlan[] = [];
    for (const store of this.stores.values()) {
      const metaBytes = environment.metadata(STORE_KEY_PREFIX + store.name);
      const local = metaBytes ? decodeStoreMeta(metaBytes, `state store ${store.name} metadata`) : null;
      if (!local && store.table.committedEntries() > 0) {
        // Data without metadata cannot be placed in the changelog's history: start over.
        environment.dropTable(store.name);
      }
      if (local) store.loadPersistentState(local.persistent);
      const plan: StorePlan = {
        store,
        topic: store.changelogTopic ?? '',
        local,
        start: 0,
        highWatermark: 0,
        hasHistory: local !== null,
        lastMarker: null,
        markers: null,
        lastSequence: local?.sequence ?? 0,
        reemitAll: false,
        target: null,
      };
      plans.push(plan);
      if (!this.log || store.changelogTopic === null) continue;
      await this.ensureTopic(plan.topic);
      const offsets = this.log.offsets(plan.topic, this.partition);
      plan.highWatermark = offsets.highWatermark;
      if (local && local.nextOffset > offsets.highWatermark) {
        // The changelog lost what the local state has: send the whole store again.
        plan.reemitAll = true;
        plan.start = offsets.highWatermark;
      } else plan.start = Math.max(local?.nextOffset ?? 0, offsets.logStartOffset);
      if (offsets.highWatermark > offsets.logStartOffset) plan.hasHistory = true;
      if (plan.start < plan.highWatermark) {
        // Fast path: the tail normally ends with a marker (the last record of a finished commit).
        let last: LogRecord | undefined;
        await this.readChangelog(plan.topic, plan.highWatermark - 1, plan.highWatermark, (records) => {
          last = records[records.length - 1];
        });
        if (last && isCommitMarker(last)) {
          plan.lastMarker = { offset: last.offset, ...decodeMarker(last, `changelog ${plan.topic} marker at ${last.offset}`) };
        } else {
          plan.markers = await this.scanMarkers(plan);
          plan.lastMarker = plan.markers[plan.markers.length - 1] ?? null;
        }
        if (plan.lastMarker) plan.lastSequence = Math.max(plan.lastSequence, plan.lastMarker.checkpoint.sequence);
      }
    }

    // The last commit every store has.
    const withHistory = plans.filter((plan) => plan.hasHistory);
    const target = withHistory.length > 0 ? Math.min(...withHistory.map((plan) => plan.lastSequence)) : (localCheckpoint?.sequence ?? 0);
    let inconsistent = false;
    for (const plan of plans) {
      if (plan.lastMarker && plan.lastMarker.checkpoint.sequence <= target) {
        plan.target = plan.lastMarker;
        continue;
      }
      if (!plan.lastMarker) continue;
      plan.markers ??= await this.scanMarkers(plan);
      for (const marker of plan.markers) if (marker.checkpoint.sequence <= target) plan.target = marker;
      const reached = plan.target?.checkpoint.sequence ?? plan.local?.sequence ?? 0;
      if (reached !== target) inconsistent = true;
    }

    // The checkpoint of that commit.
    let checkpoint: CommitCheckpoint | null = null;
    if (localCheckpoint && localCheckpoint.sequence === target) checkpoint = localCheckpoint;
    for (const plan of plans) {
      if (checkpoint) break;
      if (plan.target?.checkpoint.sequence === target) checkpoint = plan.target.checkpoint;
      else if (plan.local?.checkpoint?.sequence === target) checkpoint = plan.local.checkpoint;
    }
    if (!checkpoint && target > 0) {
      inconsistent = true;
      checkpoint = localCheckpoint;
    }

    // Apply each store's changelog up to its target marker; collect the keys after it.
    let restoredRecords = 0;
    let repairedKeys = 0;
    const repairs = new Map<ManagedStore, Buffer[]>();
    const chunkRecordsMax = 20_000;
    const chunkBytesMax = 8 * 1024 * 1024;
    for (const plan of plans) {
      const store = plan.store;
      const storeStarted = this.clock.monotonicMs();
      let applied = 0;
      const lastApplied = plan.target ? plan.target.offset : plan.start - 1;
      let operations: WriteOperation[] = [];
      let bytes = 0;
      let passed: CommitCheckpoint | undefined = plan.local?.checkpoint;
      let passedSequence = plan.local?.sequence ?? 0;
      const repair: Buffer[] = [];
      const flush = (nextOffset: number): void => {
        const meta: StoreMeta = { nextOffset, sequence: passedSequence, persistent: store.persistentState() };
        if (passed) meta.checkpoint = passed;
        environment.write(operations, new Map([[STORE_KEY_PREFIX + store.name, encodeJson(meta)]]));
        operations = [];
        bytes = 0;
      };
      if (this.log && plan.start < plan.highWatermark) {
        await this.readChangelog(plan.topic, plan.start, plan.highWatermark, (records) => {
          for (const record of records) {
            if (isCommitMarker(record)) {
              if (record.offset <= lastApplied) {
                passed = decodeCheckpoint(record.value ?? Buffer.alloc(0), `changelog ${plan.topic} marker at ${record.offset}`);
                passedSequence = passed.sequence;
              }
              continue;
            }
            if (record.key === null) throw new SluiceError('STATE_CORRUPT', `changelog ${plan.topic} record at ${record.offset} has no key`);
            if (record.offset > lastApplied) {
              repair.push(record.key);
              continue;
            }
            operations.push({ table: store.name, key: store.fromChangelogKey(record.key, true), value: record.value });
            bytes += record.key.length + (record.value?.length ?? 0);
            applied++;
          }
          if (operations.length >= chunkRecordsMax || bytes >= chunkBytesMax) flush(Math.min(records[records.length - 1]!.offset, lastApplied) + 1);
        });
      }
      // The store's own numbers as they were at the commit it now reflects.
      if (plan.target) store.loadPersistentState(plan.target.storeState);
      if (applied > 0 || operations.length > 0) flush(lastApplied + 1);
      store.restoredRecords = applied;
      store.restoreMs = this.clock.monotonicMs() - storeStarted;
      restoredRecords += applied;
      if (repair.length > 0) repairs.set(store, repair);
      store.changelogNextOffset = lastApplied + 1;
    }

    // The checkpoint and every store's position, in one transaction.
    this.sequence = Math.max(target, localCheckpoint?.sequence ?? 0);
    const meta = new Map<string, Buffer | null>();
    for (const plan of plans) {
      meta.set(STORE_KEY_PREFIX + plan.store.name, encodeJson({ nextOffset: plan.store.changelogNextOffset, sequence: target, persistent: plan.store.persistentState() } satisfies StoreMeta));
    }
    if (checkpoint) meta.set(CHECKPOINT_KEY, encodeCheckpoint(checkpoint));
    environment.write([], meta);
    this.current = checkpoint;

    // Repairs go to the pending writes: the next commit re-sends them to the changelog.
    for (const [store, keys] of repairs) {
      for (const changelogKey of keys) {
        const tableKey = store.fromChangelogKey(changelogKey, false);
        const value = store.table.get(tableKey);
        if (value === undefined) store.table.delete(tableKey);
        else store.table.put(tableKey, value);
        repairedKeys++;
      }
    }
    for (const plan of plans) {
      if (!plan.reemitAll) continue;
      const entries = [...plan.store.table.range()];
      for (const entry of entries) plan.store.table.put(entry.key, entry.value);
      repairedKeys += entries.length;
    }
    this.context.ready = true;
    for (const store of this.stores.values()) {
      store.invalidate();
      store.afterRestore();
    }
    this.restoredRecords = restoredRecords;
    this.restoreMs = this.clock.monotonicMs() - started;
    this.lastCommitAtMs = this.clock.monotonicMs();
    return { checkpoint, restoredRecords, repairedKeys, durationMs: this.restoreMs, inconsistent };
  }

  // ---- commit ----

  /** Writes buffered since the last commit (cached objects included). */
  pendingWrites(): number {
    let count = this.environment.pendingWriteCount();
    for (const store of this.stores.values()) count += store.dirtyEntries();
    return count;
  }

  /** True when the commit interval has passed or too many writes are buffered. */
  commitNeeded(): boolean {
    return this.clock.monotonicMs() - this.lastCommitAtMs >= this.commitIntervalMs || this.pendingWrites() >= this.commitWritesMax;
  }

  /** Commits when `commitNeeded()`; resolves to whether it did. */
  async maybeCommit(point: CommitPoint | (() => CommitPoint)): Promise<boolean> {
    if (!this.commitNeeded()) return false;
    await this.commit(point);
    return true;
  }

  /**
   * Commits the state with the input offsets (see the header). Commits run one at a time; a
   * function is called when this commit's turn comes, so its offsets match the state frozen then.
   */
  commit(point: CommitPoint | (() => CommitPoint)): Promise<TaskCommitOutcome> {
    const next = this.chain.then(() => this.commitNow(typeof point === 'function' ? point() : point));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async commitNow(point: CommitPoint): Promise<TaskCommitOutcome> {
    if (this.context.closed) throw new SluiceError('STATE_CLOSED', `task state ${this.context.taskName} is closed`);
    if (!this.context.ready) throw new SluiceError('INTERNAL_ASSERTION', `task state ${this.context.taskName}: commit before restore()`);
    const started = this.clock.monotonicMs();
    const metadata = point.metadata ?? null;
    JSON.stringify(metadata);
    for (const store of this.stores.values()) store.flush();
    const prepared = this.environment.prepareCommit();
    const writes = prepared.writeCount();
    const sameOffsets = this.current !== null && JSON.stringify(this.current.inputOffsets) === JSON.stringify(point.inputOffsets) && JSON.stringify(this.current.metadata) === JSON.stringify(metadata);
    if (writes === 0 && sameOffsets) {
      prepared.abort();
      this.lastCommitAtMs = this.clock.monotonicMs();
      return { committed: false, sequence: this.sequence, stateWrites: 0, changelogRecords: 0, durationMs: 0 };
    }
    let changelogRecords = 0;
    try {
      let sequence = this.sequence;
      if (writes > 0 && this.log) sequence = this.sequence + 1;
      const checkpoint: CommitCheckpoint = { sequence, inputOffsets: point.inputOffsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })), metadata, committedAtMs: this.clock.nowMs() };
      const nextOffsets = new Map<ManagedStore, number>();
      if (writes > 0 && this.log) {
        this.sequence = sequence; // used even if this commit fails: sequences are never reused
        for (const store of this.stores.values()) {
          if (store.changelogTopic === null) continue;
          const records: RecordToEncode[] = [];
          for (const write of prepared.writes(store.name)) records.push({ key: store.toChangelogKey(write.key), value: write.value });
          records.push(markerRecord(checkpoint, store.persistentState()));
          changelogRecords += records.length;
          let nextOffset = store.changelogNextOffset;
          for (const batch of encodeChangelogBatches(records, checkpoint.committedAtMs, this.limits.batchBytesMax)) {
            const result = await this.log.append(store.changelogTopic, this.partition, batch);
            nextOffset = result.lastOffset + 1;
          }
          nextOffsets.set(store, nextOffset);
        }
      }
      const meta = new Map<string, Buffer | null>([[CHECKPOINT_KEY, encodeCheckpoint(checkpoint)]]);
      for (const store of this.stores.values()) {
        const nextOffset = nextOffsets.get(store) ?? store.changelogNextOffset;
        meta.set(STORE_KEY_PREFIX + store.name, encodeJson({ nextOffset, sequence, persistent: store.persistentState() } satisfies StoreMeta));
      }
      if (this.context.closed) throw new SluiceError('STATE_CLOSED', `task state ${this.context.taskName} closed during a commit`);
      const outcome = prepared.finish(meta);
      for (const [store, nextOffset] of nextOffsets) store.changelogNextOffset = nextOffset;
      this.current = checkpoint;
      this.commits++;
      this.lastCommitWrites = outcome.writes;
      this.changelogRecordsAppended += changelogRecords;
      this.lastCommitAtMs = this.clock.monotonicMs();
      this.lastCommitMs = this.lastCommitAtMs - started;
      return { committed: true, sequence, stateWrites: outcome.writes, changelogRecords, durationMs: this.lastCommitMs };
    } catch (error) {
      prepared.abort();
      throw error;
    }
  }

  // ---- life ----

  stats(): TaskStateStats {
    const stores: Record<string, StoreStats> = {};
    for (const [name, store] of this.stores) stores[name] = store.stats();
    const environment = this.environment.stats();
    return {
      backend: environment.backend,
      sizeBytes: environment.sizeBytes,
      commits: this.commits,
      lastCommitMs: this.lastCommitMs,
      lastCommitWrites: this.lastCommitWrites,
      changelogRecordsAppended: this.changelogRecordsAppended,
      sequence: this.sequence,
      restoreMs: this.restoreMs,
      restoredRecords: this.restoredRecords,
      stores,
    };
  }

  /** Waits for a commit in progress, then closes the environment. Uncommitted writes are dropped. */
  async close(): Promise<void> {
    if (this.context.closed) return;
    await this.chain;
    this.context.closed = true;
    this.context.ready = false;
    await this.environment.close();
  }

  /** Closes and deletes the local state (the changelogs stay). */
  async destroy(): Promise<void> {
    await this.close();
    await this.environment.destroy();
  }

  /** Deletes the stores' changelog topics (a terminated query's cleanup). */
  async deleteChangelogs(): Promise<void> {
    if (!this.log) return;
    for (const store of this.stores.values()) {
      if (store.changelogTopic !== null && this.log.hasTopic(store.changelogTopic)) await this.log.deleteTopic(store.changelogTopic);
    }
  }
}
