/**
 * COUNT and COUNT_DISTINCT.
 *
 * - COUNT(col): non-null values (BIGINT); undo subtracts (tables count back to 0). COUNT(*) and
 *   COUNT() arrive as COUNT(ROWTIME) (the analyzer's rewrite, as ksqlDB's AggregateAnalyzer).
 * - COUNT_DISTINCT(col): HyperLogLog estimate (state: the 2731 register words as ARRAY<INT>);
 *   nulls ignored; streams only.
 */
import type { AggregateFunction } from './types.js';
import { BIGINT, CONFLUENT, INTEGER, T, columnType, udaf } from './define.js';
import { arrayType } from './deps.js';
import { cardinality, emptyRegisters, hasherFor, mergeRegisters, offerHashed } from './hyperloglog.js';

const COUNT_DESCRIPTION = 'Counts records by key.';

export const count: AggregateFunction = udaf({ name: 'COUNT', author: CONFLUENT, description: COUNT_DESCRIPTION }, [
  {
    columns: [T],
    returns: BIGINT,
    description: COUNT_DESCRIPTION,
    undo: true,
    build: () => ({
      aggregateType: BIGINT,
      returnType: BIGINT,
      input: 'value',
      initialize: () => 0,
      aggregate: (value: unknown, state: number) => (value === null || value === undefined ? state : state + 1),
      undo: (value: unknown, state: number) => (value === null || value === undefined ? state : state - 1),
      merge: (a: number, b: number) => a + b,
      map: (state: number) => state,
    }),
  },
]);

const COUNT_DISTINCT_DESCRIPTION =
  'This function returns the number of items found in a group. The implementation is probabilistic with a typical accuracy (standard error) of less than 1%.';

const REGISTERS_TYPE = arrayType(INTEGER);

export const countDistinct: AggregateFunction = udaf(
  { name: 'COUNT_DISTINCT', author: CONFLUENT, description: COUNT_DISTINCT_DESCRIPTION },
  [
    {
      columns: [T],
      returns: BIGINT,
      description: 'Count distinct',
      build: (init) => {
        const hash = hasherFor(columnType(init));
        return {
          aggregateType: REGISTERS_TYPE,
          returnType: BIGINT,
          input: 'value',
          initialize: emptyRegisters,
          aggregate: (value: unknown, registers: number[]) => {
            if (value === null || value === undefined) return registers;
            offerHashed(registers, hash(value));
            return registers;
          },
          merge: (a: number[], b: number[]) => mergeRegisters(a, b),
          map: (registers: number[]) => cardinality(registers),
        };
      },
    },
  ],
);
