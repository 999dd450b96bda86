/**
 * engine/functions — ksqlDB's built-in functions and the registry that resolves calls to them.
 *
 * - registry:  FunctionRegistry (case-insensitive names; scalar, aggregate and table functions) and overload resolution exactly as ksqlDB's UdfIndex does it:
 *              exact matches, then implicit widening (INT → BIGINT → DECIMAL → DOUBLE, STRING →
 *              DATE/TIME/TIMESTAMP/BYTES), generics bound consistently, variadics, NULL literals
 *              matching anything, lambdas typed from the bound generics; ksqlDB's error wording.
 *              A resolved call gives the overload, the type each argument must be cast to, the
 *              lambda parameter types, the result type and the implementation to call per row.
 * - types:     ScalarFunction / ScalarOverload / ParamType / FunctionContext (how a function is
 *              declared and called).
 * - describe:  SHOW FUNCTIONS / DESCRIBE FUNCTION data.
 * - scalar/:   the functions, by family (string, regex, math, conditional, collection, lambda,
 *              json, url, conversions; datetime/ holds DATE/TIME/TIMESTAMP), each with ksqlDB's
 *              signatures, null handling and Java semantics (java/: regex translation, Jackson-like
 *              JSON, java.net.URI, Java string/byte conventions, Java equality and ordering).
 *
 * Implementations receive already-evaluated arguments (lambdas as JS functions, variadic
 * arguments spread) and handle nulls themselves; they throw SluiceError ENGINE_EVALUATION where
 * ksqlDB's UDF throws, which the expression evaluator turns into NULL and a processing-log entry.
 */
import { FunctionRegistry } from './registry.js';
import { stringFunctions } from './scalar/string.js';
import { regexFunctions } from './scalar/regex.js';
import { mathFunctions } from './scalar/math.js';
import { conditionalFunctions } from './scalar/conditional.js';
import { collectionFunctions } from './scalar/collection.js';
import { lambdaFunctions } from './scalar/lambda.js';
import { jsonFunctions } from './scalar/json.js';
import { urlFunctions } from './scalar/url.js';
import { conversionFunctions } from './scalar/conversions.js';
import { registerDatetimeFunctions } from './scalar/datetime/index.js';
import { registerAggregateFunctions } from './aggregate/index.js';
import { registerTableFunctions } from './table/index.js';
import type { ScalarFunction } from './types.js';

export { FunctionRegistry, resolveCall, invokeResolved, parameterFor, formatSignature } from './registry.js';
export type { FunctionArgument, LambdaArgument, LambdaBodyTyper, ResolvedArgument, ResolvedScalarCall, FunctionKind } from './registry.js';
export type {
  ParamType,
  FunctionContext,
  ScalarOverload,
  ScalarFunction,
  ReturnTypeProvider,
  ImplementationFactory,
} from './types.js';
export { describeFunction, describeScalar, listFunctions } from './describe.js';
export type { FunctionDescription, FunctionSignatureInfo, FunctionArgumentInfo, FunctionSummary } from './describe.js';
export { formatParamType, formatArgumentType, canImplicitlyCast } from './param-types.js';
export { toJsonString } from './scalar/json.js';
export { compileJavaPattern, PatternSyntaxError } from './java/regex.js';
export type { JavaPattern } from './java/regex.js';

/** Every built-in scalar function except the DATE/TIME ones (scalar/datetime registers those). */
export const builtinScalarFunctions: readonly ScalarFunction[] = [
  ...stringFunctions,
  ...regexFunctions,
  ...mathFunctions,
  ...conditionalFunctions,
  ...collectionFunctions,
  ...lambdaFunctions,
  ...jsonFunctions,
  ...urlFunctions,
  ...conversionFunctions,
];

/** A registry holding all of ksqlDB's built-in scalar, aggregate and table functions. */
export function createFunctionRegistry(): FunctionRegistry {
  const registry = new FunctionRegistry();
  for (const fn of builtinScalarFunctions) registry.registerScalar(fn);
  registerDatetimeFunctions(registry);
  registerAggregateFunctions(registry);
  registerTableFunctions(registry);
  return registry;
}

export * from './aggregate/index.js';
export * from './table/index.js';
