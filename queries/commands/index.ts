/**
 * queries/commands — the statement executor and the command log.
 *
 * `createQueryEngine(options)` opens the `_commands` topic, replays it (restart brings back every
 * stream, table, type and running query from the stored plans, never re-planning the text) and
 * returns the QueryEngine: `execute(text)` runs statements one by one (validate on a sandbox
 * catalog, log `{text, command}`, apply: catalog change, topics, queries) and answers with
 * StatementResults shaped like ksqlDB's REST entities (command ids in ksqlDB's
 * `stream/\`S\`/create` form); `startPushQuery(sql)` runs a push query (`transient_…`, or
 * `SCALABLE_PUSH_QUERY_…`) or, without EMIT CHANGES, a pull query (pull.ts: `query_…`, read from
 * a table's state stores, a source table's topic, or a stream up to its current end).
 */
export { createQueryEngine } from './engine.js';
export type { QueryEngine, QueryEngineOptions, Session, ExecuteOptions, PushQueryOptions } from './engine.js';
export { CommandLog, COMMAND_LOG_VERSION } from './command-log.js';
export type { StoredCommand, LoggedCommand } from './command-log.js';
export { applyToCatalog } from './commands.js';
export type { Command, CommandKind } from './commands.js';
export { schemaInfo, sourceFields, sourceSummary, describeSource } from './describe.js';
export type {
  StatementResult,
  StatementResultKind,
  SchemaInfo,
  FieldInfo,
  SourceSummary,
  SourceDescription,
  RunningQueryInfo,
  QueryDescriptionInfo,
  QueryErrorInfo,
  PropertyInfo,
  TopicInfoEntry,
} from './results.js';
