/**
 * Table source materialization: a table read from a topic upserts by key and deletes on a
 * tombstone (Kafka Streams' KTableSource with a store). When the plan asks for it (joins, pull
 * queries), each row is kept in a key-value store of the task, with its timestamp; records pass
 * through. With `sendOldValues` (the default; else once `enableSendingOldValues()` is called),
 * the records a table source forwards carry the key's previous row as `oldValue`
 * (ChangeRecord), so a table filter downstream can tell whether the row matched.
 */
import { ChangeRecord } from './aggregate/change.js';
import type { KeyValueStore } from '../state/index.js';
import type { Materialization, MaterializedOperator } from './aggregate/materialized.js';
import { PartitionedOperator, storeName } from './aggregate/task-stores.js';
import type { OldValueSender } from './aggregate/aggregate.js';
import type { SqlType } from '../types/index.js';
import type { EngineRecord } from './record.js';

/** A stored table row. */
export interface TableRow {
  value: unknown[];
  timestampMs: number;
}

/** ksqlDB's store name for a source table: `KsqlTopic/Source` -> `KsqlTopic-Reduce`. */
export function tableSourceStoreName(stepId: string): string {
  return storeName(stepId.replace(/\/Source$/, ''), '-Reduce');
}

export class TableSourceMaterializeOperator extends PartitionedOperator<KeyValueStore<TableRow>> implements MaterializedOperator, OldValueSender {
  /** `keyTypes`: the key columns, then (windowed sources) the window start and end as BIGINTs. */
  constructor(
    stepId: string,
    keyTypes: readonly SqlType[],
    private readonly window: 'TUMBLING' | 'HOPPING' | 'SESSION' | null = null,
    private sendOldValues = true,
  ) {
    const name = tableSourceStoreName(stepId);
    super(stepId, (context) => context.stores.keyValue<TableRow>(name, { keyTypes }));
  }

  enableSendingOldValues(): void {
    this.sendOldValues = true;
  }

  materialized(): Materialization {
    const state = this.state;
    return {
      kind: 'key-value',
      stepId: this.stepId,
      keyWindow: this.window,
      partitions: () => state.partitions(),
      store: (partition) => state.peek(partition) ?? null,
      row: (stored: TableRow) => ({ value: stored.value, timestampMs: stored.timestampMs }),
    };
  }

  process(records: EngineRecord[]): EngineRecord[] {
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const store = this.state.get(record.partition);
      const key = record.window === null ? record.key : [...record.key, record.window.startMs, record.window.endMs];
      const old = store.get(key);
      if (record.value === null) {
        if (old !== undefined) store.delete(key);
      } else {
        store.put(key, { value: record.value, timestampMs: record.timestampMs });
      }
      if (this.sendOldValues) {
        records[i] = new ChangeRecord(record.key, record.value, old === undefined ? null : old.value, record.timestampMs, record.partition, record.offset, record.headers, record.window);
      }
    }
    return records;
  }
}
