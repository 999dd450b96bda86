/** Helpers for the aggregate-function tests: a lookup, resolve-then-instantiate, and drivers. */
import {
  builtinAggregateFunctions,
  resolveAggregateCall,
  testAggregateFunctions,
  type AggregateFunction,
  type Aggregator,
  type ResolvedAggregateCall,
} from '../../../../../engine/functions/aggregate/index.js';
import type { FunctionArgument } from '../../../../../engine/functions/index.js';
import { Decimal } from '../../../../../engine/types/index.js';

const functions = new Map<string, AggregateFunction>();
for (const fn of [...builtinAggregateFunctions, ...testAggregateFunctions]) functions.set(fn.name.toUpperCase(), fn);

export function fn(name: string): AggregateFunction {
  const f = functions.get(name.toUpperCase());
  if (f === undefined) throw new Error(`no aggregate ${name}`);
  return f;
}

export function resolve(name: string, types: readonly FunctionArgument[]): ResolvedAggregateCall {
  return resolveAggregateCall(fn(name), types);
}

/** Resolves `name` for the argument types (column ones, then init ones) and instantiates it. */
export function make(
  name: string,
  types: readonly FunctionArgument[],
  initValues: readonly unknown[] = [],
  properties: Record<string, unknown> = {},
): Aggregator {
  return resolve(name, types).instantiate(initValues, properties);
}

/** Feeds `inputs` one at a time (sequence = index) and returns map(state) after each, like EMIT CHANGES. */
export function run(aggregator: Aggregator, inputs: readonly unknown[], startSequence = 0): unknown[] {
  let state = aggregator.initialize();
  const out: unknown[] = [];
  inputs.forEach((input, i) => {
    state = aggregator.aggregate(input, state, startSequence + i);
    out.push(aggregator.map(state));
  });
  return out;
}

/** The final state after feeding `inputs` (sequence = startSequence + index). */
export function stateAfter(aggregator: Aggregator, inputs: readonly unknown[], startSequence = 0): unknown {
  let state = aggregator.initialize();
  inputs.forEach((input, i) => {
    state = aggregator.aggregate(input, state, startSequence + i);
  });
  return state;
}

/**
 * A table aggregation: each change replaces a row; the old value is undone (when there was one),
 * then the new one aggregated (when not a tombstone), as ksqlDB's KudafUndoAggregator then
 * KudafAggregator. Returns map(state) after each change.
 */
export function runTable(aggregator: Aggregator, changes: ReadonlyArray<{ old?: unknown; new?: unknown }>): unknown[] {
  if (aggregator.undo === null) throw new Error(`${aggregator.functionName} has no undo`);
  let state = aggregator.initialize();
  const out: unknown[] = [];
  changes.forEach((change, i) => {
    if ('old' in change) state = aggregator.undo!(change.old, state);
    if ('new' in change) state = aggregator.aggregate(change.new, state, i);
    out.push(aggregator.map(state));
  });
  return out;
}

export function dec(text: string): Decimal {
  return Decimal.fromString(text);
}

/** Message of the error `f` throws. */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
