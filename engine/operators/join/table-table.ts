/**
 * Table-table join on the primary key (Kafka Streams' KTableKTable{Inner,Left,Right,Outer}Join
 * with old values sent, as ksqlDB runs them): INNER, LEFT, RIGHT, FULL OUTER.
 *
 * Each side's rows are kept in a store of the join (key -> [timestamp, row]). An update (or
 * tombstone) on one side looks up the other side's current row and emits the new joined row —
 * or a tombstone — for the key, with the larger of the two rows' timestamps:
 *
 * | this side  | other side | other row missing                               | other row present          |
 * | ---------- | ---------- | ----------------------------------------------- | -------------------------- |
 * | inner      | inner      | nothing                                         | join(new, other) / tombstone |
 * | preserved  | inner      | join(new, null) / tombstone (nothing if the row was already absent) | join(new, other) / tombstone |
 * | inner      | preserved  | nothing                                         | join(other, new or null)   |
 * | preserved  | preserved  | join(new, null) / tombstone (nothing if the row was already absent) | join(new or null, other) |
 *
 * The results are ChangeRecords carrying the joined row before the update (`oldValue`, computed
 * as Kafka Streams does with old values sent: the old row of this side with the other side's
 * current row), so a table filter downstream forwards tombstones only for rows that matched.
 */
import type { KeyValueStore } from '../../state/index.js';
import { ChangeRecord } from '../aggregate/change.js';
import type { EngineRecord } from '../record.js';
import { isNullKey, joinStoreName, stateKey, type JoinLayout } from './layout.js';
import { timedRowCodec, type TimedRow } from './stream-table.js';
import type { JoinProcessor, JoinProcessorFactory, JoinSide, JoinTaskContext } from './types.js';

export interface TableTableJoinOptions {
  stepId: string;
  joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'OUTER';
  layout: JoinLayout;
}

export class TableTableJoinFactory implements JoinProcessorFactory {
  readonly stepId: string;
  constructor(private readonly options: TableTableJoinOptions) {
    this.stepId = options.stepId;
  }

  create(context: JoinTaskContext): JoinProcessor {
    const left = context.stores.keyValue<TimedRow>(joinStoreName(this.options.stepId, 'left-table-store'), { codec: timedRowCodec });
    const right = context.stores.keyValue<TimedRow>(joinStoreName(this.options.stepId, 'right-table-store'), { codec: timedRowCodec });
    return new TableTableJoinProcessor(this.options, left, right);
  }
}

export class TableTableJoinProcessor implements JoinProcessor {
  private readonly preserveLeft: boolean;
  private readonly preserveRight: boolean;

  constructor(
    private readonly options: TableTableJoinOptions,
    private readonly leftStore: KeyValueStore<TimedRow>,
    private readonly rightStore: KeyValueStore<TimedRow>,
  ) {
    const type = options.joinType;
    this.preserveLeft = type === 'LEFT' || type === 'OUTER';
    this.preserveRight = type === 'RIGHT' || type === 'OUTER';
  }

  process(side: JoinSide, records: EngineRecord[]): EngineRecord[] {
    const thisStore = side === 'left' ? this.leftStore : this.rightStore;
    const otherStore = side === 'left' ? this.rightStore : this.leftStore;
    const thisPreserved = side === 'left' ? this.preserveLeft : this.preserveRight;
    const otherPreserved = side === 'left' ? this.preserveRight : this.preserveLeft;
    const layout = this.options.layout;
    const join = (thisRow: unknown[] | null, otherRow: unknown[] | null, key: unknown[]): unknown[] =>
      side === 'left' ? layout.join(thisRow, otherRow, key) : layout.join(otherRow, thisRow, key);
    const out: EngineRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (isNullKey(record.key)) continue;
      const key = stateKey(record.key, record.window);
      const newRow = record.value;
      const old = thisStore.get(key);
      const oldRow = old === undefined ? null : old[1];
      if (newRow === null) {
        if (old !== undefined) thisStore.delete(key);
      } else thisStore.put(key, [record.timestampMs, newRow]);
      const other = otherStore.get(key);
      let timestampMs = record.timestampMs;
      let value: unknown[] | null;
      let oldValue: unknown[] | null;
      if (other === undefined) {
        if (!thisPreserved) continue;
        if (newRow === null && oldRow === null) continue;
        value = newRow === null ? null : join(newRow, null, record.key);
        oldValue = oldRow === null ? null : join(oldRow, null, record.key);
      } else {
        timestampMs = Math.max(timestampMs, other[0]);
        if (otherPreserved) {
          value = join(newRow, other[1], record.key);
          oldValue = join(oldRow, other[1], record.key);
        } else {
          value = newRow === null ? null : join(newRow, other[1], record.key);
          oldValue = oldRow === null ? null : join(oldRow, other[1], record.key);
        }
      }
      out.push(new ChangeRecord(record.key, value, oldValue, timestampMs, record.partition, record.offset, record.headers, record.window));
    }
    return out;
  }
}
