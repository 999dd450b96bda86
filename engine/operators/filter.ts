/**
 * Filter (WHERE / HAVING without aggregation): keeps the records whose predicate is TRUE. A
 * predicate that throws is logged ("Error evaluating predicate <expr>") and counts as false, as
 * in ksqlDB's SqlPredicate. Streams drop records without a value.
 *
 * Tables: a record that knows the key's previous row (a ChangeRecord from an aggregate, a table
 * join or a materialized table source) is filtered as Kafka Streams' KTableFilter with old values
 * enabled: the predicate is applied to the new and the old row; when neither passes the record is
 * dropped (nothing downstream ever saw the key); when only the old passed, a tombstone is
 * forwarded (retract it); when the new passes, the new row. The forwarded `oldValue` is the old
 * row only when it passed, so a filter downstream sees what this one emitted. A table record
 * without an old value forwards a tombstone for a row that does not pass (the old row is
 * unknown, so downstream deletes it to be safe).
 */
import type { CompiledExpression } from '../expressions/index.js';
import { ChangeRecord } from './aggregate/change.js';
import type { StepProcessingLog } from './processing-log.js';
import type { EngineRecord } from './record.js';
import type { Operator } from './types.js';

export class FilterOperator implements Operator {
  private readonly evaluate: (record: EngineRecord) => unknown;
  private readonly errorMessage: string;

  constructor(
    predicate: CompiledExpression,
    private readonly table: boolean,
    private readonly log: StepProcessingLog,
  ) {
    this.evaluate = predicate.evaluate;
    this.errorMessage = `Error evaluating predicate ${predicate.text}`;
  }

  private passes(record: EngineRecord): boolean {
    try {
      return this.evaluate(record) === true;
    } catch (error) {
      this.log.recordError(this.errorMessage, error, record);
      return false;
    }
  }

  /** The predicate over a ChangeRecord's old row (evaluated on the record with its value swapped). */
  private oldPasses(record: ChangeRecord): boolean {
    const old = record.oldValue;
    if (old === null) return false;
    const value = record.value;
    record.value = old;
    try {
      return this.passes(record);
    } finally {
      record.value = value;
    }
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const table = this.table;
    let kept = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (table && record instanceof ChangeRecord) {
        const newPasses = record.value !== null && this.passes(record);
        const oldPasses = this.oldPasses(record);
        if (!newPasses && !oldPasses) continue;
        if (!newPasses) record.value = null;
        if (!oldPasses) record.oldValue = null;
        records[kept++] = record;
        continue;
      }
      if (record.value === null) {
        if (table) records[kept++] = record;
        continue;
      }
      if (this.passes(record)) records[kept++] = record;
      else if (table) {
        record.value = null;
        records[kept++] = record;
      }
    }
    records.length = kept;
    return records;
  }
}
