/**
 * Stream-stream join (Kafka Streams' KStreamKStreamJoin, as ksqlDB builds it): INNER, LEFT, RIGHT
 * and FULL OUTER within a window `(BEFORE, AFTER)`, with an optional GRACE PERIOD.
 *
 * ksqlDB runs a RIGHT join as `right.leftJoin(left)`, so below "kafka left/right" are the sides
 * of that call: the ksqlDB right side is the kafka left side of a RIGHT join (which also mirrors
 * the window: a left record at tL matches a right record at tR when tL is in [tR - before,
 * tR + after]). Each kafka side keeps its records in a window store with duplicates (retention =
 * before + after + grace, records older than the store's observed time minus the retention are
 * neither stored nor found), and a record is joined with the other side's records for its key
 * whose timestamps are in [t - before, t + after] (mirrored for the kafka right side); a match
 * carries the larger of the two timestamps.
 *
 * Null-padded results of LEFT/RIGHT/OUTER joins:
 * - without GRACE PERIOD (ksqlDB's deprecated `JoinWindows.of`), eagerly: a record that finds no
 *   match is emitted at once, padded with nulls;
 * - with GRACE PERIOD (the spurious-result fix, KAFKA-10847), a record that finds no match goes
 *   to the shared outer store and is emitted when its window closes (its time + the window's
 *   look-ahead + grace < stream time), checked when a record that advances the stream time
 *   arrives, at most once per emit interval of wall-clock time (1 s by default, as Kafka Streams
 *   throttles it); a later match deletes it. A record already too late to be matched later
 *   (time + look-ahead < stream time) is emitted at once.
 * Records without a key are dropped, except on an outer side, where they are emitted at once
 * padded with nulls (KIP-962). Records without a value are dropped.
 */
import type { KeyValueStore, ValueCodec, WindowStore } from '../../state/index.js';
import { engineValueCodec } from '../../state/index.js';
import type { EngineRecord } from '../record.js';
import { isNullKey, joinStoreName, stateKey, type JoinLayout } from './layout.js';
import type { JoinProcessor, JoinProcessorFactory, JoinSide, JoinTaskContext } from './types.js';

/** Kafka Streams' default grace of `JoinWindows.of` (24 hours). */
export const DEFAULT_JOIN_GRACE_MS = 24 * 60 * 60 * 1000;
/** Kafka Streams' `__emit.interval.ms.kstreams.outer.join.spurious.results.fix__` default. */
export const DEFAULT_OUTER_JOIN_EMIT_INTERVAL_MS = 1000;

export interface StreamStreamJoinOptions {
  stepId: string;
  joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'OUTER';
  beforeMs: number;
  afterMs: number;
  /** null: no GRACE PERIOD (24 h grace, null-padded results emitted eagerly). */
  graceMs: number | null;
  layout: JoinLayout;
  emitIntervalMs?: number;
}

/** Outer store value: the key columns and window of the records, and their rows (a list store). */
type OuterEntry = [unknown[], number | null, number | null, unknown[][]];
const outerCodec = engineValueCodec as ValueCodec<OuterEntry>;
const rowCodec = engineValueCodec as ValueCodec<unknown[]>;

const KAFKA_RIGHT = 0;
const KAFKA_LEFT = 1;

/** Kafka Streams' per-task time tracker, shared by both sides of a join. */
class TimeTracker {
  streamTime = -1;
  minTime = Number.MAX_SAFE_INTEGER;
  nextTimeToEmit = 0;
}

export class StreamStreamJoinFactory implements JoinProcessorFactory {
  readonly stepId: string;
  constructor(private readonly options: StreamStreamJoinOptions) {
    this.stepId = options.stepId;
  }

  create(context: JoinTaskContext): JoinProcessor {
    const o = this.options;
    const graceMs = o.graceMs ?? DEFAULT_JOIN_GRACE_MS;
    const retentionMs = Math.max(1, o.beforeMs + o.afterMs + graceMs);
    const thisStore = context.stores.window<unknown[]>(joinStoreName(o.stepId, 'this-join-store'), { codec: rowCodec, retentionMs, retainDuplicates: true });
    const otherStore = context.stores.window<unknown[]>(joinStoreName(o.stepId, 'other-join-store'), { codec: rowCodec, retentionMs, retainDuplicates: true });
    const outer = o.joinType !== 'INNER' && o.graceMs !== null ? context.stores.keyValue<OuterEntry>(joinStoreName(o.stepId, 'outer-shared-join-store'), { codec: outerCodec, cacheEntriesMax: 0 }) : null;
    return new StreamStreamJoinProcessor(o, graceMs, thisStore, otherStore, outer, context.nowMs);
  }
}

interface KafkaSide {
  /** Kafka's side flag in the outer store (left = 1, right = 0). */
  flag: number;
  outer: boolean;
  beforeMs: number;
  afterMs: number;
  thisStore: WindowStore<unknown[]>;
  otherStore: WindowStore<unknown[]>;
}

export class StreamStreamJoinProcessor implements JoinProcessor {
  private readonly tracker = new TimeTracker();
  private readonly kafkaLeft: KafkaSide;
  private readonly kafkaRight: KafkaSide;
  private readonly rightJoin: boolean;
  private readonly emitIntervalMs: number;

  constructor(
    private readonly options: StreamStreamJoinOptions,
    private readonly graceMs: number,
    leftStore: WindowStore<unknown[]>,
    rightStore: WindowStore<unknown[]>,
    private readonly outerStore: KeyValueStore<OuterEntry> | null,
    private readonly nowMs: () => number,
  ) {
    const type = options.joinType;
    this.rightJoin = type === 'RIGHT';
    const leftOuter = type === 'LEFT' || type === 'RIGHT' || type === 'OUTER';
    const rightOuter = type === 'OUTER';
    this.kafkaLeft = { flag: KAFKA_LEFT, outer: leftOuter, beforeMs: options.beforeMs, afterMs: options.afterMs, thisStore: leftStore, otherStore: rightStore };
    this.kafkaRight = { flag: KAFKA_RIGHT, outer: rightOuter, beforeMs: options.afterMs, afterMs: options.beforeMs, thisStore: rightStore, otherStore: leftStore };
    this.emitIntervalMs = options.emitIntervalMs ?? DEFAULT_OUTER_JOIN_EMIT_INTERVAL_MS;
  }

  /** The output row from kafka-oriented sides. */
  private joined(kafkaLeftRow: unknown[] | null, kafkaRightRow: unknown[] | null, key: unknown[]): unknown[] {
    return this.rightJoin ? this.options.layout.join(kafkaRightRow, kafkaLeftRow, key) : this.options.layout.join(kafkaLeftRow, kafkaRightRow, key);
  }

  process(side: JoinSide, records: EngineRecord[]): EngineRecord[] {
    const kafkaSide = (side === 'left') !== this.rightJoin ? this.kafkaLeft : this.kafkaRight;
    const out: EngineRecord[] = [];
    for (const record of records) this.processRecord(kafkaSide, record, out);
    return out;
  }

  private processRecord(k: KafkaSide, record: EngineRecord, out: EngineRecord[]): void {
    const isLeft = k.flag === KAFKA_LEFT;
    const ts = record.timestampMs;
    const value = record.value;
    const nullKey = isNullKey(record.key);
    const key = nullKey ? record.key : stateKey(record.key, record.window);
    // KStreamJoinWindow: every keyed record enters this side's window store first.
    if (!nullKey && value !== null) k.thisStore.put(key, ts, value);
    const tracker = this.tracker;
    if (ts > tracker.streamTime) tracker.streamTime = ts;
    if (value === null) return;
    if (nullKey) {
      if (k.outer) out.push(record.withColumns(record.key, isLeft ? this.joined(value, null, record.key) : this.joined(null, value, record.key)));
      return;
    }
    if (this.outerStore !== null && ts === tracker.streamTime) this.emitNonJoined(k, record, out);
    const timeFrom = Math.max(0, ts - k.beforeMs);
    const timeTo = Math.max(0, ts + k.afterMs);
    let matched = false;
    for (const other of k.otherStore.fetch(key, timeFrom, timeTo)) {
      matched = true;
      if (this.outerStore !== null) this.outerStore.delete([other.windowStartMs, isLeft ? KAFKA_RIGHT : KAFKA_LEFT, ...key]);
      const result = record.withColumns(record.key, isLeft ? this.joined(value, other.value, record.key) : this.joined(other.value, value, record.key));
      result.timestampMs = Math.max(ts, other.windowStartMs);
      out.push(result);
    }
    if (matched || !k.outer) return;
    if (this.outerStore === null || timeTo < tracker.streamTime) {
      out.push(record.withColumns(record.key, isLeft ? this.joined(value, null, record.key) : this.joined(null, value, record.key)));
      return;
    }
    if (ts < tracker.minTime) tracker.minTime = ts;
    const storeKey = [ts, k.flag, ...key];
    const existing = this.outerStore.get(storeKey);
    const window = record.window;
    if (existing === undefined) this.outerStore.put(storeKey, [record.key, window?.startMs ?? null, window?.endMs ?? null, [value]]);
    else this.outerStore.put(storeKey, [existing[0], existing[1], existing[2], [...existing[3], value]]);
  }

  /** Kafka Streams' emitNonJoinedOuterRecords: null-padded results for windows that closed. */
  private emitNonJoined(k: KafkaSide, trigger: EngineRecord, out: EngineRecord[]): void {
    const tracker = this.tracker;
    const store = this.outerStore!;
    const grace = this.graceMs;
    // Java adds to Long.MAX_VALUE and overflows: an empty store (minTime = MAX) never returns here.
    const nothingToEmit = tracker.minTime === Number.MAX_SAFE_INTEGER ? k.afterMs + grace === 0 : tracker.minTime + k.afterMs + grace >= tracker.streamTime;
    if (nothingToEmit) return;
    const now = this.nowMs();
    if (now < tracker.nextTimeToEmit) return;
    tracker.nextTimeToEmit = now + this.emitIntervalMs;
    tracker.minTime = Number.MAX_SAFE_INTEGER;
    let leftOpen = false;
    let rightOpen = false;
    const emitted: unknown[][] = [];
    for (const entry of store.all()) {
      const ts = entry.key[0] as number;
      const flag = entry.key[1] as number;
      tracker.minTime = ts;
      if (leftOpen && rightOpen) break;
      const lookBack = flag === KAFKA_LEFT ? this.options.afterMs : this.options.beforeMs;
      if (ts + lookBack + grace >= tracker.streamTime) {
        if (flag === KAFKA_LEFT) leftOpen = true;
        else rightOpen = true;
        continue;
      }
      const [key, windowStart, windowEnd, rows] = entry.value;
      for (const row of rows) {
        const result = trigger.withColumns(key, flag === KAFKA_LEFT ? this.joined(row, null, key) : this.joined(null, row, key));
        result.timestampMs = ts;
        result.window = windowStart === null || windowEnd === null ? null : { startMs: windowStart, endMs: windowEnd };
        out.push(result);
      }
      emitted.push(entry.key);
    }
    for (const key of emitted) store.delete(key);
  }
}
