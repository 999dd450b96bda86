/**
 * Resolving a table-function call (ksqlDB's TableFunctionFactory over a UdfIndex with implicit
 * casts), with the declared name in messages: `Function 'explode' does not accept parameters
 * (MAP<STRING, INTEGER>).` followed by `explode(ARRAY<DECIMAL> input)` hints.
 */
import type { FunctionArgument, ResolvedArgument } from '../registry.js';
import { type Signature, bindPattern, resolveSignature } from '../aggregate/index.js';
import type { TableFunction, TableFunctionImplementation, TableFunctionOverload } from './types.js';
import type { SqlType } from './deps.js';
import { SluiceError } from './deps.js';

export interface ResolvedTableFunctionCall {
  readonly function: TableFunction;
  readonly overload: TableFunctionOverload;
  /** What the plan stores (flatMap tableFunctions[].overloadIndex). */
  readonly overloadIndex: number;
  /** Per argument: its type, the type it is passed as, whether a cast is needed. */
  readonly arguments: readonly ResolvedArgument[];
  /** The type of each produced value (the flat-map column's type). */
  readonly returnType: SqlType;
  readonly needsContext: boolean;
  /** What to call per row (specialised when the overload asks for it). */
  readonly implementation: TableFunctionImplementation;
}

export function tableFunctionSignature(overload: TableFunctionOverload): Signature {
  return {
    params: overload.params,
    variadicIndex: overload.variadic === true ? overload.params.length - 1 : -1,
    paramNames: overload.paramNames ?? overload.params.map(() => ''),
  };
}

const signatureCache = new WeakMap<TableFunction, readonly Signature[]>();

function signaturesOf(fn: TableFunction): readonly Signature[] {
  let signatures = signatureCache.get(fn);
  if (signatures === undefined) {
    signatures = fn.overloads.map(tableFunctionSignature);
    signatureCache.set(fn, signatures);
  }
  return signatures;
}

/** Resolves a call of `fn`; throws SQL_ANALYSIS with ksqlDB's wording. */
export function resolveTableFunctionCall(fn: TableFunction, args: readonly FunctionArgument[]): ResolvedTableFunctionCall {
  const displayName = fn.declaredName ?? fn.name;
  const match = resolveSignature(displayName, signaturesOf(fn), args, true);
  const overload = fn.overloads[match.index]!;
  const argumentTypes = match.arguments.map((a) => a.type);
  const returnType = typeof overload.returns === 'function' ? overload.returns(argumentTypes) : bindPattern(overload.returns, match.bindings, displayName);
  const implementation = overload.implementationFor ? overload.implementationFor(argumentTypes, returnType) : overload.implementation;
  return {
    function: fn,
    overload,
    overloadIndex: match.index,
    arguments: match.arguments,
    returnType,
    needsContext: overload.needsContext === true,
    implementation,
  };
}

/** ksqlDB's analyzer errors around table functions. */
export function tableFunctionWithTableSourceError(): SluiceError {
  return new SluiceError('SQL_ANALYSIS', 'Table source is not supported with table functions', {
    expected: 'a stream source',
    found: 'a table source',
  });
}

export function tableFunctionWithAggregationError(): SluiceError {
  return new SluiceError('SQL_ANALYSIS', 'Table functions cannot be used with aggregations.', {
    expected: 'no aggregate functions',
    found: 'aggregate and table functions',
  });
}
