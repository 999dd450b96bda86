/**
 * How a function is described to the analyzer and called by compiled expressions.
 *
 * A function has one or more overloads. Each overload declares its parameter types as patterns
 * (concrete SQL types, generics like `T`, `ARRAY<T>`, any decimal, lambdas), a return type (a
 * pattern resolved from the bound generics, or a function of the argument types, as for
 * decimals), and an implementation called positionally with already-evaluated arguments (a
 * lambda argument arrives as a JS function). Implementations handle nulls themselves, following
 * ksqlDB (most return null when an argument is null; some, like CONCAT or COALESCE, do not).
 */
import type { SqlType } from '../types/sql-type.js';

export type ParamType =
  | SqlType
  /** A type variable: every occurrence of the same name binds to one type. */
  | { kind: 'GENERIC'; name: string }
  | { kind: 'ARRAY'; element: ParamType }
  | { kind: 'MAP'; key: ParamType; value: ParamType }
  /** Any DECIMAL(p, s). */
  | { kind: 'ANY_DECIMAL' }
  /** Any STRUCT. */
  | { kind: 'ANY_STRUCT' }
  /** A lambda taking these parameters and returning this. */
  | { kind: 'LAMBDA'; params: readonly ParamType[]; returns: ParamType };

export interface FunctionContext {
  /** Current wall-clock time in ms (the Clock's, so tests are deterministic). */
  nowMs(): number;
  /** ksqlDB properties in effect for the query (e.g. `ksql.functions.substring.legacy.args`). */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface ScalarOverload {
  params: readonly ParamType[];
  /** When set, the last parameter repeats zero or more times (Java varargs). */
  variadic?: boolean;
  /** A pattern (resolved with the generics bound by the arguments) or a function of the argument types. */
  returns: ParamType | ((argumentTypes: readonly SqlType[]) => SqlType);
  /**
   * Called with the evaluated arguments (variadic ones spread positionally). When
   * `needsContext` is true, the FunctionContext comes first.
   */
  implementation: (...args: any[]) => unknown;
  needsContext?: boolean;
  /** Documentation for this signature (DESCRIBE FUNCTION). */
  description?: string;
}

export interface ScalarFunction {
  /** Upper-case name as SQL uses it. */
  name: string;
  /** One line for SHOW FUNCTIONS / DESCRIBE FUNCTION. */
  description: string;
  /** 'STRING', 'MATHEMATICAL', 'DATE / TIME', 'ARRAY', 'MAP', 'JSON', 'URL', 'LAMBDA', 'CONVERSIONS', 'OTHER'... as ksqlDB groups them. */
  category: string;
  overloads: readonly ScalarOverload[];
}
