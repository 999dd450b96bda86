/**
 * Aggregate and table function calls, resolved through the function registry with whichever
 * entry points engine/functions offers (see udf-deps.ts); a function the registry does not know
 * is reported with ksqlDB's `Can't find any functions with the name 'X'`.
 */
import {
  SluiceError,
  resolveAggregateCall,
  resolveCallFor,
  resolveTableFunctionCall,
  type Ast,
  type Expr,
  type FunctionArgument,
  type FunctionRegistry,
  type SqlType,
} from './udf-deps.js';
import { decodeLiteral } from '../../engine/expressions/index.js';
import { expressionText, type ExpressionAnalyzer, type Typed } from './expressions.js';
import type { AggregateFunctionCall, TableFunctionCall } from './logical.js';

interface ResolvedLike {
  readonly function: { readonly name: string; readonly declaredName?: string; readonly overloads?: readonly unknown[] };
  readonly overload?: unknown;
  readonly overloadIndex?: number;
  readonly arguments: ReadonlyArray<{ readonly expectedType: SqlType | null; readonly needsCast: boolean }>;
  readonly returnType?: SqlType;
  /** Aggregates: the first `columnArgumentCount` arguments are columns, the rest init literals. */
  readonly columnArgumentCount?: number;
  readonly initArgumentCount?: number;
  readonly columnTypes?: readonly SqlType[];
  instantiate?(
    initArguments: readonly unknown[],
    properties?: Readonly<Record<string, unknown>>,
  ): { readonly returnType?: SqlType; readonly resultType?: SqlType; readonly undo?: unknown; readonly aggregateType?: SqlType };
}

interface RegistryExtensions {
  resolveAggregate?(name: string, args: readonly FunctionArgument[]): ResolvedLike;
  resolveTable?(name: string, args: readonly FunctionArgument[]): ResolvedLike;
  getAggregate?(name: string): unknown;
  getTable?(name: string): unknown;
}

function unknownFunction(name: string): SluiceError {
  return new SluiceError('ENGINE_FUNCTION_NOT_FOUND', `Can't find any functions with the name '${name}'`, { found: name });
}

function analyzeArgs(call: Ast.FunctionCall, analyzer: ExpressionAnalyzer): Typed[] {
  return analyzer.analyzeArguments(call.args).map((a) => {
    if (a === null || 'lambda' in a) throw new SluiceError('SQL_UNSUPPORTED', `Lambda arguments are not supported for ${call.name}`);
    return a;
  });
}

function bind(resolved: ResolvedLike, args: readonly Typed[], analyzer: ExpressionAnalyzer): { exprs: Expr[]; overloadIndex: number } {
  const exprs = args.map((t, i) => {
    const r = resolved.arguments[i];
    if (t.type === null) return { kind: 'null', type: r?.expectedType ?? t.expr.type } as Expr;
    if (r !== undefined && r.expectedType !== null && r.needsCast) return analyzer.coerce(t, r.expectedType);
    return t.expr;
  });
  const overloads = resolved.function.overloads;
  const overloadIndex = resolved.overloadIndex ?? (overloads !== undefined ? overloads.indexOf(resolved.overload) : 0);
  return { exprs, overloadIndex: Math.max(0, overloadIndex) };
}

function literalValue(e: Expr): unknown {
  if (e.kind === 'literal') return e.value;
  if (e.kind === 'null') return null;
  return undefined;
}

export function resolveAggregate(
  registry: FunctionRegistry,
  call: Ast.FunctionCall,
  analyzer: ExpressionAnalyzer,
  properties: Readonly<Record<string, unknown>> = {},
): AggregateFunctionCall {
  const r = registry as unknown as RegistryExtensions;
  // COUNT(*) and other argument-less calls aggregate ROWTIME, as ksqlDB rewrites them.
  const effective: Ast.FunctionCall = call.args.length === 0 ? { ...call, args: [{ kind: 'columnReference', name: 'ROWTIME', span: call.span }] } : call;
  const args = analyzeArgs(effective, analyzer);
  const types = args.map((a) => a.type);
  let resolved: ResolvedLike;
  if (typeof r.resolveAggregate === 'function') {
    resolved = r.resolveAggregate(call.name, types);
  } else if (typeof r.getAggregate === 'function' && resolveAggregateCall !== undefined) {
    const fn = r.getAggregate(call.name);
    if (fn === undefined) throw unknownFunction(call.name);
    resolved = resolveAggregateCall(fn, types) as ResolvedLike;
  } else {
    throw unknownFunction(call.name);
  }
  const { exprs, overloadIndex } = bind(resolved, args, analyzer);
  const initCount = resolved.initArgumentCount ?? 0;
  const columnCount = resolved.columnArgumentCount ?? exprs.length - initCount;
  const literalArgs: unknown[] = [];
  for (let i = columnCount; i < exprs.length; i++) {
    const value = literalValue(exprs[i]!);
    if (value === undefined) {
      throw new SluiceError(
        'SQL_ANALYSIS',
        `Parameter ${i + 1} passed to function ${call.name.toUpperCase()} must be a literal constant, but was expression: '${expressionText(args[i]!.ast)}'`,
      );
    }
    literalArgs.push(value);
  }
  let resultType = resolved.returnType;
  let supportsUndo: boolean | undefined;
  let aggregateType: SqlType | undefined;
  if (typeof resolved.instantiate === 'function') {
    const decoded = exprs.slice(columnCount).map((e) => (e.kind === 'literal' ? decodeLiteralValue(e) : null));
    const aggregator = resolved.instantiate(decoded, properties);
    resultType ??= aggregator.returnType ?? aggregator.resultType;
    if ('undo' in aggregator) supportsUndo = aggregator.undo !== null;
    aggregateType = aggregator.aggregateType;
  }
  if (resultType === undefined) throw new SluiceError('INTERNAL_ASSERTION', `no result type for aggregate ${call.name}`);
  return {
    functionName: resolved.function.name,
    overloadIndex,
    args: exprs,
    literalArgs,
    resultType,
    text: expressionText(call),
    displayName: resolved.function.declaredName ?? resolved.function.name,
    ...(supportsUndo === undefined ? {} : { supportsUndo }),
    ...(aggregateType === undefined ? {} : { aggregateType }),
  };
}

function decodeLiteralValue(e: Extract<Expr, { kind: 'literal' }>): unknown {
  return decodeLiteral(e.type, e.value);
}

export function resolveTableFunction(registry: FunctionRegistry, call: Ast.FunctionCall, analyzer: ExpressionAnalyzer): TableFunctionCall {
  const r = registry as unknown as RegistryExtensions;
  const args = analyzeArgs(call, analyzer);
  const types = args.map((a) => a.type);
  let resolved: ResolvedLike;
  if (typeof r.resolveTable === 'function') {
    resolved = r.resolveTable(call.name, types);
  } else if (typeof r.getTable === 'function') {
    const fn = r.getTable(call.name);
    if (fn === undefined) throw unknownFunction(call.name);
    resolved = (resolveTableFunctionCall !== undefined ? resolveTableFunctionCall(fn, types) : resolveCallFor(fn, types)) as ResolvedLike;
  } else {
    throw unknownFunction(call.name);
  }
  const { exprs, overloadIndex } = bind(resolved, args, analyzer);
  if (resolved.returnType === undefined) throw new SluiceError('INTERNAL_ASSERTION', `no result type for table function ${call.name}`);
  return { functionName: resolved.function.name, overloadIndex, args: exprs, resultType: resolved.returnType };
}
