/**
 * Small helpers for declaring scalar functions: parameter patterns, overloads, and the run-time
 * checks Java does for us (a null passed for a primitive parameter fails the call).
 */
import type { ImplementationFactory, ParamType, ReturnTypeProvider, ScalarFunction, ScalarOverload } from '../types.js';
import type { SqlType } from '../deps.js';
import { BIGINT, BOOLEAN, BYTES, DATE, DOUBLE, INTEGER, STRING, SluiceError, TIME, TIMESTAMP } from '../deps.js';

export { BIGINT, BOOLEAN, BYTES, DATE, DOUBLE, INTEGER, STRING, TIME, TIMESTAMP };

export const CONFLUENT = 'Confluent';

export function generic(name: string): ParamType {
  return { kind: 'GENERIC', name };
}
export const T = generic('T');
export const K = generic('K');
export const V = generic('V');
export const R = generic('R');
export const S = generic('S');
export const ANY_DECIMAL: ParamType = { kind: 'ANY_DECIMAL' };

export function arrayOf(element: ParamType): ParamType {
  return { kind: 'ARRAY', element };
}
export function mapOf(key: ParamType, value: ParamType): ParamType {
  return { kind: 'MAP', key, value };
}
export function lambda(params: readonly ParamType[], returns: ParamType): ParamType {
  return { kind: 'LAMBDA', params, returns };
}

export interface OverloadOptions {
  /** Parameter names (and optional descriptions after a colon is not supported: use `docs`). */
  names?: readonly string[];
  docs?: readonly string[];
  variadic?: boolean;
  description?: string;
  needsContext?: boolean;
  implementationFor?: ImplementationFactory;
  declaredReturn?: ParamType;
}

/** One overload. */
export function overload(
  params: readonly ParamType[],
  returns: ParamType | ReturnTypeProvider,
  implementation: (...args: any[]) => unknown,
  options: OverloadOptions = {},
): ScalarOverload {
  const o: ScalarOverload = { params, returns, implementation };
  if (options.variadic) o.variadic = true;
  if (options.names) o.paramNames = options.names;
  if (options.docs) o.paramDescriptions = options.docs;
  if (options.description) o.description = options.description;
  if (options.needsContext) o.needsContext = true;
  if (options.implementationFor) o.implementationFor = options.implementationFor;
  if (options.declaredReturn) o.declaredReturn = options.declaredReturn;
  return o;
}

export interface FunctionOptions {
  /** Upper-case SQL name. */
  name: string;
  /** ksqlDB's spelling (for messages); defaults to name. */
  declaredName?: string;
  category: string;
  description: string;
  author?: string;
}

export function scalar(options: FunctionOptions, overloads: readonly ScalarOverload[]): ScalarFunction {
  const fn: ScalarFunction = {
    name: options.name,
    description: options.description,
    category: options.category,
    overloads,
  };
  if (options.declaredName !== undefined && options.declaredName !== options.name) fn.declaredName = options.declaredName;
  if (options.author !== undefined) fn.author = options.author;
  return fn;
}

/** Java throws when null is passed for a primitive (`int`, `boolean`) parameter. */
export function primitive<V>(value: V | null | undefined, functionName: string, parameter: string): V {
  if (value === null || value === undefined) {
    throw new SluiceError('ENGINE_EVALUATION', `Failed to invoke function ${functionName}: null passed for primitive parameter '${parameter}'`, {
      expected: `a non-null ${parameter}`,
      found: 'null',
    });
  }
  return value;
}

/** A run-time failure inside a function (ksqlDB's KsqlFunctionException). */
export function functionError(message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('ENGINE_EVALUATION', message, details);
}

/** Java int arithmetic wraps at 32 bits. */
export function toInt(n: number): number {
  return n | 0;
}

/** Results larger than this many elements or characters are refused rather than built. */
export const RESULT_SIZE_MAX = 10_000_000;

export function checkResultSize(size: number, what: string): void {
  if (size > RESULT_SIZE_MAX) {
    throw new SluiceError('LIMIT_EXCEEDED', `${what} would have ${size} elements; the limit is ${RESULT_SIZE_MAX}`, {
      expected: `at most ${RESULT_SIZE_MAX}`,
      found: String(size),
    });
  }
}

/** The type of an argument in a provider (null literal → null). */
export function argumentType(types: readonly (SqlType | null)[], index: number): SqlType | null {
  return types[index] ?? null;
}
