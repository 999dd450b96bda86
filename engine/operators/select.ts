/**
 * Select (projection): computes the new key and value columns from each record. Key and value
 * expressions are each compiled into one function (column reads shared). An expression that
 * throws makes that column null and is logged ("Error computing expression <expr> for column
 * <name> with index <i>"), and the row is still produced — ksqlDB's SelectValueMapper. A record
 * without a value (a stream's null value, a table's tombstone) keeps a null value; its key is
 * still computed.
 */
import { compileProjection, type CompileOptions, type CompiledProjection, type Expr } from '../expressions/index.js';
import type { StepProcessingLog } from './processing-log.js';
import type { EngineRecord } from './record.js';
import type { Operator } from './types.js';

export interface NamedExpression {
  name: string;
  expression: Expr;
}

/** True when the expressions are exactly the key columns 0..n-1 in order (nothing to compute). */
export function isKeyPassThrough(expressions: readonly NamedExpression[], keyColumnCount: number): boolean {
  return (
    expressions.length === keyColumnCount &&
    expressions.every((e, i) => e.expression.kind === 'column' && e.expression.source.kind === 'KEY' && e.expression.source.index === i)
  );
}

/** Compiles expressions whose failures are logged ksqlDB's way and give null. */
export function compileLoggedProjection(
  expressions: readonly NamedExpression[],
  options: CompileOptions,
  log: StepProcessingLog,
  describe: (expressionText: string, name: string, index: number) => string,
): CompiledProjection {
  let texts: readonly string[] = [];
  const projection = compileProjection(
    expressions.map((e) => e.expression),
    options,
    (index, error, record) => log.recordError(describe(texts[index] ?? '', expressions[index]?.name ?? '', index), error, record),
  );
  texts = projection.texts;
  return projection;
}

export class SelectOperator implements Operator {
  private readonly key: ((record: EngineRecord) => unknown[]) | null;
  private readonly value: (record: EngineRecord) => unknown[];

  constructor(
    keyExpressions: readonly NamedExpression[],
    valueExpressions: readonly NamedExpression[],
    sourceKeyColumnCount: number,
    options: CompileOptions,
    log: StepProcessingLog,
  ) {
    const describe = (text: string, name: string, index: number): string =>
      `Error computing expression ${text} for column ${name} with index ${index}`;
    this.key = isKeyPassThrough(keyExpressions, sourceKeyColumnCount) ? null : compileLoggedProjection(keyExpressions, options, log, describe).evaluate;
    this.value = compileLoggedProjection(valueExpressions, options, log, describe).evaluate;
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const key = this.key;
    const value = this.value;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.value === null) {
        if (key !== null) record.key = key(record);
        continue;
      }
      const newValue = value(record);
      if (key !== null) record.key = key(record);
      record.value = newValue;
    }
    return records;
  }
}
