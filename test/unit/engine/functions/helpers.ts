/** Shared helpers for the function tests: one registry, and resolve-then-call. */
import {
  createFunctionRegistry,
  invokeResolved,
  type FunctionArgument,
  type FunctionContext,
  type LambdaBodyTyper,
  type ResolvedScalarCall,
} from '../../../../engine/functions/index.js';
import { Decimal, decimalType, type SqlType } from '../../../../engine/types/index.js';

export const registry = createFunctionRegistry();

export function context(properties: Record<string, unknown> = {}): FunctionContext {
  return { nowMs: () => 0, properties };
}

export function resolve(name: string, types: readonly FunctionArgument[], typeLambda?: LambdaBodyTyper): ResolvedScalarCall {
  return registry.resolveScalar(name, types, typeLambda);
}

/** Resolves `name` for `types` and calls it with `args` (values already of the expected types). */
export function call(name: string, types: readonly FunctionArgument[], args: readonly unknown[], properties: Record<string, unknown> = {}): unknown {
  return invokeResolved(resolve(name, types), context(properties), args);
}

/** A lambda argument with `n` parameters. */
export function lambdaArg(parameterCount: number): FunctionArgument {
  return { kind: 'LAMBDA', parameterCount };
}

export function dec(text: string): Decimal {
  return Decimal.fromString(text);
}

export function decType(precision: number, scale: number): SqlType {
  return decimalType(precision, scale);
}

/** Message of the error `fn` throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
