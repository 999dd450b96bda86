/**
 * Lambda functions: TRANSFORM, FILTER, REDUCE over arrays and maps. A lambda argument arrives as
 * a JS function of its parameters.
 *
 * Java's behaviour is kept where it shows: a FILTER lambda returning NULL fails the call (Java
 * unboxes it); map results go through Collectors.toMap, so a NULL key or value in the result, or
 * two entries mapping to the same key, fail the call; REDUCE returns NULL for a NULL initial
 * state and the initial state for a NULL collection.
 */
import type { ScalarFunction } from '../types.js';
import { BOOLEAN, CONFLUENT, K, R, S, T, V, arrayOf, functionError, lambda, mapOf, overload, scalar } from './define.js';
import { valueKey } from '../java/values.js';

const CATEGORY = 'LAMBDA';

type Fn1 = (a: unknown) => unknown;
type Fn2 = (a: unknown, b: unknown) => unknown;
type Fn3 = (a: unknown, b: unknown, c: unknown) => unknown;

function collectMap(entries: Iterable<[unknown, unknown]>): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  const seen = new Set<string>();
  for (const [k, v] of entries) {
    if (k === null || k === undefined || v === null || v === undefined) throw functionError('Collectors.toMap: a map key or value is null');
    const key = valueKey(k);
    if (seen.has(key)) throw functionError(`Duplicate key ${String(k)} (attempted merging values ${String(out.get(k))} and ${String(v)})`);
    seen.add(key);
    out.set(k, v);
  }
  return out;
}

function predicate(result: unknown): boolean {
  if (result === null || result === undefined) throw functionError('The lambda function returned NULL where a BOOLEAN is required');
  return result as boolean;
}

export const lambdaFunctions: readonly ScalarFunction[] = [
  scalar(
    { name: 'TRANSFORM', declaredName: 'transform', category: CATEGORY, author: CONFLUENT, description: 'Apply a function to each element in a collection. The transformed collection is returned.' },
    [
      overload(
        [arrayOf(T), lambda([T], R)],
        arrayOf(R),
        (array: readonly unknown[] | null, fn: Fn1 | null) => {
          if (array === null || fn === null) return null;
          return array.map((e) => fn(e ?? null) ?? null);
        },
        {
          names: ['array', 'function'],
          docs: ['The array', 'The lambda function'],
          description:
            'When transforming an array, the function provided must have two arguments. The two arguments for each function are in order: the key and then the value. The transformed array is returned.',
        },
      ),
      overload(
        [mapOf(K, V), lambda([K, V], R), lambda([K, V], T)],
        mapOf(R, T),
        (map: Map<unknown, unknown> | null, keyFn: Fn2 | null, valueFn: Fn2 | null) => {
          if (map === null || keyFn === null || valueFn === null) return null;
          return collectMap([...map].map(([k, v]) => [keyFn(k, v ?? null), valueFn(k, v ?? null)] as [unknown, unknown]));
        },
        {
          names: ['map', 'biFunction1', 'biFunction2'],
          docs: ['The map', 'The key lambda function', 'The value lambda function'],
          description:
            'When transforming a map, two functions must be provided. For each map entry, the first function provided will be applied to the key and the second one applied to the value. Each function must have two arguments. The two arguments for each function are in order: the key and then the value. The transformed map is returned.',
        },
      ),
    ],
  ),
  scalar(
    {
      name: 'FILTER',
      declaredName: 'filter',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Filter the input collection through a given lambda function. The filtered collection is returned.',
    },
    [
      overload(
        [arrayOf(T), lambda([T], BOOLEAN)],
        arrayOf(T),
        (array: readonly unknown[] | null, fn: Fn1 | null) => {
          if (array === null || fn === null) return null;
          return array.filter((e) => predicate(fn(e ?? null)));
        },
        {
          names: ['array', 'function'],
          docs: ['The array', 'The lambda function'],
          description: 'When filtering an array, the function provided must have a boolean result. The function is applied to each value in the array and a filtered array is returned.',
        },
      ),
      overload(
        [mapOf(K, V), lambda([K, V], BOOLEAN)],
        mapOf(K, V),
        (map: Map<unknown, unknown> | null, fn: Fn2 | null) => {
          if (map === null || fn === null) return null;
          return collectMap([...map].filter(([k, v]) => predicate(fn(k, v ?? null))));
        },
        {
          names: ['map', 'biFunction'],
          docs: ['The map', 'The lambda function'],
          description:
            'When filtering a map, the function provided must have a boolean result. For each map entry, the function will be applied to the key and value arguments in that order. The filtered map is returned.',
        },
      ),
    ],
  ),
  scalar(
    {
      name: 'REDUCE',
      declaredName: 'reduce',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Reduce the input collection down to a single value using an initial state and a function. The initial state (s) is passed into the scope of the function. Each invocation returns a new value for s, which the next invocation will receive. The final value for s is returned.',
    },
    [
      overload(
        [arrayOf(T), S, lambda([S, T], S)],
        S,
        (list: readonly unknown[] | null, initialState: unknown, fn: Fn2 | null) => {
          if (initialState === null || initialState === undefined || fn === null) return null;
          if (list === null) return initialState;
          let state: unknown = initialState;
          for (const item of list) state = fn(state, item ?? null) ?? null;
          return state;
        },
        {
          names: ['list', 'initialState', 'biFunction'],
          docs: ['The array.', 'The initial state.', 'The reduce function.'],
          description: 'When reducing an array, the reduce function must have two arguments. The two arguments for the reduce function are in order: the state and the array item. The final state is returned.',
        },
      ),
      overload(
        [mapOf(K, V), S, lambda([S, K, V], S)],
        S,
        (map: Map<unknown, unknown> | null, initialState: unknown, fn: Fn3 | null) => {
          if (initialState === null || initialState === undefined || fn === null) return null;
          if (map === null) return initialState;
          let state: unknown = initialState;
          for (const [k, v] of map) state = fn(state, k, v ?? null) ?? null;
          return state;
        },
        {
          names: ['map', 'initialState', 'triFunction'],
          docs: ['The map.', 'The initial state.', 'The reduce function.'],
          description:
            'When reducing a map, the reduce function must have three arguments. The three arguments for the reduce function are in order: the state, the key, and the value. The final state is returned.',
        },
      ),
    ],
  ),
];
