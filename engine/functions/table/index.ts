/**
 * engine/functions/table — ksqlDB's table functions (UDTFs): functions in a SELECT list that turn
 * one input row into zero or more output rows (the flat-map operator runs them).
 *
 * - types:    TableFunction / TableFunctionOverload: scalar-like overloads whose implementation
 *             returns the list of produced values (`returns` is ONE value's type). The shape is
 *             the operators' TableFunction contract (engine/operators/types.ts) plus what the
 *             analyzer and DESCRIBE FUNCTION need.
 * - resolve:  resolveTableFunctionCall (ksqlDB's UdfIndex with implicit casts and the declared name
 *             in messages), and ksqlDB's analyzer errors for table functions.
 * - explode:  EXPLODE (ARRAY<T> and ARRAY<DECIMAL>) and CUBE_EXPLODE — every UDTF in ksqlDB.
 * - testing:  ksqlDB's test-only UDTFs (TEST_UDTF, THROWING_UDTF), for the conformance runner.
 *
 * Several table functions in one SELECT are zipped by the operator to the longest list, shorter
 * ones padded with null (KLIP-9); a function only produces its own list.
 */
import type { FunctionDescription } from '../describe.js';
import { formatParamType } from '../param-types.js';
import type { TableFunction } from './types.js';
import { cubeExplode, explode } from './explode.js';

export type { TableFunction, TableFunctionOverload, TableFunctionImplementation } from './types.js';
export type { ResolvedTableFunctionCall } from './resolve.js';
export {
  resolveTableFunctionCall,
  tableFunctionSignature,
  tableFunctionWithTableSourceError,
  tableFunctionWithAggregationError,
} from './resolve.js';
export { cubeCombinations, CUBE_MAX_COLUMNS } from './explode.js';
export { testTableFunctions, registerTestTableFunctions } from './testing.js';

/** What registration needs from the function registry. */
export interface TableFunctionRegistrar {
  registerTable(fn: TableFunction): void;
}

/** Every built-in table function. */
export const builtinTableFunctions: readonly TableFunction[] = [explode, cubeExplode];

/** Registers every built-in table function. */
export function registerTableFunctions(registry: TableFunctionRegistrar): void {
  for (const fn of builtinTableFunctions) registry.registerTable(fn);
}

/** DESCRIBE FUNCTION data for a table function (type TABLE). */
export function describeTableFunction(fn: TableFunction): FunctionDescription {
  return {
    name: fn.name.toUpperCase(),
    type: 'TABLE',
    category: fn.category,
    description: fn.description,
    author: fn.author ?? '',
    version: '',
    path: 'internal',
    functions: fn.overloads.map((o) => ({
      arguments: o.params.map((p, i) => ({
        name: o.paramNames?.[i] ?? '',
        type: formatParamType(p),
        description: o.paramDescriptions?.[i] ?? '',
        isVariadic: o.variadic === true && i === o.params.length - 1,
      })),
      returnType: formatParamType(o.declaredReturn ?? (typeof o.returns === 'function' ? { kind: 'ANY' } : o.returns)),
      description: o.description ?? '',
    })),
  };
}
