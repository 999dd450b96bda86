/**
 * engine/expressions — the engine's expression form (`Expr`, resolved and typed by the analyzer)
 * and its compiler: each expression is compiled ONCE per query into a JavaScript function over an
 * `EngineRecord` (generated code, constants passed by reference, never interpolated), with
 * ksqlDB's null, overflow, decimal, LIKE, subscript and lambda semantics. Evaluation errors are
 * SluiceError ENGINE_EVALUATION; operators turn them into processing-log entries.
 */
export type { ArithmeticOperator, ColumnSource, ComparisonOperator, Expr, ExprKind } from './ir.js';
export { compileExpression, compileProjection, decodeLiteral, walkExpression } from './compile.js';
export type {
  CompileOptions,
  CompiledExpression,
  CompiledProjection,
  Evaluator,
  ProjectionErrorHandler,
  ScalarFunctionLookup,
} from './compile.js';
export { formatExpression } from './format.js';
export { errorMessages, toEvaluationError, likeToRegExp } from './helpers.js';
