/**
 * Aggregation (`aggregate@1`), as Kafka Streams' processors run ksqlDB's aggregates, with record
 * caching off (every update is emitted):
 *
 * - AggregateOperator, without a window: KStreamAggregate (stream input: rows without a value are
 *   skipped) and KTableAggregate (table input: ChangePairs from the table GROUP BY; undo the old
 *   row, then add the new one). Output timestamp: the record's, or the larger of it and the
 *   previous aggregate's.
 * - TimeWindowedAggregateOperator (TUMBLING, HOPPING): KStreamWindowAggregate. Stream time is
 *   the largest timestamp the operator has seen on the partition; a record updates each of its
 *   windows whose end is after `streamTime - grace`, and is dropped (counted) for the others.
 * - SessionAggregateOperator: KStreamSessionWindowAggregate. A record's session [ts, ts] merges
 *   with the key's sessions within the gap; each merged-away session gets a tombstone first
 *   (timestamp: its end), then the merged session (timestamp: its end). Outputs carry no headers,
 *   as there. A merged session ending before `streamTime - grace - gap` is dropped.
 * - EMIT FINAL (EmitStrategy.onWindowClose): no per-update output; after each record, once the
 *   close time has advanced, the windows that closed since the last emission are emitted (time
 *   windows: by window start then key bytes, with the stored timestamp; sessions: by end, start,
 *   key bytes, timestamp = end), with the triggering record's headers.
 *
 * Old values (Kafka Streams' sendOldValues): while on (the default; else from the moment a table
 * filter built above calls `enableSendingOldValues()`), outputs are ChangeRecords whose
 * `oldValue` is the key's previous result row (for a new key or window: the result of the initial
 * accumulators, as Kafka Streams forwards it), so a HAVING filter knows whether the row matched
 * before. While off, the previous row is not computed, and a stream record with exactly one
 * output (unwindowed, tumbling) becomes that output in place (no new record).
 *
 * State: read-modify-write of the stores' decoded objects; the stores write them back at the
 * commit (engine/state), so a key updated many times between commits is encoded once.
 */
import { NO_HEADERS } from '../record.js';
import type { EngineRecord, WindowBounds } from '../record.js';
import { EmitThrottle, NO_TIMESTAMP, sessionEmitRange, timeWindowEmitRange, windowEnd, windowStartsFor } from '../../windows/index.js';
import type { Aggregation } from './calls.js';
import { ChangeRecord, type ChangePair } from './change.js';
import type { SqlType } from '../../types/index.js';
import type { AggregateValue, OperatorMetadataLike, SessionEntryLike, SessionStoreLike, WindowEntryLike, WindowStoreLike } from './state.js';
import { defaultSegmentIntervalMs, segmentOf, type KeyValueStore, type SessionStore, type WindowStore } from '../../state/index.js';
import type { Materialization, MaterializedOperator } from './materialized.js';
import { PartitionedOperator, StoreMetadata, storeName, type OperatorTaskContext } from './task-stores.js';

/** Counters an aggregate keeps (metrics). */
export interface AggregateCounters {
  /** Records without a value (streams) or a key, skipped. */
  skippedRecords: number;
  /** Records too late for their window (after grace). */
  lateRecordsDropped: number;
}

/** What every aggregate operator is told about its step. */
export interface AggregateStepInfo {
  stepId: string;
  /** Types of the group key columns (stores give DECIMAL keys their scale back when scanning). */
  keyTypes: readonly SqlType[];
  /** Send old values from the start (default true); else once `enableSendingOldValues()` is called. */
  sendOldValues?: boolean;
}

/** An operator whose outputs can carry the previous row of their key (ChangeRecord.oldValue). */
export interface OldValueSender {
  /** From now on, outputs carry their key's previous row (a table filter downstream needs it). */
  enableSendingOldValues(): void;
}

export function isOldValueSender(operator: unknown): operator is OldValueSender {
  return typeof operator === 'object' && operator !== null && typeof (operator as Partial<OldValueSender>).enableSendingOldValues === 'function';
}

/** Raises the partition's stream time (the largest timestamp seen) to `timestampMs`; returns it. */
function advanceStreamTime(metadata: OperatorMetadataLike, timestampMs: number): number {
  const streamTime = metadata.get(STREAM_TIME) ?? NO_TIMESTAMP;
  if (timestampMs <= streamTime) return streamTime;
  metadata.set(STREAM_TIME, timestampMs);
  return timestampMs;
}

/** The shared part of the aggregate operators: step, counters, stores per partition, old values. */
abstract class AggregateOperatorBase<S> extends PartitionedOperator<S> implements MaterializedOperator, OldValueSender {
  readonly counters: AggregateCounters = { skippedRecords: 0, lateRecordsDropped: 0 };
  protected sendOldValues: boolean;

  constructor(
    protected readonly aggregation: Aggregation,
    step: AggregateStepInfo,
    create: (context: OperatorTaskContext) => S,
  ) {
    super(step.stepId, create);
    this.sendOldValues = step.sendOldValues !== false;
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true;
  }

  /** How pull queries turn a stored value into the step's row. */
  protected readonly storedRow = (value: AggregateValue): { value: unknown[]; timestampMs: number } => ({
    value: this.aggregation.result(value.state),
    timestampMs: value.timestampMs,
  });

  abstract materialized(): Materialization;
}

/** The store names of an aggregate step: the aggregate's own, and its per-task numbers. */
export function aggregateStoreNames(stepId: string): { store: string; metadata: string } {
  const store = storeName(stepId);
  return { store, metadata: `${store}.meta` };
}

export class AggregateOperator extends AggregateOperatorBase<KeyValueStore<AggregateValue>> {
  constructor(
    aggregation: Aggregation,
    private readonly input: 'stream' | 'table',
    step: AggregateStepInfo,
  ) {
    const names = aggregateStoreNames(step.stepId);
    super(aggregation, step, (context) => context.stores.keyValue<AggregateValue>(names.store, { keyTypes: step.keyTypes }));
  }

  materialized(): Materialization {
    const state = this.state;
    return {
      kind: 'key-value',
      stepId: this.stepId,
      keyWindow: null,
      partitions: () => state.partitions(),
      store: (partition) => state.peek(partition) ?? null,
      row: this.storedRow,
    };
  }

  process(records: EngineRecord[]): EngineRecord[] {
    if (this.input === 'table') {
      const out: EngineRecord[] = [];
      for (let i = 0; i < records.length; i++) this.change(records[i]!, out);
      return out;
    }
    let kept = 0;
    for (let i = 0; i < records.length; i++) {
      const output = this.add(records[i]!);
      if (output !== null) records[kept++] = output;
    }
    records.length = kept;
    return records;
  }

  /** A stream record: its output (the record itself, updated, without old values), or null. */
  private add(record: EngineRecord): EngineRecord | null {
    if (record.value === null) {
      this.counters.skippedRecords++;
      return null;
    }
    const aggregation = this.aggregation;
    const store = this.state.get(record.partition);
    let entry = store.get(record.key);
    let oldResult: unknown[] | null = null;
    if (entry === undefined) {
      entry = { state: aggregation.initialize(), timestampMs: record.timestampMs };
      if (this.sendOldValues) oldResult = aggregation.initialResult as unknown[];
    } else {
      if (this.sendOldValues) oldResult = aggregation.result(entry.state);
      if (record.timestampMs > entry.timestampMs) entry.timestampMs = record.timestampMs;
    }
    aggregation.add(record, entry.state, record.offset);
    store.put(record.key, entry);
    const result = aggregation.result(entry.state);
    if (oldResult !== null) return new ChangeRecord(record.key, result, oldResult, entry.timestampMs, record.partition, record.offset, record.headers, null);
    record.value = result;
    record.timestampMs = entry.timestampMs;
    record.window = null;
    return record;
  }

  private change(record: EngineRecord, out: EngineRecord[]): void {
    const pair = record.value as ChangePair | null;
    if (pair === null) {
      this.counters.skippedRecords++;
      return;
    }
    const [newRow, oldRow] = pair;
    const aggregation = this.aggregation;
    const store = this.state.get(record.partition);
    const entry = store.get(record.key);
    const oldResult = entry === undefined || !this.sendOldValues ? null : aggregation.result(entry.state);
    let state = entry === undefined ? null : entry.state;
    let timestampMs = record.timestampMs;
    if (oldRow !== null && entry !== undefined) {
      record.value = oldRow;
      aggregation.undo(record, entry.state);
      timestampMs = Math.max(record.timestampMs, entry.timestampMs);
    }
    if (newRow !== null) {
      if (state === null) state = aggregation.initialize();
      record.value = newRow;
      aggregation.add(record, state, record.offset);
      if (entry !== undefined) timestampMs = Math.max(record.timestampMs, entry.timestampMs);
    }
    record.value = pair;
    if (state === null) {
      this.counters.skippedRecords++;
      return;
    }
    if (entry === undefined) store.put(record.key, { state, timestampMs });
    else {
      entry.timestampMs = timestampMs;
      store.put(record.key, entry);
    }
    out.push(new ChangeRecord(record.key, aggregation.result(state), oldResult, timestampMs, record.partition, record.offset, record.headers, null));
  }
}

/** Per-partition numbers of a windowed aggregate, kept across restarts. */
const STREAM_TIME = 'streamTimeMs';
const LAST_EMIT = 'lastEmitCloseTimeMs';

export interface WindowedAggregateOptions {
  sizeMs: number;
  /** The window store's retention (RETENTION, else size + grace). */
  retentionMs: number;
  /** The advance (the size for tumbling windows). */
  advanceMs: number;
  graceMs: number;
  /** EMIT FINAL. */
  emitFinal: boolean;
  /** Serialized key bytes, to order final emissions as the store's keys are ordered. */
  keyBytes: (key: readonly unknown[]) => Buffer;
  throttle: EmitThrottle;
}

export class TimeWindowedAggregateOperator extends AggregateOperatorBase<{ windows: WindowStore<AggregateValue>; metadata: OperatorMetadataLike }> {
  /** The bounds of the last window output (shared by its outputs: bounds are never changed). */
  private lastBounds: WindowBounds = { startMs: Number.NaN, endMs: Number.NaN };

  constructor(
    aggregation: Aggregation,
    private readonly options: WindowedAggregateOptions,
    step: AggregateStepInfo,
  ) {
    const names = aggregateStoreNames(step.stepId);
    // EMIT FINAL reads a time-ordered store in Kafka Streams, where a window expires when it starts
    // before `observed - retention` (not `observed - retention + 1`): one more millisecond here.
    const retentionMs = options.retentionMs + (options.emitFinal ? 1 : 0);
    const segmentIntervalMs = defaultSegmentIntervalMs(options.retentionMs);
    super(aggregation, step, (context) => ({
      windows: context.stores.window<AggregateValue>(names.store, { retentionMs, segmentIntervalMs, keyTypes: step.keyTypes }),
      metadata: new StoreMetadata(context.stores.keyValue<number>(names.metadata, {})),
    }));
  }

  materialized(): Materialization {
    const state = this.state;
    return {
      kind: 'window',
      stepId: this.stepId,
      windowType: this.options.advanceMs === this.options.sizeMs ? 'TUMBLING' : 'HOPPING',
      sizeMs: this.options.sizeMs,
      partitions: () => state.partitions(),
      store: (partition) => state.peek(partition)?.windows ?? null,
      row: this.storedRow,
    };
  }

  private bounds(startMs: number): WindowBounds {
    if (this.lastBounds.startMs !== startMs) this.lastBounds = { startMs, endMs: windowEnd(startMs, this.options.sizeMs) };
    return this.lastBounds;
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const { sizeMs, advanceMs, graceMs, emitFinal } = this.options;
    const aggregation = this.aggregation;
    const tumbling = advanceMs === sizeMs;
    // A tumbling stream aggregate without old values turns each record into its output in place.
    const inPlace = tumbling && !emitFinal && !this.sendOldValues;
    const out: EngineRecord[] = inPlace ? records : [];
    let kept = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.value === null) {
        this.counters.skippedRecords++;
        continue;
      }
      const { windows, metadata } = this.state.get(record.partition);
      const timestampMs = record.timestampMs;
      const closeTime = advanceStreamTime(metadata, timestampMs) - graceMs;
      // Tumbling windows: the one window holding the timestamp, without a list.
      const starts = tumbling ? null : windowStartsFor(timestampMs, sizeMs, advanceMs);
      const count = starts === null ? 1 : starts.length;
      for (let w = 0; w < count; w++) {
        const startMs = starts === null ? Math.floor(timestampMs / sizeMs) * sizeMs : starts[w]!;
        const bounds = this.bounds(startMs);
        if (bounds.endMs <= closeTime) {
          this.counters.lateRecordsDropped++;
          continue;
        }
        let entry = windows.get(record.key, startMs);
        let oldResult: unknown[] | null = null;
        if (entry === undefined) {
          entry = { state: aggregation.initialize(), timestampMs };
          if (this.sendOldValues && !emitFinal) oldResult = aggregation.initialResult as unknown[];
        } else {
          if (this.sendOldValues && !emitFinal) oldResult = aggregation.result(entry.state);
          if (timestampMs > entry.timestampMs) entry.timestampMs = timestampMs;
        }
        aggregation.add(record, entry.state, record.offset);
        windows.put(record.key, startMs, entry);
        if (emitFinal) continue;
        const result = aggregation.result(entry.state);
        if (inPlace) {
          record.value = result;
          record.timestampMs = entry.timestampMs;
          record.window = bounds;
          records[kept++] = record;
        } else {
          out.push(new ChangeRecord(record.key, result, oldResult, entry.timestampMs, record.partition, record.offset, record.headers, bounds));
        }
      }
      if (emitFinal) this.emitClosed(record, closeTime, windows, metadata, out);
    }
    if (inPlace) records.length = kept;
    return out;
  }

  private emitClosed(
    record: EngineRecord,
    closeTime: number,
    windows: WindowStoreLike<AggregateValue>,
    metadata: OperatorMetadataLike,
    out: EngineRecord[],
  ): void {
    if (!this.options.throttle.due()) return;
    const { sizeMs, advanceMs, keyBytes } = this.options;
    const lastEmit = metadata.get(LAST_EMIT) ?? NO_TIMESTAMP;
    const range = timeWindowEmitRange(closeTime, lastEmit, sizeMs, advanceMs);
    if (range === null) return;
    const closed: Array<WindowEntryLike<AggregateValue> & { bytes: Buffer }> = [];
    for (const entry of windows.fetchAll(range.fromStartMs, range.toStartMs)) closed.push({ ...entry, bytes: keyBytes(entry.key) });
    closed.sort((a, b) => a.windowStartMs - b.windowStartMs || Buffer.compare(a.bytes, b.bytes));
    for (const entry of closed) {
      out.push(
        new ChangeRecord(entry.key, this.aggregation.result(entry.value.state), null, entry.value.timestampMs, record.partition, record.offset, record.headers, {
          startMs: entry.windowStartMs,
          endMs: windowEnd(entry.windowStartMs, sizeMs),
        }),
      );
    }
    metadata.set(LAST_EMIT, closeTime);
  }
}

export interface SessionAggregateOptions {
  gapMs: number;
  /** The session store's retention (RETENTION, else gap + grace). */
  retentionMs: number;
  graceMs: number;
  emitFinal: boolean;
  keyBytes: (key: readonly unknown[]) => Buffer;
  throttle: EmitThrottle;
}

export class SessionAggregateOperator extends AggregateOperatorBase<{ sessions: SessionStoreLike<AggregateValue>; store: SessionStore<AggregateValue>; metadata: OperatorMetadataLike }> {
  constructor(
    aggregation: Aggregation,
    private readonly options: SessionAggregateOptions,
    step: AggregateStepInfo,
  ) {
    const names = aggregateStoreNames(step.stepId);
    // Kafka Streams' session stores: merge lookups see sessions ending at or after
    // `observed - retention + 1`; EMIT FINAL (a time-ordered store) emits what its live segments
    // hold, which can be older. Final mode keeps one segment more and filters lookups itself.
    const retentionMs = options.retentionMs;
    const segmentIntervalMs = defaultSegmentIntervalMs(retentionMs);
    const storeRetentionMs = options.emitFinal ? retentionMs + segmentIntervalMs : retentionMs;
    super(aggregation, step, (context) => {
      const store = context.stores.session<AggregateValue>(names.store, { retentionMs: storeRetentionMs, segmentIntervalMs, keyTypes: step.keyTypes });
      return {
        sessions: sessionStoreView(store, retentionMs, segmentIntervalMs),
        store,
        metadata: new StoreMetadata(context.stores.keyValue<number>(names.metadata, {})),
      };
    });
  }

  materialized(): Materialization {
    const state = this.state;
    return {
      kind: 'session',
      stepId: this.stepId,
      partitions: () => state.partitions(),
      store: (partition) => state.peek(partition)?.store ?? null,
      row: this.storedRow,
    };
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const out: EngineRecord[] = [];
    const { gapMs, graceMs, emitFinal } = this.options;
    const aggregation = this.aggregation;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.value === null) {
        this.counters.skippedRecords++;
        continue;
      }
      const { sessions, metadata } = this.state.get(record.partition);
      const timestampMs = record.timestampMs;
      const streamTime = advanceStreamTime(metadata, timestampMs);
      const closeTime = streamTime - graceMs - gapMs;
      const merged: Array<SessionEntryLike<AggregateValue>> = [];
      let state = aggregation.initialize();
      let startMs = timestampMs;
      let endMs = timestampMs;
      for (const session of sessions.findSessions(record.key, timestampMs - gapMs, timestampMs + gapMs)) {
        merged.push(session);
        state = aggregation.merge(state, session.value.state);
        if (session.startMs < startMs) startMs = session.startMs;
        if (session.endMs > endMs) endMs = session.endMs;
      }
      if (endMs < closeTime) {
        this.counters.lateRecordsDropped++;
      } else {
        if (startMs !== timestampMs || endMs !== timestampMs) {
          for (const session of merged) {
            sessions.remove(record.key, session.startMs, session.endMs);
            if (!emitFinal) {
              const oldResult = this.sendOldValues ? aggregation.result(session.value.state) : null;
              out.push(
                new ChangeRecord(record.key, null, oldResult, session.endMs, record.partition, record.offset, NO_HEADERS, {
                  startMs: session.startMs,
                  endMs: session.endMs,
                }),
              );
            }
          }
        }
        aggregation.add(record, state, record.offset);
        sessions.put(record.key, startMs, endMs, { state, timestampMs: endMs });
        if (!emitFinal) {
          out.push(new ChangeRecord(record.key, aggregation.result(state), null, endMs, record.partition, record.offset, NO_HEADERS, { startMs, endMs }));
        }
      }
      if (emitFinal) this.emitClosed(record, closeTime, sessions, metadata, out);
    }
    return out;
  }

  private emitClosed(
    record: EngineRecord,
    closeTime: number,
    sessions: SessionStoreLike<AggregateValue>,
    metadata: OperatorMetadataLike,
    out: EngineRecord[],
  ): void {
    if (!this.options.throttle.due()) return;
    const lastEmit = metadata.get(LAST_EMIT) ?? NO_TIMESTAMP;
    const range = sessionEmitRange(closeTime, lastEmit);
    if (range === null) return;
    const closed: Array<SessionEntryLike<AggregateValue> & { bytes: Buffer }> = [];
    for (const entry of sessions.findByEnd(range.fromEndMs, range.toEndMs)) closed.push({ ...entry, bytes: this.options.keyBytes(entry.key) });
    closed.sort((a, b) => a.endMs - b.endMs || a.startMs - b.startMs || Buffer.compare(a.bytes, b.bytes));
    for (const entry of closed) {
      out.push(
        new ChangeRecord(entry.key, this.aggregation.result(entry.value.state), null, entry.endMs, record.partition, record.offset, record.headers, {
          startMs: entry.startMs,
          endMs: entry.endMs,
        }),
      );
    }
    metadata.set(LAST_EMIT, closeTime);
  }
}

/**
 * engine/state's SessionStore as the operator's view. Lookups see the sessions ending at or after
 * `observed - retentionMs + 1` (observed: the largest session end stored); `findByEnd` sees every
 * session of a live segment (segments at or after the one holding `observed - retentionMs`).
 */
function sessionStoreView(store: SessionStore<AggregateValue>, retentionMs: number, segmentIntervalMs: number): SessionStoreLike<AggregateValue> {
  const liveFromMs = (): number => (store.observedStreamTimeMs === NO_STREAM_TIME_MS ? Number.MIN_SAFE_INTEGER : store.observedStreamTimeMs - retentionMs + 1);
  return {
    findSessions: (key, earliestEndMs, latestStartMs) => store.findSessions(key, Math.max(earliestEndMs, liveFromMs()), latestStartMs),
    put: (key, startMs, endMs, value) => {
      store.put(key, startMs, endMs, value);
    },
    remove: (key, startMs, endMs) => store.remove(key, startMs, endMs),
    *findByEnd(fromEndMs, toEndMs) {
      const liveSegment = store.observedStreamTimeMs === NO_STREAM_TIME_MS ? Number.MIN_SAFE_INTEGER : segmentOf(store.observedStreamTimeMs - retentionMs, segmentIntervalMs);
      for (const session of store.fetchAll()) {
        if (session.endMs >= fromEndMs && session.endMs <= toEndMs && segmentOf(session.endMs, segmentIntervalMs) >= liveSegment) yield session;
      }
    },
  };
}

/** engine/state's "no stream time yet". */
const NO_STREAM_TIME_MS = Number.MIN_SAFE_INTEGER;
