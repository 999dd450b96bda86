/**
 * SUM and SUM_LIST, as ksqlDB's SumKudaf family and ListSumUdaf (all table aggregates: undo
 * subtracts). Nulls are ignored; an empty group sums to 0.
 *
 * - SUM(INT) -> INT (wraps at 32 bits, as Java's int), SUM(BIGINT) -> BIGINT, SUM(DOUBLE) ->
 *   DOUBLE, SUM(DECIMAL(p, s)) -> DECIMAL(p, s): each addition rounds to p significant digits
 *   (MathContext(p), HALF_UP) and fails with `Numeric field overflow: ...` once the absolute sum
 *   reaches 10^(p - s) (ksqlDB fails the query there). Merge and undo do not check.
 * - SUM_LIST(ARRAY<DOUBLE | INT | BIGINT>) adds the non-null elements of each list.
 */
import type { AggregateFunction } from './types.js';
import type { AggregatorBody } from './define.js';
import { ANY_DECIMAL, BIGINT, CONFLUENT, DOUBLE, INTEGER, addInt, aggregateError, arrayOf, columnType, udaf } from './define.js';
import type { SqlType } from './deps.js';
import { Decimal } from './deps.js';

function numericSum(type: SqlType, add: (a: number, b: number) => number, subtract: (a: number, b: number) => number): AggregatorBody {
  return {
    aggregateType: type,
    returnType: type,
    input: 'value',
    initialize: () => 0,
    aggregate: (value: unknown, state: number) => (value === null || value === undefined ? state : add(state, value as number)),
    undo: (value: unknown, state: number) => (value === null || value === undefined ? state : subtract(state, value as number)),
    merge: (a: number, b: number) => add(a, b),
    map: (state: number) => state,
  };
}

const plus = (a: number, b: number): number => a + b;
const minus = (a: number, b: number): number => a - b;
const minusInt = (a: number, b: number): number => (a - b) | 0;

function decimalSum(type: SqlType, functionName: string): AggregatorBody {
  if (type.kind !== 'DECIMAL') throw new TypeError('decimalSum needs a DECIMAL type');
  const { precision, scale } = type;
  const digits = precision - scale;
  const limit = Decimal.fromBigInt(10n ** BigInt(Math.max(digits, 0)));
  const zero = new Decimal(0n, scale);
  const round = (d: Decimal): Decimal => d.roundToPrecision(precision, 'HALF_UP');
  return {
    aggregateType: type,
    returnType: type,
    input: 'value',
    initialize: () => zero,
    aggregate: (value: unknown, state: Decimal) => {
      if (value === null || value === undefined) return state;
      const sum = round(state.add(value as Decimal));
      if (sum.abs().compare(limit) >= 0) {
        throw aggregateError(
          `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${digits}. Got ${sum.toPlainString()}`,
          functionName,
        );
      }
      return sum;
    },
    undo: (value: unknown, state: Decimal) => (value === null || value === undefined ? state : round(state.subtract(value as Decimal))),
    merge: (a: Decimal, b: Decimal) => round(a.add(b)),
    map: (state: Decimal) => state,
  };
}

const SUM_DESCRIPTION = 'Computes the sum for a key.';

export const sum: AggregateFunction = udaf({ name: 'SUM', author: CONFLUENT, description: SUM_DESCRIPTION }, [
  {
    columns: [ANY_DECIMAL],
    returns: ANY_DECIMAL,
    description: 'Computes the sum of decimal values for a key, resulting in a decimal with the same precision and scale.',
    undo: true,
    build: (init) => decimalSum(columnType(init), 'SUM'),
  },
  { columns: [DOUBLE], returns: DOUBLE, description: SUM_DESCRIPTION, undo: true, build: () => numericSum(DOUBLE, plus, minus) },
  { columns: [BIGINT], returns: BIGINT, description: SUM_DESCRIPTION, undo: true, build: () => numericSum(BIGINT, plus, minus) },
  { columns: [INTEGER], returns: INTEGER, description: SUM_DESCRIPTION, undo: true, build: () => numericSum(INTEGER, addInt, minusInt) },
]);

function listSum(type: SqlType, add: (a: number, b: number) => number, subtract: (a: number, b: number) => number): AggregatorBody {
  const total = (list: readonly (number | null)[]): number => {
    let s = 0;
    for (const v of list) if (v !== null && v !== undefined) s = add(s, v);
    return s;
  };
  return {
    aggregateType: type,
    returnType: type,
    input: 'value',
    initialize: () => 0,
    aggregate: (value: unknown, state: number) => (value === null || value === undefined ? state : add(state, total(value as number[]))),
    undo: (value: unknown, state: number) => (value === null || value === undefined ? state : subtract(state, total(value as number[]))),
    merge: (a: number, b: number) => add(a, b),
    map: (state: number) => state,
  };
}

export const sumList: AggregateFunction = udaf(
  { name: 'SUM_LIST', declaredName: 'sum_list', author: CONFLUENT, description: 'Returns the sum of elements contained in the list.' },
  [
    {
      columns: [arrayOf(DOUBLE)],
      returns: DOUBLE,
      description: 'sum double values in a list into a single double',
      undo: true,
      build: () => listSum(DOUBLE, plus, minus),
    },
    {
      columns: [arrayOf(INTEGER)],
      returns: INTEGER,
      description: 'sum int values in a list into a single int',
      undo: true,
      build: () => listSum(INTEGER, addInt, minusInt),
    },
    {
      columns: [arrayOf(BIGINT)],
      returns: BIGINT,
      description: 'sum long values in a list into a single long',
      undo: true,
      build: () => listSum(BIGINT, plus, minus),
    },
  ],
);
