/**
 * AVG, as ksqlDB's AverageUdaf: for INT, BIGINT and DOUBLE columns (no DECIMAL overload in
 * ksqlDB), a DOUBLE result, state STRUCT<SUM (the column's type), COUNT BIGINT>. Nulls ignored; an
 * empty group averages to 0.0. The INT sum wraps at 32 bits, as Java's int does. Table aggregate.
 * aggregate and undo update the state in place (no allocation per row); merge makes a new one.
 */
import type { AggregateFunction } from './types.js';
import type { AggregatorBody } from './define.js';
import { BIGINT, CONFLUENT, DOUBLE, INTEGER, addInt, udaf } from './define.js';
import type { SqlType } from './deps.js';
import { structType } from './deps.js';

interface AverageState {
  SUM: number;
  COUNT: number;
}

function average(sumType: SqlType, add: (a: number, b: number) => number, subtract: (a: number, b: number) => number): AggregatorBody {
  return {
    aggregateType: structType([
      { name: 'SUM', type: sumType },
      { name: 'COUNT', type: BIGINT },
    ]),
    returnType: DOUBLE,
    input: 'value',
    initialize: (): AverageState => ({ SUM: 0, COUNT: 0 }),
    aggregate: (value: unknown, state: AverageState): AverageState => {
      if (value === null || value === undefined) return state;
      state.SUM = add(state.SUM, value as number);
      state.COUNT++;
      return state;
    },
    undo: (value: unknown, state: AverageState): AverageState => {
      if (value === null || value === undefined) return state;
      state.SUM = subtract(state.SUM, value as number);
      state.COUNT--;
      return state;
    },
    merge: (a: AverageState, b: AverageState): AverageState => ({ SUM: add(a.SUM, b.SUM), COUNT: a.COUNT + b.COUNT }),
    map: (state: AverageState): number => (state.COUNT === 0 ? 0.0 : state.SUM / state.COUNT),
  };
}

const plus = (a: number, b: number): number => a + b;
const minus = (a: number, b: number): number => a - b;
const minusInt = (a: number, b: number): number => (a - b) | 0;

export const avg: AggregateFunction = udaf(
  {
    name: 'AVG',
    declaredName: 'avg',
    author: CONFLUENT,
    description: 'Returns the average value of the column computed as the sum divided by thecount. Applicable only to numeric types.',
  },
  [
    { columns: [BIGINT], returns: DOUBLE, description: 'Compute average of column with type Long.', undo: true, build: () => average(BIGINT, plus, minus) },
    { columns: [INTEGER], returns: DOUBLE, description: 'Compute average of column with type Integer.', undo: true, build: () => average(INTEGER, addInt, minusInt) },
    { columns: [DOUBLE], returns: DOUBLE, description: 'Compute average of column with type Double.', undo: true, build: () => average(DOUBLE, plus, minus) },
  ],
);
