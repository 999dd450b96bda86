/**
 * The registry pieces udfs.ts needs. Aggregate and table functions are resolved through the
 * registry (`resolveAggregate` / `resolveTable`, or `getAggregate` / `getTable` plus the module's
 * `resolveAggregateCall` / `resolveTableFunctionCall`), whichever engine/functions offers.
 */
import * as functionsModule from '../../engine/functions/index.js';
import type { FunctionArgument } from './deps.js';

export { SluiceError, type Ast, type Expr, type FunctionArgument, type FunctionRegistry, type SqlType } from './deps.js';

type Resolver = (fn: unknown, args: readonly FunctionArgument[]) => unknown;

function moduleFunction(name: string): Resolver | undefined {
  const candidate = (functionsModule as unknown as Record<string, unknown>)[name];
  return typeof candidate === 'function' ? (candidate as Resolver) : undefined;
}

/** Resolves a call of a function object shaped like a ScalarFunction. */
export function resolveCallFor(fn: unknown, args: readonly FunctionArgument[]): unknown {
  return functionsModule.resolveCall(fn as functionsModule.ScalarFunction, args);
}

export const resolveAggregateCall: Resolver | undefined = moduleFunction('resolveAggregateCall');
export const resolveTableFunctionCall: Resolver | undefined = moduleFunction('resolveTableFunctionCall');
