/**
 * The table-function (UDTF) contract: a function called once per input row with the evaluated
 * arguments, returning the list of values of the rows it produces for that row (an empty array for
 * none). The flat-map operator zips several table functions of one SELECT to the longest list
 * (shorter ones padded with null: ksqlDB's KLIP-9 semantics), so a function only returns its list.
 * Returning null is invalid (the operator logs it and treats it as empty); throwing is logged and
 * produces no rows.
 *
 * Overloads declare parameters like scalar ones (patterns, generics, Java-style varargs on the
 * last parameter) and `returns` is the type of ONE produced value (EXPLODE(ARRAY<T>) returns T),
 * as ksqlDB's UDTF return type is the element type of its List. Resolution is ksqlDB's UdfIndex
 * with implicit casts (UDTF indexes allow them).
 *
 * The shape is the operators' TableFunction / TableFunctionOverload (engine/operators/types.ts)
 * plus what the analyzer and DESCRIBE need, and a ScalarFunction structurally.
 */
import type { ParamType, ReturnTypeProvider } from '../types.js';
import type { SqlType } from './deps.js';

/** Called with the evaluated arguments (after the FunctionContext when `needsContext`). */
export type TableFunctionImplementation = (...args: any[]) => readonly unknown[] | null;

export interface TableFunctionOverload {
  readonly params: readonly ParamType[];
  /** When set, the last parameter repeats zero or more times (Java varargs). */
  readonly variadic?: boolean;
  /** The type of each produced value: a pattern, or a function of the argument types. */
  readonly returns: ParamType | ReturnTypeProvider;
  /** DESCRIBE's return type when `returns` is a function. */
  readonly declaredReturn?: ParamType;
  readonly implementation: TableFunctionImplementation;
  /** Specialised for the call site's argument and result types (once per call site). */
  readonly implementationFor?: (argumentTypes: readonly (SqlType | null)[], returnType: SqlType) => TableFunctionImplementation;
  readonly needsContext?: boolean;
  readonly paramNames?: readonly string[];
  readonly paramDescriptions?: readonly string[];
  readonly description?: string;
}

export interface TableFunction {
  /** Upper-case name as SQL uses it. */
  readonly name: string;
  /** The name as ksqlDB declares it (`explode`), used in messages. Defaults to `name`. */
  readonly declaredName?: string;
  readonly author?: string;
  readonly description: string;
  /** 'TABLE', as ksqlDB categorises UDTFs. */
  readonly category: string;
  readonly overloads: readonly TableFunctionOverload[];
}
