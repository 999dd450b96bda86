/**
 * Ids and messages of transient queries as ksqlDB gives them:
 * - pull queries: `query_<epochMillis>` (made unique within this process);
 * - push queries: `transient_<SOURCE>_<n>`, or `SCALABLE_PUSH_QUERY_<n>` when
 *   `ksql.query.push.v2.enabled` is not false and the query can be served as a scalable push
 *   query (a simple projection / filter over a source written by a persistent query, reading
 *   from the latest offsets), as ksqlDB's ScalablePushUtil decides;
 * - WHERE errors of pull queries carry the predicate: `\nStatement: (ID = '10')`.
 */
import { SluiceError } from '../../common/index.js';
import type { QueryAnalysis } from '../analyze/index.js';
import { transientQueryId } from '../plan/index.js';
import { formatExpression, type Statement } from './parse-deps.js';

let lastPullMs = 0;

export function pullQueryId(nowMs: number, _sequence: number): string {
  lastPullMs = Math.max(Math.trunc(nowMs), lastPullMs + 1);
  return `query_${lastPullMs}`;
}

function flag(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

export function isScalablePushQuery(statement: Extract<Statement, { kind: 'query' }>, analysis: QueryAnalysis, properties: Record<string, unknown>): boolean {
  if (flag(properties['ksql.query.push.v2.enabled']) === false) return false;
  const reset = properties['auto.offset.reset'] ?? properties['ksql.streams.auto.offset.reset'];
  if (reset === undefined || String(reset).toLowerCase() !== 'latest') return false;
  if (statement.from.kind !== 'source' || statement.groupBy !== undefined || statement.partitionBy !== undefined || statement.window !== undefined) return false;
  if (analysis.aggregate) return false;
  return analysis.from.writerQueryId !== null;
}

export function pushQueryId(
  sourceName: string,
  sequence: number,
  scalable: boolean,
): string {
  if (scalable) return `SCALABLE_PUSH_QUERY_${transientQueryId(sourceName, sequence).slice('transient_'.length)}`;
  return transientQueryId(sourceName, sequence);
}

/** ksqlDB's LogicalPlanner wording for WHERE errors: `Error in WHERE expression: ...\nStatement: (...)`. */
export function pullWhereError(error: unknown, statement: Extract<Statement, { kind: 'query' }>): unknown {
  if (!(error instanceof SluiceError) || statement.where === undefined) return error;
  let message = error.message;
  const whereError = message.startsWith('Error in WHERE expression: ') || message.startsWith('Comparison with NULL not supported');
  if (!whereError || message.includes('\nStatement: ')) return error;
  if (!message.startsWith('Error in WHERE expression: ')) message = `Error in WHERE expression: ${message}`;
  let text: string;
  try {
    text = formatExpression(statement.where);
  } catch {
    return error;
  }
  if (!text.startsWith('(')) text = `(${text})`;
  return new SluiceError(error.code, `${message}\nStatement: ${text}`, error.details, { cause: error });
}

/**
 * ksqlDB's command ids (`<type>/<entity>/<action>`), as its CommandIdAssigner makes them:
 * `` stream/`S`/create ``, `` table/`T`/create `` (create forms quote the name; INSERT INTO …
 * SELECT reuses `` stream/`TARGET`/create ``), `stream/S/drop`, `table/T/drop`,
 * `terminate/CSAS_X_1/execute` (`terminate/ALL/execute`), `pause|resume/<id>/execute`,
 * `type/NAME/create|drop`, `stream|table/NAME/alter`. Clients check the shape (ksqldb-client
 * matches `^stream\/`?NAME`?\/create$`).
 */
export function commandIdOf(statement: Statement, sequence: string): string {
  switch (statement.kind) {
    case 'createStream':
    case 'createStreamAsSelect':
      return `stream/\`${statement.name}\`/create`;
    case 'createTable':
    case 'createTableAsSelect':
      return `table/\`${statement.name}\`/create`;
    case 'insertInto':
      return `stream/\`${statement.target}\`/create`;
    case 'dropStream':
      return `stream/${statement.name}/drop`;
    case 'dropTable':
      return `table/${statement.name}/drop`;
    case 'alterSource':
      return `${statement.sourceType.toLowerCase()}/${statement.name}/alter`;
    case 'createType':
      return `type/${statement.name}/create`;
    case 'dropType':
      return `type/${statement.name}/drop`;
    case 'terminateQuery':
      return `terminate/${statement.queryId ?? 'ALL'}/execute`;
    case 'pauseQuery':
      return `pause/${statement.queryId ?? 'ALL'}/execute`;
    case 'resumeQuery':
      return `resume/${statement.queryId ?? 'ALL'}/execute`;
    case 'alterSystemProperty':
      return `cluster/${statement.name}/alter`;
    default:
      return `${statement.kind.toLowerCase()}/${sequence}/execute`;
  }
}
