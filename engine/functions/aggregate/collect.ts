/**
 * COLLECT_LIST and COLLECT_SET, as ksqlDB's CollectListUdaf and CollectSetUdaf: every value, nulls
 * included, into an ARRAY<T> (state and result), in arrival order.
 *
 * - COLLECT_LIST keeps duplicates; table aggregate: undo removes the last occurrence of the value
 *   (nothing if absent: it was beyond the limit). Limit: `ksql.functions.collect_list.limit`.
 * - COLLECT_SET keeps the first occurrence of each value (Java equals: deep for arrays, maps and
 *   structs); streams only. Limit: `ksql.functions.collect_set.limit` (its description says
 *   collect_list's, its code reads collect_set's: the code wins).
 *
 * A limit (a number, or a string Integer.parseInt accepts) caps the array; later values are
 * dropped silently. A negative limit means none.
 */
import type { AggregateFunction, AggregateInit } from './types.js';
import { CONFLUENT, T, arrayOf, columnType, intProperty, udaf } from './define.js';
import { arrayType } from './deps.js';
import { javaEquals } from '../java/values.js';

export const COLLECT_LIST_LIMIT = 'ksql.functions.collect_list.limit';
export const COLLECT_SET_LIMIT = 'ksql.functions.collect_set.limit';

function limitOf(init: AggregateInit, key: string): number {
  const limit = intProperty(init.properties, key);
  return limit === null || limit < 0 ? Number.MAX_SAFE_INTEGER : limit;
}

export const collectList: AggregateFunction = udaf(
  {
    name: 'COLLECT_LIST',
    declaredName: 'collect_list',
    author: CONFLUENT,
    description:
      'Gather all of the values from an input grouping into a single Array field.\n' +
      'Although this aggregate works on both Stream and Table inputs, the order of entries in the result array is not guaranteed when working on Table input data.\n' +
      'You may limit the size of the resultant Array to N entries, beyond which any further values will be silently ignored, by setting the ksql.functions.collect_list.limit configuration to N.',
  },
  [
    {
      columns: [T],
      returns: arrayOf(T),
      description: 'collect values of a field into a single Array',
      undo: true,
      build: (init) => {
        const limit = limitOf(init, COLLECT_LIST_LIMIT);
        const type = arrayType(columnType(init));
        return {
          aggregateType: type,
          returnType: type,
          input: 'value',
          initialize: () => [],
          aggregate: (value: unknown, list: unknown[]) => {
            if (list.length < limit) list.push(value ?? null);
            return list;
          },
          undo: (value: unknown, list: unknown[]) => {
            const v = value ?? null;
            for (let i = list.length - 1; i >= 0; i--) {
              if (javaEquals(list[i] ?? null, v)) {
                list.splice(i, 1);
                break;
              }
            }
            return list;
          },
          merge: (one: unknown[], two: unknown[]) => {
            const room = Math.max(0, Math.min(limit - one.length, two.length));
            for (let i = 0; i < room; i++) one.push(two[i]);
            return one;
          },
          map: (list: unknown[]) => list.slice(),
        };
      },
    },
  ],
);

export const collectSet: AggregateFunction = udaf(
  {
    name: 'COLLECT_SET',
    declaredName: 'collect_set',
    author: CONFLUENT,
    description:
      'Gather all of the distinct values from an input grouping into a single Array.\n' +
      'Not available for aggregating values from an input Table.\n' +
      'You may limit the size of the resultant Array to N entries, beyond which any further values will be silently ignored, by setting the ksql.functions.collect_list.limit configuration to N.',
  },
  [
    {
      columns: [T],
      returns: arrayOf(T),
      description: 'collect distinct values of a Bigint field into a single Array',
      build: (init) => {
        const limit = limitOf(init, COLLECT_SET_LIMIT);
        const type = arrayType(columnType(init));
        const contains = (list: readonly unknown[], value: unknown): boolean => {
          for (const e of list) if (javaEquals(e ?? null, value)) return true;
          return false;
        };
        return {
          aggregateType: type,
          returnType: type,
          input: 'value',
          initialize: () => [],
          aggregate: (value: unknown, list: unknown[]) => {
            const v = value ?? null;
            if (list.length < limit && !contains(list, v)) list.push(v);
            return list;
          },
          merge: (one: unknown[], two: unknown[]) => {
            for (const entry of two) {
              if (one.length === limit) break;
              if (!contains(one, entry ?? null)) one.push(entry ?? null);
            }
            return one;
          },
          map: (list: unknown[]) => list.slice(),
        };
      },
    },
  ],
);
