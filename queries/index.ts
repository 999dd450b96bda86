/**
 * queries/ — everything about a statement, from SQL text to a running query's life. Layers above
 * (server/, cli/) import only from here.
 *
 *   parse/      SQL text -> Statement AST
 *   analyze/    AST + catalog snapshot -> typed analysis and logical plan
 *   plan/       logical plan -> physical QueryPlan (engine/steps), EXPLAIN
 *   catalog/    the metastore (immutable snapshots)
 *   commands/   the QueryEngine facade: execute statements, the `_commands` log, replay
 *   lifecycle/  persistent and push queries on the runtime
 *
 * The facade: `createQueryEngine({ log, clock, limits, serviceId, deterministic, properties })`
 * -> QueryEngine { execute(text, { properties, session }), startPushQuery(sql), createSession(),
 * catalog(), runtime, functions, close() }. See queries/README.md.
 */
export { createQueryEngine } from './commands/index.js';
export type {
  QueryEngine,
  QueryEngineOptions,
  Session,
  ExecuteOptions,
  PushQueryOptions,
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
} from './commands/index.js';
export { schemaInfo, sourceFields } from './commands/index.js';
export { PushQueryHandle } from './lifecycle/index.js';
export type { PushColumn } from './lifecycle/index.js';
export { Catalog } from './catalog/index.js';
export type { DataSource, PersistentQuery, SourceKind, WindowKind, CustomType } from './catalog/index.js';
export * as parse from './parse/index.js';
export { explainPlan } from './plan/index.js';
