/**
 * queries/analyze — resolves a parsed statement against a catalog snapshot.
 *
 * - expressions: AST expression -> typed engine `Expr` (names, types, implicit casts, function
 *   overloads via the registry, lambdas, user-list coercion) with ksqlDB's error wording;
 * - query: SELECT -> logical plan (logical.ts): sources, WHERE, PARTITION BY, table functions,
 *   GROUP BY / aggregates / WINDOW / HAVING, projection split into key and value columns;
 * - sink: CREATE STREAM/TABLE AS SELECT and INSERT INTO: sink topic, formats, partitions;
 * - ddl: CREATE STREAM/TABLE (columns, WITH properties, formats), ALTER, DROP, types;
 * - insert-values: INSERT INTO ... VALUES rows.
 *
 * Nothing here changes state: the result is data the planner and the executor act on.
 */
export type { AnalysisContext, TopicView, TopicInfo } from './context.js';
export { typeResolver, propertyString, propertyBoolean } from './context.js';
export { ExpressionAnalyzer, encodeLiteral, expressionText, isValidComparison, walkAst, mapAst } from './expressions.js';
export type { Scope, ColumnBinding, Typed, ExpressionContext, ExpressionHooks } from './expressions.js';
export { resolveType, NO_CUSTOM_TYPES } from './types.js';
export type { TypeResolver } from './types.js';
export { ShapeScope, shapeColumns } from './scope.js';
export type { RowShape, RowColumn } from './scope.js';
export { ColumnAliasGenerator } from './names.js';
export type { LogicalNode, LogicalNodeKind, NamedExpr, TableFunctionCall, AggregateFunctionCall, JoinKind } from './logical.js';
export { logicalSources } from './logical.js';
export { analyzeQuery, windowSpec } from './query.js';
export type { QueryAnalysis, QueryOptions, OutputColumn } from './query.js';
export { analyzePersistentQuery, sanitizedPersistentStatement } from './sink.js';
export type { PersistentQueryAnalysis, SinkTopic } from './sink.js';
export {
  analyzeCreateSource,
  schemaInferenceRequests,
  analyzeAlterSource,
  analyzeDropSource,
  analyzeCreateType,
  analyzeDropType,
  defaultKeyFormat,
  defaultValueFormat,
  timestampSpec,
} from './ddl.js';
export type { CreateSourceAnalysis, InferredColumns, SchemaInferenceRequest, AlterSourceAnalysis, DropSourceAnalysis, CreateTypeAnalysis, DropTypeAnalysis, TopicRequirement } from './ddl.js';
export { analyzeInsertValues } from './insert-values.js';
export type { InsertValuesAnalysis } from './insert-values.js';
export { WithProperties, parseDurationMs, durationMs } from './properties.js';
export { buildFormats, validateSerdes, canonicalFormat } from './formats.js';
export { validatePullQuery, checkPullQueryable, checkPullKeyLiterals, PULL_QUERY_SYNTAX_HELP } from './pull.js';
