/**
 * STDDEV_SAMP and STDDEV_SAMPLE, as ksqlDB's StandardDeviationSampUdaf and
 * StandardDeviationSampleUdaf (ksqlDB has no STDDEV_POP or VARIANCE): for INT, BIGINT and DOUBLE
 * columns, a DOUBLE result, state STRUCT<SUM (the column's type), COUNT BIGINT, M2 DOUBLE>
 * (Youngs-Cramer). Nulls ignored; fewer than two values give 0.0. Table aggregates.
 *
 * - STDDEV_SAMP returns M2 / (n - 1): the sample VARIANCE (ksqlDB's documented quirk, kept).
 * - STDDEV_SAMPLE returns its square root: the sample standard deviation.
 * The INT sum wraps at 32 bits; STDDEV_SAMP's merge divides INT and BIGINT sums by counts with
 * integer division, as its Java code does.
 */
import type { AggregateFunction } from './types.js';
import type { AggregatorBody } from './define.js';
import { BIGINT, CONFLUENT, DOUBLE, INTEGER, addInt, udaf } from './define.js';
import type { SqlType } from './deps.js';
import { structType } from './deps.js';

interface StdDevState {
  SUM: number;
  COUNT: number;
  M2: number;
}

interface Arithmetic {
  sumType: SqlType;
  add(a: number, b: number): number;
  subtract(a: number, b: number): number;
  /** sum / count in the merge step. */
  mean(sum: number, count: number): number;
}

function stddev(arithmetic: Arithmetic, root: boolean): AggregatorBody {
  const { add, subtract, mean } = arithmetic;
  // newValue * (COUNT + 1) - (SUM + newValue), SUM + newValue in the column's type
  const delta = (state: StdDevState, value: number): number => value * (state.COUNT + 1) - add(state.SUM, value);
  return {
    aggregateType: structType([
      { name: 'SUM', type: arithmetic.sumType },
      { name: 'COUNT', type: BIGINT },
      { name: 'M2', type: DOUBLE },
    ]),
    returnType: DOUBLE,
    input: 'value',
    initialize: (): StdDevState => ({ SUM: 0, COUNT: 0, M2: 0.0 }),
    aggregate: (value: unknown, state: StdDevState): StdDevState => {
      if (value === null || value === undefined) return state;
      const v = value as number;
      const newCount = state.COUNT + 1;
      let newM2 = 0;
      if (newCount - 1 > 0) {
        const d = delta(state, v);
        newM2 = (d * d) / (newCount * (newCount - 1));
      }
      return { SUM: add(v, state.SUM), COUNT: newCount, M2: newM2 + state.M2 };
    },
    undo: (value: unknown, state: StdDevState): StdDevState => {
      if (value === null || value === undefined) return state;
      const v = value as number;
      const newCount = state.COUNT - 1;
      let newM2 = 0;
      if (newCount > 0) {
        const d = delta(state, v);
        newM2 = (d * d) / (newCount * (newCount + 1));
      }
      return { SUM: subtract(state.SUM, v), COUNT: newCount, M2: state.M2 - newM2 };
    },
    merge: (a: StdDevState, b: StdDevState): StdDevState => {
      const newCount = a.COUNT + b.COUNT;
      let newM2: number;
      if (a.COUNT === 0 || b.COUNT === 0) {
        newM2 = a.M2 + b.M2;
      } else {
        const inner = mean(a.SUM, a.COUNT) - mean(b.SUM, b.COUNT);
        newM2 = a.M2 + b.M2 + (a.COUNT * b.COUNT * inner * inner) / newCount;
      }
      return { SUM: add(a.SUM, b.SUM), COUNT: newCount, M2: newM2 };
    },
    map: (state: StdDevState): number => {
      if (state.COUNT < 2) return 0.0;
      const variance = state.M2 / (state.COUNT - 1);
      return root ? Math.sqrt(variance) : variance;
    },
  };
}

const plus = (a: number, b: number): number => a + b;
const minus = (a: number, b: number): number => a - b;
const minusInt = (a: number, b: number): number => (a - b) | 0;
const divide = (sum: number, count: number): number => sum / count;
const integerDivide = (sum: number, count: number): number => Math.trunc(sum / count);

function family(name: 'STDDEV_SAMP' | 'STDDEV_SAMPLE'): AggregateFunction {
  const root = name === 'STDDEV_SAMPLE';
  // STDDEV_SAMP's merge divides longs; STDDEV_SAMPLE's converts to double first
  const integralMean = root ? divide : integerDivide;
  return udaf(
    { name, author: CONFLUENT, description: 'Returns the sample standard deviation of the column. Applicable only to numeric types.' },
    [
      {
        columns: [BIGINT],
        returns: DOUBLE,
        description: 'Compute sample standard deviation of column with type Long.',
        undo: true,
        build: () => stddev({ sumType: BIGINT, add: plus, subtract: minus, mean: integralMean }, root),
      },
      {
        columns: [INTEGER],
        returns: DOUBLE,
        description: 'Compute sample standard deviation of column with type Integer.',
        undo: true,
        build: () => stddev({ sumType: INTEGER, add: addInt, subtract: minusInt, mean: integralMean }, root),
      },
      {
        columns: [DOUBLE],
        returns: DOUBLE,
        description: 'Compute sample standard deviation of column with type Double.',
        undo: true,
        build: () => stddev({ sumType: DOUBLE, add: plus, subtract: minus, mean: divide }, root),
      },
    ],
  );
}

export const stddevSamp: AggregateFunction = family('STDDEV_SAMP');
export const stddevSample: AggregateFunction = family('STDDEV_SAMPLE');
