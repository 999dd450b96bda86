/**
 * Resolving an aggregate call and building its Aggregator, with ksqlDB's messages.
 *
 * - `resolveAggregateCall(fn, argumentTypes)`: the analyzer's entry. Picks the overload (no
 *   implicit casts, variadic anywhere: see signature.ts), splits the arguments into column
 *   arguments and init arguments (UdafAggregateFunctionFactory: all declared init parameters, or
 *   everything after the column parameters when the init parameter is variadic), and offers
 *   `instantiate(initValues, properties)` to get the state and result types.
 * - `createAggregator(fn, overloadIndex, columnTypes, initArguments, properties)`: the operator's
 *   entry, from a stored plan (AggregateCall: functionName, overloadIndex, args, literalArgs).
 * - `tableAggregationError(names)`, `literalArgumentError(...)`, `nestedAggregateError(...)`:
 *   ksqlDB's wording for the analyzer's checks.
 */
import type { FunctionArgument, ResolvedArgument } from '../registry.js';
import type { AggregateFunction, AggregateOverload, Aggregator } from './types.js';
import type { SqlType } from './deps.js';
import { SluiceError } from './deps.js';
import { type Signature, resolveSignature } from './signature.js';

/** The name ksqlDB uses for the function in messages. */
export function displayNameOf(fn: { readonly name: string; readonly declaredName?: string }): string {
  return fn.declaredName ?? fn.name;
}

export function aggregateSignature(overload: AggregateOverload): Signature {
  return { params: overload.params, variadicIndex: overload.variadicIndex ?? -1, paramNames: overload.paramNames };
}

const signatureCache = new WeakMap<AggregateFunction, readonly Signature[]>();

function signaturesOf(fn: AggregateFunction): readonly Signature[] {
  let signatures = signatureCache.get(fn);
  if (signatures === undefined) {
    signatures = fn.overloads.map(aggregateSignature);
    signatureCache.set(fn, signatures);
  }
  return signatures;
}

/** How many of `argumentCount` arguments are init (literal) arguments for this overload. */
export function initArgumentCount(overload: AggregateOverload, argumentCount: number): number {
  const variadic = overload.variadicIndex ?? -1;
  if (variadic >= overload.columnParams) return argumentCount - overload.columnParams;
  return overload.params.length - overload.columnParams;
}

export interface ResolvedAggregateCall {
  readonly function: AggregateFunction;
  readonly overload: AggregateOverload;
  /** What the plan stores (AggregateCall.overloadIndex). */
  readonly overloadIndex: number;
  /** Per argument: its type and the type it is passed as (never a cast: UDAFs take none). */
  readonly arguments: readonly ResolvedArgument[];
  /** The first `columnArgumentCount` arguments are columns (evaluated per row)... */
  readonly columnArgumentCount: number;
  /** ...the last `initArgumentCount` must be literal constants. */
  readonly initArgumentCount: number;
  /** Types of the column arguments (an untyped NULL takes its parameter's type). */
  readonly columnTypes: readonly SqlType[];
  /** Builds the aggregator for these init values (to learn its state and result types). */
  instantiate(initArguments: readonly unknown[], properties?: Readonly<Record<string, unknown>>): Aggregator;
}

/**
 * Resolves a call of `fn` with these argument types (null: an untyped NULL literal), as ksqlDB's
 * UdafAggregateFunctionFactory.getFunction does. Throws SQL_ANALYSIS with ksqlDB's wording.
 */
export function resolveAggregateCall(fn: AggregateFunction, args: readonly FunctionArgument[]): ResolvedAggregateCall {
  const displayName = displayNameOf(fn);
  const match = resolveSignature(displayName, signaturesOf(fn), args, false);
  const overload = fn.overloads[match.index]!;
  const initCount = initArgumentCount(overload, args.length);
  const columnCount = args.length - initCount;
  const columnTypes = match.arguments.slice(0, columnCount).map((a, i) => {
    const t = a.type ?? a.expectedType;
    if (t === null) {
      throw new SluiceError('SQL_ANALYSIS', `Function '${displayName}' cannot take an untyped NULL as argument ${i + 1}; CAST it to a type.`, {
        function: displayName,
      });
    }
    return t;
  });
  return {
    function: fn,
    overload,
    overloadIndex: match.index,
    arguments: match.arguments,
    columnArgumentCount: columnCount,
    initArgumentCount: initCount,
    columnTypes,
    instantiate: (initArguments, properties = {}) => {
      if (initArguments.length !== initCount) {
        throw new SluiceError('INTERNAL_ASSERTION', `${displayName} takes ${initCount} init arguments, got ${initArguments.length}`);
      }
      return overload.create({ columnTypes, initArguments, properties });
    },
  };
}

/**
 * Builds the aggregator a stored plan names: the function, the overload the analyzer chose, the
 * column argument types and the decoded literal init arguments.
 */
export function createAggregator(
  fn: AggregateFunction,
  overloadIndex: number,
  columnTypes: readonly SqlType[],
  initArguments: readonly unknown[],
  properties: Readonly<Record<string, unknown>> = {},
): Aggregator {
  const overload = fn.overloads[overloadIndex];
  if (overload === undefined) {
    throw new SluiceError('INTERNAL_ASSERTION', `aggregate function ${fn.name} has no overload ${overloadIndex}`, {
      expected: `an overload index below ${fn.overloads.length}`,
      found: String(overloadIndex),
    });
  }
  return overload.create({ columnTypes, initArguments, properties });
}

/** `a`, `a and b`, `a, b and c` (ksqlDB's GrammaticalJoiner.and()). */
function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * ksqlDB's error for aggregates without undo used on a table source (SchemaKGroupedTable):
 * `The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source,
 * only to a stream source.` Pass the names as Aggregator.functionName gives them, in call order;
 * duplicates are dropped.
 */
export function tableAggregationError(functionNames: readonly string[]): SluiceError {
  const names = [...new Set(functionNames)];
  const postfix = names.length === 1 ? '' : 's';
  return new SluiceError(
    'SQL_ANALYSIS',
    `The aggregation function${postfix} ${joinAnd(names)} cannot be applied to a table source, only to a stream source.`,
    { expected: 'aggregate functions that support table sources', found: names.join(', ') },
  );
}

/**
 * ksqlDB's error when an init argument is not a literal: `Parameter 2 passed to function TOPK must
 * be a literal constant, but was expression: 'K'` (position is 1-based among all arguments).
 */
export function literalArgumentError(functionName: string, position: number, expressionText: string): SluiceError {
  return new SluiceError(
    'SQL_ANALYSIS',
    `Parameter ${position} passed to function ${functionName} must be a literal constant, but was expression: '${expressionText}'`,
    { expected: 'a literal constant', found: expressionText, function: functionName },
  );
}

/** ksqlDB's error for an aggregate inside another: `Aggregate functions can not be nested: SUM(COUNT())`. */
export function nestedAggregateError(outer: string, inner: string): SluiceError {
  return new SluiceError('SQL_ANALYSIS', `Aggregate functions can not be nested: ${outer}(${inner}())`, { function: outer });
}
