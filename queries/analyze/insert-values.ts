/**
 * INSERT INTO target [(columns)] VALUES (...): the row to append, as ksqlDB's GenericRecordFactory
 * builds it: the column list (or every key and value column, in declaration order), values
 * evaluated with no columns in scope and coerced to the column types (numbers widen, strings
 * become DATE / TIME / TIMESTAMP / BYTES), ROWTIME as the record's timestamp, table keys required.
 */
import { compileExpression, type Evaluator } from '../../engine/expressions/index.js';
import { makeRecord } from '../../engine/operators/index.js';
import {
  ROWOFFSET_NAME,
  ROWPARTITION_NAME,
  ROWTIME_NAME,
  SluiceError,
  castValue,
  coerceType,
  formatSqlType,
  sqlTypesEqual,
  systemColumnType,
  type Ast,
  type ColumnDef,
  type DataSource,
  type SqlType,
} from './deps.js';
import { typeResolver, type AnalysisContext } from './context.js';
import { ExpressionAnalyzer, expressionText, walkAst } from './expressions.js';
import type { FunctionContext } from '../../engine/functions/index.js';

export interface InsertValuesAnalysis {
  readonly kind: 'insertValues';
  readonly target: DataSource;
  readonly key: unknown[];
  readonly value: unknown[];
  /** ROWTIME when given, else null (the clock's time is used). */
  readonly timestampMs: number | null;
}

function error(message: string): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message);
}

/** A column name as ksqlDB's ColumnName prints it in messages: always in backquotes. */
function quoted(name: string): string {
  return `\`${name}\``;
}

function javaValueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  return String(value);
}

export function analyzeInsertValues(
  statement: Ast.InsertValues,
  context: AnalysisContext,
  functionContext: FunctionContext,
): InsertValuesAnalysis {
  const target = context.catalog.source(statement.target);
  if (target === undefined) {
    throw new SluiceError('SQL_SOURCE_NOT_FOUND', `Source ${statement.target} does not exist.`, { found: statement.target });
  }
  if (target.isSource) {
    throw error(`Cannot insert values into read-only ${target.kind === 'TABLE' ? 'table' : 'stream'}: ${target.name}`);
  }
  // ksqlDB's InsertValuesExecutor rejects header columns before building the record: named ones,
  // or all of them when no column list is given.
  const headerNames = new Set(target.headerColumns.map((h) => h.name));
  const namedHeaders = statement.columns.length === 0 ? [...headerNames] : statement.columns.filter((n) => headerNames.has(n));
  if (namedHeaders.length > 0) throw error(`Cannot insert into HEADER columns: ${namedHeaders.join(', ')}`);
  // From here on, errors are GenericRecordFactory's, which ksqlDB prefixes with the target's name.
  const failed = (message: string): SluiceError => error(`Failed to insert values into '${target.name}'. ${message}`);
  const order = target.columnOrder ?? [...target.keyColumns, ...target.valueColumns].map((c) => c.name);
  const implicit = [...target.keyColumns.map((c) => c.name), ...order.filter((n) => target.valueColumns.some((v) => v.name === n))];
  const columns = statement.columns.length === 0 ? implicit : [...statement.columns];
  if (columns.length !== statement.values.length) {
    throw failed(
      `Expected a value for each column. Expected Columns: [${statement.columns.map(quoted).join(', ')}]. Got [${statement.values.map((v) => expressionText(v)).join(', ')}]`,
    );
  }
  const typeOf = (name: string): SqlType | undefined => {
    const c = target.keyColumns.find((k) => k.name === name) ?? target.valueColumns.find((v) => v.name === name);
    if (c !== undefined) return c.type;
    if (name === ROWTIME_NAME || name === ROWPARTITION_NAME || name === ROWOFFSET_NAME) return systemColumnType(name)!;
    return undefined;
  };
  for (const name of columns) {
    if (typeOf(name) === undefined) throw failed(`Column name ${quoted(name)} does not exist.`);
    if (name === ROWPARTITION_NAME || name === ROWOFFSET_NAME) throw failed(`Inserting into column ${quoted(name)} is not allowed.`);
  }

  const analyzer = new ExpressionAnalyzer({
    scope: { resolve: () => undefined },
    functions: context.functions,
    types: typeResolver(context.catalog),
    clause: 'insert value',
  });
  const values = new Map<string, unknown>();
  columns.forEach((name, i) => {
    const ast = statement.values[i]!;
    let hasColumn = false;
    walkAst(ast, (e) => {
      if (e.kind === 'columnReference' || e.kind === 'qualifiedColumnReference') hasColumn = true;
    });
    if (hasColumn) throw failed(`Unsupported column reference in insert value: ${expressionText(ast)}`);
    const columnType = typeOf(name)!;
    const t = analyzer.analyze(ast);
    if (t.type === null) {
      values.set(name, null);
      return;
    }
    let value: unknown;
    try {
      const evaluate: Evaluator = compileExpression(t.expr, { functions: context.functions, functionContext }).evaluate;
      value = evaluate(makeRecord([], []));
    } catch (e) {
      throw failed((e as Error).message);
    }
    try {
      values.set(name, coerceInsertValue(value, t.type, columnType, name));
    } catch (e) {
      throw failed((e as Error).message);
    }
  });

  if (target.kind === 'TABLE') {
    const missing = target.keyColumns.filter((k) => !values.has(k.name)).map((k) => k.name);
    if (missing.length > 0) throw failed(`Value for primary key column(s) ${missing.join(', ')} is required for tables`);
  }
  const rowtime = values.get(ROWTIME_NAME);
  const key = target.keyColumns.map((c: ColumnDef) => values.get(c.name) ?? null);
  const value = target.valueColumns.map((c: ColumnDef) => values.get(c.name) ?? null);
  return { kind: 'insertValues', target, key, value, timestampMs: typeof rowtime === 'number' ? rowtime : null };
}

function coerceInsertValue(value: unknown, from: SqlType, to: SqlType, column: string): unknown {
  if (value === null || value === undefined) return null;
  if (sqlTypesEqual(from, to)) return value;
  const fail = (): SluiceError => {
    const suffix =
      from.kind === 'STRING'
        ? to.kind === 'TIMESTAMP'
          ? '. Timestamp format must be yyyy-mm-ddThh:mm:ss[.S]'
          : to.kind === 'TIME'
            ? '. Time format must be hh:mm:ss[.S]'
            : to.kind === 'DATE'
              ? '. Date format must be yyyy-mm-dd'
              : ''
        : '';
    return error(`Expected type ${formatSqlType(to)} for field ${column} but got ${from.kind}(${javaValueText(value)})${suffix}`);
  };
  if (coerceType(from, to, false) === null) throw fail();
  try {
    return castValue(value, from, to);
  } catch {
    throw fail();
  }
}
