/**
 * Foreign-key table-table join (`a JOIN b ON a.fk = b.id`, INNER or LEFT): Kafka Streams' KIP-213
 * subscription/response protocol, which ksqlDB uses, over two internal topics.
 *
 * Left task (partition of the left table; inputs: the left table, the response topic):
 * - a left row update is kept in the left store, and sends subscription instructions, keyed by
 *   foreign key, to the registration topic (the partition of the right table that holds that
 *   key), with a hash of the new left row:
 *   INNER: insert -> subscribe(fk, only-if-found); update, same fk -> subscribe(fk, only-if-found);
 *   update, fk changed -> unsubscribe(old fk, no output) + subscribe(new fk, null-if-not-found);
 *   new fk null or delete -> unsubscribe(old fk, propagate);
 *   LEFT: fk changed -> unsubscribe(old fk, no output); always subscribe(new fk, null-if-not-found)
 *   (also for a delete or a null fk), except for the delete of an absent row (nothing);
 * - a response (left key, hash, right row) is dropped when the hash is not the current left row's
 *   (a newer update is on its way); else it gives the joined row (a LEFT join pads a missing
 *   right row with nulls; an INNER join, or a missing left row, gives a tombstone), with the
 *   response's timestamp.
 * Right task (partition of the right table; inputs: the registration topic, the right table):
 * - a subscription is stored under (fk, left key) (deleted by an unsubscribe) and answered per its
 *   instruction with the right row for fk, timestamped max(subscription, right row);
 * - a right row update is kept in the right store and answered to every subscriber of its key,
 *   with the update's timestamp. Responses go back to the subscriber's partition.
 */
import { createHash } from 'node:crypto';
import type { Limits } from '../../../common/index.js';
import type { Log } from '../../../storage/log/index.js';
import type { CompiledExpression } from '../../expressions/index.js';
import { engineValueCodec, type KeyValueStore, type ValueCodec } from '../../state/index.js';
import { valuesEqual, type SqlType } from '../../types/index.js';
import type { StepProcessingLog } from '../processing-log.js';
import { EngineRecord } from '../record.js';
import { PartitionedTopicWriter } from './internal-topic.js';
import { isNullKey, joinStoreName, type JoinLayout } from './layout.js';
import { timedRowCodec, type TimedRow } from './stream-table.js';
import type { JoinProcessor, JoinProcessorFactory, JoinSide, JoinTaskContext } from './types.js';

export const DELETE_KEY_NO_PROPAGATE = 0;
export const DELETE_KEY_AND_PROPAGATE = 1;
export const PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE = 2;
export const PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE = 3;

/** A registration's value columns: [left row hash, instruction, left key, left partition]. */
export const REGISTRATION_VALUE_COLUMNS = 4;
/** A response's value columns: [left row hash, right row or null]. */
export const RESPONSE_VALUE_COLUMNS = 2;

/** Subscription store value: [hash, instruction, left partition, timestamp]. */
type Subscription = [string | null, number, number, number];
const subscriptionCodec = engineValueCodec as ValueCodec<Subscription>;

/** The hash a response carries to be matched against the current left row. */
export function rowHash(row: readonly unknown[] | null): string | null {
  if (row === null) return null;
  return createHash('sha1').update(engineValueCodec.encode(row)).digest('base64');
}

export interface ForeignKeyLeftOptions {
  stepId: string;
  joinType: 'INNER' | 'LEFT';
  layout: JoinLayout;
  /** The foreign key (the right table's key columns) of a left row. */
  foreignKey: CompiledExpression;
  log: StepProcessingLog;
  /** Where subscriptions go. */
  registration: { log: Log; topic: string; partitions: number; limits: Pick<Limits, 'batchBytesMax'> };
  /** The registration partition of a foreign key (the right table's partition for that key). */
  partitionFor(foreignKey: readonly unknown[], leftPartition: number): number;
}

export class ForeignKeyLeftFactory implements JoinProcessorFactory {
  readonly stepId: string;
  constructor(private readonly options: ForeignKeyLeftOptions) {
    this.stepId = options.stepId;
  }

  create(context: JoinTaskContext): JoinProcessor {
    const store = context.stores.keyValue<TimedRow>(joinStoreName(this.options.stepId, 'left-table-store'), { codec: timedRowCodec });
    const r = this.options.registration;
    return new ForeignKeyLeftProcessor(this.options, store, new PartitionedTopicWriter(r.log, r.topic, r.partitions, r.limits), context.partition);
  }
}

export class ForeignKeyLeftProcessor implements JoinProcessor {
  private readonly leftJoin: boolean;
  private readonly errorMessage: string;

  constructor(
    private readonly options: ForeignKeyLeftOptions,
    private readonly store: KeyValueStore<TimedRow>,
    private readonly registrations: PartitionedTopicWriter,
    private readonly partition: number,
  ) {
    this.leftJoin = options.joinType === 'LEFT';
    this.errorMessage = `Error computing the foreign key ${options.foreignKey.text}`;
  }

  private foreignKeyOf(record: EngineRecord, row: unknown[]): unknown[] | null {
    const probe = record.withColumns(record.key, row);
    let value: unknown;
    try {
      value = this.options.foreignKey.evaluate(probe);
    } catch (error) {
      this.options.log.recordError(this.errorMessage, error, probe);
      return null;
    }
    return value === null || value === undefined ? null : [value];
  }

  process(side: JoinSide, records: EngineRecord[]): EngineRecord[] {
    return side === 'left' ? this.leftUpdates(records) : this.responses(records);
  }

  private send(record: EngineRecord, foreignKey: unknown[] | null, instruction: number, hash: string | null): void {
    const partition = foreignKey === null ? this.partition % this.registrations.partitions : this.options.partitionFor(foreignKey, this.partition);
    this.registrations.add(partition, foreignKey ?? [null], [hash, instruction, record.key, this.partition], record.timestampMs, record.headers);
  }

  private leftUpdates(records: EngineRecord[]): EngineRecord[] {
    for (const record of records) {
      if (isNullKey(record.key)) continue;
      const newRow = record.value;
      const old = this.store.get(record.key);
      const oldRow = old === undefined ? null : old[1];
      if (newRow === null) {
        if (old !== undefined) this.store.delete(record.key);
      } else this.store.put(record.key, [record.timestampMs, newRow]);
      const oldFk = oldRow === null ? null : this.foreignKeyOf(record, oldRow);
      const hash = rowHash(newRow);
      if (this.leftJoin) {
        if (oldRow === null && newRow === null) continue;
        const newFk = newRow === null ? null : this.foreignKeyOf(record, newRow);
        if (oldFk !== null && !sameKey(oldFk, newFk)) this.send(record, oldFk, DELETE_KEY_NO_PROPAGATE, hash);
        this.send(record, newFk, PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, hash);
        continue;
      }
      if (newRow === null) {
        if (oldFk !== null) this.send(record, oldFk, DELETE_KEY_AND_PROPAGATE, hash);
        continue;
      }
      const newFk = this.foreignKeyOf(record, newRow);
      if (newFk === null) {
        if (oldFk !== null) this.send(record, oldFk, DELETE_KEY_AND_PROPAGATE, hash);
      } else if (oldFk === null) {
        this.send(record, newFk, PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, hash);
      } else if (!sameKey(oldFk, newFk)) {
        this.send(record, oldFk, DELETE_KEY_NO_PROPAGATE, hash);
        this.send(record, newFk, PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, hash);
      } else {
        this.send(record, newFk, PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, hash);
      }
    }
    return [];
  }

  private responses(records: EngineRecord[]): EngineRecord[] {
    const out: EngineRecord[] = [];
    for (const record of records) {
      const value = record.value;
      if (value === null) continue;
      const messageHash = (value[0] ?? null) as string | null;
      const rightRow = (value[1] ?? null) as unknown[] | null;
      const current = this.store.get(record.key);
      const currentRow = current === undefined ? null : current[1];
      if (messageHash !== rowHash(currentRow)) continue;
      record.value = rightRow === null && (!this.leftJoin || currentRow === null) ? null : this.options.layout.join(currentRow, rightRow, record.key);
      out.push(record);
    }
    return out;
  }

  flush(): Promise<void> {
    return this.registrations.flush();
  }
}

function sameKey(a: readonly unknown[] | null, b: readonly unknown[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
  return true;
}

export interface ForeignKeyRightOptions {
  stepId: string;
  /** Types of the right table's key columns (the foreign key), then of the left key columns. */
  foreignKeyTypes: readonly SqlType[];
  leftKeyTypes: readonly SqlType[];
}

export class ForeignKeyRightFactory implements JoinProcessorFactory {
  readonly stepId: string;
  constructor(private readonly options: ForeignKeyRightOptions) {
    this.stepId = options.stepId;
  }

  create(context: JoinTaskContext): JoinProcessor {
    const o = this.options;
    const right = context.stores.keyValue<TimedRow>(joinStoreName(o.stepId, 'right-table-store'), { codec: timedRowCodec, keyTypes: o.foreignKeyTypes });
    const subscriptions = context.stores.keyValue<Subscription>(joinStoreName(o.stepId, 'subscription-store'), {
      codec: subscriptionCodec,
      keyTypes: [...o.foreignKeyTypes, ...o.leftKeyTypes],
      cacheEntriesMax: 0,
    });
    return new ForeignKeyRightProcessor(o, right, subscriptions);
  }
}

/** Inputs: `left` = subscription registrations, `right` = the right table. Output: responses. */
export class ForeignKeyRightProcessor implements JoinProcessor {
  private readonly foreignKeyCount: number;

  constructor(
    options: ForeignKeyRightOptions,
    private readonly right: KeyValueStore<TimedRow>,
    private readonly subscriptions: KeyValueStore<Subscription>,
  ) {
    this.foreignKeyCount = options.foreignKeyTypes.length;
  }

  process(side: JoinSide, records: EngineRecord[]): EngineRecord[] {
    return side === 'left' ? this.subscribe(records) : this.rightUpdates(records);
  }

  private response(trigger: EngineRecord, leftKey: unknown[], hash: string | null, row: unknown[] | null, partition: number, timestampMs: number): EngineRecord {
    return new EngineRecord(leftKey, [hash, row], timestampMs, partition, trigger.offset, trigger.headers, null);
  }

  private subscribe(records: EngineRecord[]): EngineRecord[] {
    const out: EngineRecord[] = [];
    for (const record of records) {
      const value = record.value;
      if (value === null || value.length < REGISTRATION_VALUE_COLUMNS) continue;
      const hash = (value[0] ?? null) as string | null;
      const instruction = value[1] as number;
      const leftKey = value[2] as unknown[];
      const partition = value[3] as number;
      const foreignKey = record.key;
      const nullForeignKey = isNullKey(foreignKey);
      if (nullForeignKey && instruction !== PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) continue;
      if (!nullForeignKey) {
        const key = [...foreignKey, ...leftKey];
        if (instruction === DELETE_KEY_AND_PROPAGATE || instruction === DELETE_KEY_NO_PROPAGATE) this.subscriptions.delete(key);
        else this.subscriptions.put(key, [hash, instruction, partition, record.timestampMs]);
      }
      const found = nullForeignKey ? undefined : this.right.get(foreignKey);
      const timestampMs = found === undefined ? record.timestampMs : Math.max(record.timestampMs, found[0]);
      switch (instruction) {
        case DELETE_KEY_AND_PROPAGATE:
          out.push(this.response(record, leftKey, hash, null, partition, timestampMs));
          break;
        case PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
          out.push(this.response(record, leftKey, hash, found === undefined ? null : found[1], partition, timestampMs));
          break;
        case PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
          if (found !== undefined) out.push(this.response(record, leftKey, hash, found[1], partition, timestampMs));
          break;
        default:
          break;
      }
    }
    return out;
  }

  private rightUpdates(records: EngineRecord[]): EngineRecord[] {
    const out: EngineRecord[] = [];
    const count = this.foreignKeyCount;
    for (const record of records) {
      if (isNullKey(record.key)) continue;
      const foreignKey = record.key;
      if (record.value === null) this.right.delete(foreignKey);
      else this.right.put(foreignKey, [record.timestampMs, record.value]);
      for (const entry of this.subscriptions.range({ from: foreignKey })) {
        if (!sameKey(entry.key.slice(0, count), foreignKey)) break;
        const [hash, , partition] = entry.value;
        out.push(this.response(record, entry.key.slice(count), hash, record.value, partition, record.timestampMs));
      }
    }
    return out;
  }
}
