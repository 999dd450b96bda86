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
import type { SqlType } from '../types/index.js';

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
  | { kind: 'LAMBDA'; params: readonly ParamType[]; returns: ParamType }
  /** Any type at all (Java `Object`); matches without binding anything. */
  | { kind: 'ANY' };

/**
 * Computes an overload's result type from its arguments' types, as ksqlDB's schema providers do
 * (decimal precision/scale). Each entry is the argument's own type; `null` stands for an untyped
 * NULL literal (and for a lambda). Declared with method syntax so a provider written for
 * `readonly SqlType[]` still type-checks.
 */
export type ReturnTypeProvider = {
  provide(argumentTypes: readonly (SqlType | null)[]): SqlType;
}['provide'];

/**
 * Builds an implementation specialised for the resolved argument types (for functions whose
 * behaviour depends on a type the run-time value does not carry: a DOUBLE `1.0` and an INT `1` are
 * both the JS number 1; a DATE is a number). Called once per call site, at resolution.
 */
export type ImplementationFactory = {
  create(argumentTypes: readonly (SqlType | null)[], returnType: SqlType): (...args: any[]) => unknown;
}['create'];

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
  /**
   * A pattern (resolved with the generics bound by the arguments) or a function of the argument
   * types. When it is a function, `declaredReturn` says what DESCRIBE FUNCTION shows.
   */
  returns: ParamType | ReturnTypeProvider;
  /** The declared return type for DESCRIBE FUNCTION when `returns` is a function (e.g. ANY_DECIMAL). */
  declaredReturn?: ParamType;
  /**
   * Called with the evaluated arguments (variadic ones spread positionally). When
   * `needsContext` is true, the FunctionContext comes first.
   */
  implementation: (...args: any[]) => unknown;
  /** When set, used instead of `implementation` with the call site's resolved types. */
  implementationFor?: ImplementationFactory;
  needsContext?: boolean;
  /** Parameter names, as ksqlDB shows them in errors and DESCRIBE FUNCTION (one per param). */
  paramNames?: readonly string[];
  /** Parameter descriptions for DESCRIBE FUNCTION (one per param). */
  paramDescriptions?: readonly string[];
  /** Documentation for this signature (DESCRIBE FUNCTION). */
  description?: string;
}

export interface ScalarFunction {
  /** Upper-case name as SQL uses it. */
  name: string;
  /**
   * The name as ksqlDB declares it (`greatest`, `COALESCE`, `Abs`), used verbatim in resolution
   * errors (`Function 'greatest' does not accept parameters ...`). Defaults to `name`.
   */
  declaredName?: string;
  /** Author shown by DESCRIBE FUNCTION (ksqlDB's built-ins: `Confluent`, some none). */
  author?: string;
  /** One line for SHOW FUNCTIONS / DESCRIBE FUNCTION. */
  description: string;
  /** 'STRING', 'MATHEMATICAL', 'DATE / TIME', 'ARRAY', 'MAP', 'JSON', 'URL', 'LAMBDA', 'CONVERSIONS', 'OTHER'... as ksqlDB groups them. */
  category: string;
  overloads: readonly ScalarOverload[];
}
