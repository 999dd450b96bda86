/**
 * SelectKey (PARTITION BY): the new key is the value of the key expressions; an expression that
 * throws gives a null key column (logged: "Error computing new key from expression <expr>"); so
 * does one that reads more than key columns when the record has no value (ksqlDB evaluates it on
 * the missing value row: `PARTITION BY ID, ROWTIME` of a null value gives `{ID: null, ROWTIME: null}`).
 * `PARTITION BY NULL` (no key columns in the output schema) gives a record without a key.
 *
 * The value: unchanged, or — when the step's output schema has room for them — followed by the
 * source's key columns, so the old key stays readable by later steps (ksqlDB keeps key columns
 * in the value between steps). Records keep their timestamp, headers, partition and offset;
 * which partition of the sink they land in is the sink's (or the repartition topic's) business.
 */
import { walkExpression, type CompileOptions, type Expr } from '../expressions/index.js';
import type { StepProcessingLog } from './processing-log.js';
import type { EngineRecord } from './record.js';
import { compileLoggedProjection } from './select.js';
import type { Operator } from './types.js';

/** True when the expression reads no column but key columns (ksqlDB evaluates it on the key alone). */
function readsKeyOnly(expression: Expr): boolean {
  let keyOnly = true;
  walkExpression(expression, (node) => {
    if (node.kind === 'column' && node.source.kind !== 'KEY') keyOnly = false;
  });
  return keyOnly;
}

export class SelectKeyOperator implements Operator {
  private readonly key: ((record: EngineRecord) => unknown[]) | null;
  /** Per key expression: it reads the value (or ROWTIME...), so a record without a value gives null. */
  private readonly readsValue: readonly boolean[];

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
    this.readsValue = keyExpressions.map((expression) => !readsKeyOnly(expression));
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const key = this.key;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const oldKey = record.key;
      record.key = key === null ? [] : key(record);
      // ksqlDB evaluates an expression over anything but key columns on the value row, which a
      // record without a value does not have: that key column is null (ROWTIME included).
      if (record.value === null) for (let k = 0; k < record.key.length; k++) if (this.readsValue[k] === true) record.key[k] = null;
      if (this.appendOldKey && record.value !== null) record.value = record.value.concat(oldKey);
    }
    return records;
  }
}
