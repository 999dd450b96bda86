/**
 * What the aggregate operators need of engine/functions' UDAF contract (aggregate/types.ts there),
 * stated structurally so the operators depend on the shape only: a lookup by name, overloads
 * with `create(init)`, and the Aggregator's initialize / aggregate / undo / merge / map.
 */
import { SluiceError } from '../../../common/index.js';
import type { SqlType } from '../../types/index.js';

export interface AggregatorLike {
  readonly functionName: string;
  readonly aggregateType: SqlType;
  readonly returnType: SqlType;
  readonly input: 'value' | 'array';
  initialize(): unknown;
  aggregate(input: unknown, state: any, sequence: number): unknown;
  readonly undo: ((input: unknown, state: any) => unknown) | null;
  merge(a: any, b: any): unknown;
  map(state: any): unknown;
}

export interface AggregateOverloadLike {
  readonly params: readonly unknown[];
  readonly columnParams: number;
  readonly variadicIndex?: number;
  create(init: { columnTypes: readonly SqlType[]; initArguments: readonly unknown[]; properties: Readonly<Record<string, unknown>> }): AggregatorLike;
}

export interface AggregateFunctionLike {
  readonly name: string;
  readonly overloads: readonly AggregateOverloadLike[];
}

export interface AggregateFunctionLookup {
  getAggregate(name: string): AggregateFunctionLike | undefined;
}

/** How many of `argumentCount` arguments are init (literal) arguments (engine/functions' rule). */
export function initArgumentCountOf(overload: AggregateOverloadLike, argumentCount: number): number {
  const variadic = overload.variadicIndex ?? -1;
  if (variadic >= overload.columnParams) return argumentCount - overload.columnParams;
  return overload.params.length - overload.columnParams;
}

/** The registry's aggregate lookup (`getAggregate`), or a lookup over a list of functions. */
export function aggregateLookup(functions: unknown, fallback: readonly AggregateFunctionLike[] = []): AggregateFunctionLookup {
  const registry = functions as Partial<AggregateFunctionLookup> | null | undefined;
  const byName = new Map(fallback.map((f) => [f.name.toUpperCase(), f]));
  return {
    getAggregate(name: string): AggregateFunctionLike | undefined {
      const found = typeof registry?.getAggregate === 'function' ? registry.getAggregate(name) : undefined;
      return found ?? byName.get(name.toUpperCase());
    },
  };
}

export function noAggregateFunction(name: string): SluiceError {
  return new SluiceError('ENGINE_FUNCTION_NOT_FOUND', `Can't find any functions with the name '${name}'`, { expected: 'an aggregate function', found: name });
}
