/**
 * SelectKey (PARTITION BY): the new key is the value of the key expressions; an expression that
 * throws gives a null key column (logged: "Error computing new key from expression <expr>").
 * `PARTITION BY NULL` (no key columns in the output schema) gives a record without a key.
 *
 * The value: unchanged, or — when the step's output schema has room for them — followed by the
 * source's key columns, so the old key stays readable by later steps (ksqlDB keeps key columns
 * in the value between steps). Records keep their timestamp, headers, partition and offset;
 * which partition of the sink they land in is the sink's (or the repartition topic's) business.
 */
import type { CompileOptions, Expr } from '../expressions/index.js';
import type { StepProcessingLog } from './processing-log.js';
import type { EngineRecord } from './record.js';
import { compileLoggedProjection } from './select.js';
import type { Operator } from './types.js';

export class SelectKeyOperator implements Operator {
  private readonly key: ((record: EngineRecord) => unknown[]) | null;

  /**
   * @param outputKeyColumnCount the output schema's key columns (0 for PARTITION BY NULL)
   * @param appendOldKey append the source's key columns to the value
   */
  constructor(
    keyExpressions: readonly Expr[],
    outputKeyColumnCount: number,
    private readonly appendOldKey: boolean,
    options: CompileOptions,
    log: StepProcessingLog,
  ) {
    this.key =
      outputKeyColumnCount === 0
        ? null
        : compileLoggedProjection(
            keyExpressions.map((expression, i) => ({ name: String(i), expression })),
            options,
            log,
            (text) => `Error computing new key from expression ${text}`,
          ).evaluate;
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const key = this.key;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const oldKey = record.key;
      record.key = key === null ? [] : key(record);
      if (this.appendOldKey && record.value !== null) record.value = record.value.concat(oldKey);
    }
    return records;
  }
}
