/**
 * GROUP BY (`groupBy@1`): re-keys rows by the grouping expressions before an aggregation.
 *
 * The new key is the values of the GROUP BY expressions. A row whose grouping value is null, or
 * whose grouping expression fails, is excluded and logged, with ksqlDB's messages
 * (GroupByParamsFactory): "Group-by column with index <i> resolved to null. The source row will be
 * excluded from the table." / "Error calculating group-by column with index <i>. The source row
 * will be excluded from the table." The value keeps the source's value columns followed by its
 * key columns when the step's schema has room for them.
 *
 * Streams: rows without a value are dropped (Kafka Streams' KStreamAggregate skips them).
 *
 * Tables: each update becomes changes keyed by the group key (KTableRepartitionMap): the operator
 * remembers every input key's last grouped row in a key-value store, and emits `[newRow, oldRow]`
 * under the new key when the group key did not change, else `[null, oldRow]` under the old group
 * key first, then `[newRow, null]` under the new one.
 */
import { compileProjection, type CompileOptions, type Expr } from '../../expressions/index.js';
import { rowKey } from '../../types/index.js';
import type { StepProcessingLog } from '../processing-log.js';
import type { EngineRecord } from '../record.js';
import type { Operator } from '../types.js';
import type { ChangePair } from './change.js';
import type { KeyValueStoreLike } from './state.js';
import { PartitionedOperator, storeName } from './task-stores.js';

/** Evaluates the grouping key of a record; null when the row is excluded (already logged). */
export type GroupKeyFunction = (record: EngineRecord) => unknown[] | null;

export function compileGroupKey(expressions: readonly Expr[], options: CompileOptions, log: StepProcessingLog, sourceKeyColumns = -1): GroupKeyFunction {
  // Grouping by the current key, in order: the key itself (null columns still exclude the row).
  if (expressions.length === sourceKeyColumns && expressions.every((e, i) => e.kind === 'column' && e.source.kind === 'KEY' && e.source.index === i)) {
    return (record) => {
      const key = record.key;
      for (let i = 0; i < key.length; i++) {
        if (key[i] === null || key[i] === undefined) {
          log.recordError(`Group-by column with index ${i} resolved to null. The source row will be excluded from the table.`, undefined, record);
          return null;
        }
      }
      return key;
    };
  }
  let failed = -1;
  const projection = compileProjection(expressions, options, (index, error, record) => {
    if (failed < 0) failed = index;
    log.recordError(`Error calculating group-by column with index ${index}. The source row will be excluded from the table.`, error, record);
  });
  const evaluate = projection.evaluate;
  return (record) => {
    failed = -1;
    const key = evaluate(record);
    if (failed >= 0) return null;
    for (let i = 0; i < key.length; i++) {
      if (key[i] === null || key[i] === undefined) {
        log.recordError(`Group-by column with index ${i} resolved to null. The source row will be excluded from the table.`, undefined, record);
        return null;
      }
    }
    return key;
  };
}

export class StreamGroupByOperator implements Operator {
  constructor(
    private readonly groupKey: GroupKeyFunction,
    private readonly appendOldKey: boolean,
  ) {}

  process(records: EngineRecord[]): EngineRecord[] {
    let kept = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const value = record.value;
      if (value === null) continue;
      const key = this.groupKey(record);
      if (key === null) continue;
      if (this.appendOldKey) record.value = value.concat(record.key);
      record.key = key;
      records[kept++] = record;
    }
    records.length = kept;
    return records;
  }
}

/** What the table GROUP BY keeps per input key: the group key and the grouped row. */
export type GroupedRow = [groupKey: unknown[], row: unknown[]];

/** The store where a table GROUP BY keeps each input key's grouped row. */
export function groupByStoreName(stepId: string): string {
  return storeName(stepId, '-Rows');
}

export class TableGroupByOperator extends PartitionedOperator<KeyValueStoreLike<GroupedRow>> {
  constructor(
    stepId: string,
    private readonly groupKey: GroupKeyFunction,
    private readonly appendOldKey: boolean,
  ) {
    const name = groupByStoreName(stepId);
    super(stepId, (context) => context.stores.keyValue<GroupedRow>(name, {}));
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const out: EngineRecord[] = [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const store = this.state.get(record.partition);
      const inputKey = record.key;
      const old = store.get(inputKey);
      let next: GroupedRow | null = null;
      if (record.value !== null) {
        const key = this.groupKey(record);
        if (key !== null) next = [key, this.appendOldKey ? record.value.concat(inputKey) : record.value];
      }
      if (next !== null) store.put(inputKey, next);
      else if (old !== undefined) store.delete(inputKey);
      if (old !== undefined && next !== null && rowKey(old[0]) === rowKey(next[0])) {
        record.key = next[0];
        record.value = [next[1], old[1]] satisfies ChangePair;
        out.push(record);
        continue;
      }
      if (old !== undefined) out.push(record.withColumns(old[0], [null, old[1]] satisfies ChangePair));
      if (next !== null) {
        record.key = next[0];
        record.value = [next[1], null] satisfies ChangePair;
        out.push(record);
      }
    }
    return out;
  }
}
