/**
 * CORRELATION(x, y), as ksqlDB's CorrelationUdaf: the Pearson coefficient of two DOUBLE, INT or
 * BIGINT columns (both the same type), single pass. State STRUCT<X_SUM, Y_SUM, X_SQUARED_SUM,
 * Y_SQUARED_SUM, XY_SUM DOUBLE, COUNT BIGINT>; result DOUBLE (NaN for fewer than two points, as
 * 0.0 / 0.0 in Java). A row with either value null is ignored. Table aggregate.
 */
import type { AggregateFunction } from './types.js';
import type { AggregatorBody } from './define.js';
import { BIGINT, CONFLUENT, DOUBLE, INTEGER, udaf } from './define.js';
import { structType } from './deps.js';

interface CorrelationState {
  X_SUM: number;
  Y_SUM: number;
  X_SQUARED_SUM: number;
  Y_SQUARED_SUM: number;
  XY_SUM: number;
  COUNT: number;
}

const STATE_TYPE = structType([
  { name: 'X_SUM', type: DOUBLE },
  { name: 'Y_SUM', type: DOUBLE },
  { name: 'X_SQUARED_SUM', type: DOUBLE },
  { name: 'Y_SQUARED_SUM', type: DOUBLE },
  { name: 'XY_SUM', type: DOUBLE },
  { name: 'COUNT', type: BIGINT },
]);

function update(state: CorrelationState, columns: readonly unknown[], sign: 1 | -1): CorrelationState {
  const x = columns[0];
  const y = columns[1];
  if (x === null || x === undefined || y === null || y === undefined) return state;
  const xv = x as number;
  const yv = y as number;
  return {
    X_SUM: state.X_SUM + sign * xv,
    Y_SUM: state.Y_SUM + sign * yv,
    X_SQUARED_SUM: state.X_SQUARED_SUM + sign * (xv * xv),
    Y_SQUARED_SUM: state.Y_SQUARED_SUM + sign * (yv * yv),
    XY_SUM: state.XY_SUM + sign * (xv * yv),
    COUNT: state.COUNT + sign,
  };
}

function correlationBody(): AggregatorBody {
  return {
    aggregateType: STATE_TYPE,
    returnType: DOUBLE,
    input: 'array',
    initialize: (): CorrelationState => ({ X_SUM: 0.0, Y_SUM: 0.0, X_SQUARED_SUM: 0.0, Y_SQUARED_SUM: 0.0, XY_SUM: 0.0, COUNT: 0 }),
    aggregate: (columns: readonly unknown[], state: CorrelationState) => update(state, columns, 1),
    undo: (columns: readonly unknown[], state: CorrelationState) => update(state, columns, -1),
    merge: (a: CorrelationState, b: CorrelationState): CorrelationState => ({
      X_SUM: a.X_SUM + b.X_SUM,
      Y_SUM: a.Y_SUM + b.Y_SUM,
      X_SQUARED_SUM: a.X_SQUARED_SUM + b.X_SQUARED_SUM,
      Y_SQUARED_SUM: a.Y_SQUARED_SUM + b.Y_SQUARED_SUM,
      XY_SUM: a.XY_SUM + b.XY_SUM,
      COUNT: a.COUNT + b.COUNT,
    }),
    map: (s: CorrelationState): number => {
      const n = s.COUNT;
      const numerator = n * s.XY_SUM - s.X_SUM * s.Y_SUM;
      const denominatorX = n * s.X_SQUARED_SUM - s.X_SUM * s.X_SUM;
      const denominatorY = n * s.Y_SQUARED_SUM - s.Y_SUM * s.Y_SUM;
      return numerator / Math.sqrt(denominatorX * denominatorY);
    },
  };
}

export const correlation: AggregateFunction = udaf(
  {
    name: 'CORRELATION',
    declaredName: 'correlation',
    author: CONFLUENT,
    description: 'Computes the Pearson correlation coefficient between two columns of data.',
  },
  [DOUBLE, INTEGER, BIGINT].map((type) => ({
    columns: [type, type],
    returns: DOUBLE,
    description: `Computes the Pearson correlation coefficient between two ${type.kind} columns.`,
    undo: true,
    build: correlationBody,
  })),
);
