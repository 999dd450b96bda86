/**
 * Pull queries (a SELECT without EMIT): ksqlDB's PullQueryValidator rules, checked on the
 * statement before the query is analyzed, with ksqlDB's texts (each ends with the syntax help
 * `See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES ...`), and the queryability of
 * the source (a table must be materialized: built by a persistent query, or a source table).
 */
import { Ast, SluiceError, formatSqlType, type DataSource } from './deps.js';
import { propertyBoolean, type AnalysisContext } from './context.js';

export const PULL_QUERY_SYNTAX_HELP = ' See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.';

const DISALLOWED_COLUMNS = new Set(['ROWPARTITION', 'ROWOFFSET']);

function pullError(message: string): SluiceError {
  return new SluiceError('SQL_UNSUPPORTED', message + PULL_QUERY_SYNTAX_HELP);
}

/** Names of the column references anywhere inside `node` (lambda bodies included). */
function columnNames(node: unknown, out: string[]): string[] {
  if (node === null || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const item of node) columnNames(item, out);
    return out;
  }
  const record = node as { kind?: unknown; name?: unknown };
  if ((record.kind === 'columnReference' || record.kind === 'qualifiedColumnReference') && typeof record.name === 'string') out.push(record.name);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'span') continue;
    if (value !== null && typeof value === 'object') columnNames(value, out);
  }
  return out;
}

function disallowed(node: unknown): string {
  const names = [...new Set(columnNames(node, []).filter((n) => DISALLOWED_COLUMNS.has(n.toUpperCase())))];
  return names.map((n) => `\`${n.toUpperCase()}\``).join(', ');
}

/** ksqlDB's PullQueryValidator, in its order. */
export function validatePullQuery(query: Ast.Query, context: AnalysisContext): void {
  if (query.from.kind !== 'source') throw pullError("Pull queries don't support JOIN clauses.");
  if (query.window !== undefined) throw pullError("Pull queries don't support WINDOW clauses.");
  if (query.groupBy !== undefined) throw pullError("Pull queries don't support GROUP BY clauses.");
  if (query.partitionBy !== undefined) throw pullError("Pull queries don't support PARTITION BY clauses.");
  if (query.having !== undefined) throw pullError("Pull queries don't support HAVING clauses.");
  if (query.limit !== undefined) {
    if (!(propertyBoolean(context.properties, 'ksql.query.pull.limit.clause.enabled') ?? true)) {
      throw pullError('LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true.');
    }
    if (query.limit < 0) throw pullError("Pull queries don't support negative integers in the LIMIT clause.");
  }
  const select = disallowed(query.select.filter((item) => item.kind === 'singleColumn'));
  if (select !== '') throw pullError(`Pull queries don't support the following columns in SELECT clauses: ${select}\n`);
  if (query.where !== undefined) {
    const where = disallowed(query.where);
    if (where !== '') throw pullError(`Pull queries don't support the following columns in WHERE clauses: ${where}\n`);
  }
}

/** A table a pull query can read: built by a persistent query or declared with CREATE SOURCE TABLE. */
export function checkPullQueryable(source: DataSource, context: AnalysisContext): void {
  if (source.kind === 'STREAM') {
    if (!(propertyBoolean(context.properties, 'ksql.query.pull.stream.enabled') ?? true)) {
      throw pullError(
        'Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. ' +
          "To enable pull queries on streams, set the ksql.query.pull.stream.enabled config to 'true'.",
      );
    }
    return;
  }
  if (source.isSource || source.writerQueryId !== null) return;
  throw new SluiceError(
    'SQL_UNSUPPORTED',
    `The \`${source.name}\` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_${source.name} AS SELECT * FROM ${source.name}'. ` +
      'See https://cnfl.io/queries for more info.',
  );
}

/**
 * ksqlDB resolves the values of `KEY IN (...)` strictly against the key column's type (no
 * implicit conversion from a string): `'10' can not be converted to the type of the key column:
 * ID INTEGER KEY`.
 */
export function checkPullKeyLiterals(query: Ast.Query, source: DataSource): void {
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const expr = node as Ast.Expression;
    if (expr.kind === 'inList' && (expr.value.kind === 'columnReference' || expr.value.kind === 'qualifiedColumnReference')) {
      const name = expr.value.name;
      const key = source.keyColumns.find((c) => c.name === name);
      if (key !== undefined && key.type.kind !== 'STRING') {
        for (const item of expr.list) {
          if (item.kind === 'stringLiteral') {
            throw new SluiceError('SQL_ANALYSIS', `'${item.value}' can not be converted to the type of the key column: ${key.name} ${formatSqlType(key.type)} KEY`);
          }
        }
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'span' && v !== null && typeof v === 'object') visit(v);
  };
  if (query.where !== undefined) visit(query.where);
}
