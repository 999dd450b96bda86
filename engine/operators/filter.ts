/**
 * Filter (WHERE / HAVING without aggregation): keeps the records whose predicate is TRUE. A
 * predicate that throws is logged ("Error evaluating predicate <expr>") and counts as false, as
 * in ksqlDB's SqlPredicate. Streams drop records without a value; a table forwards a tombstone for
 * a row that does not pass (Kafka Streams' KTable filter), so downstream deletes it.
 */
import type { CompiledExpression } from '../expressions/index.js';
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

  process(records: EngineRecord[]): EngineRecord[] {
    const evaluate = this.evaluate;
    const table = this.table;
    let kept = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.value === null) {
        if (table) records[kept++] = record;
        continue;
      }
      let pass: boolean;
      try {
        pass = evaluate(record) === true;
      } catch (error) {
        this.log.recordError(this.errorMessage, error, record);
        pass = false;
      }
      if (pass) records[kept++] = record;
      else if (table) {
        record.value = null;
        records[kept++] = record;
      }
    }
    records.length = kept;
    return records;
  }
}
