/**
 * MIN and MAX, as ksqlDB's BaseComparableKudaf: for INT, BIGINT, DOUBLE, DECIMAL, DATE, TIME,
 * TIMESTAMP, STRING and BYTES; state and result are the column's type; null until a non-null value
 * arrives (nulls ignored). Ordering is Java's compareTo: Double.compare for DOUBLE (-0.0 < 0.0,
 * NaN above all), UTF-16 code units for STRING, signed bytes for BYTES. Streams only (no undo).
 */
import type { AggregateFunction } from './types.js';
import type { ParamType } from '../types.js';
import type { AggregatorBody } from './define.js';
import { ANY_DECIMAL, BIGINT, BYTES, CONFLUENT, DATE, DOUBLE, INTEGER, STRING, TIME, TIMESTAMP, columnType, udaf } from './define.js';
import type { SqlType } from './deps.js';
import { compareValues } from './deps.js';

/** Java's compareTo for values of `type` (never null). */
export function comparatorFor(type: SqlType): (a: any, b: any) => number {
  switch (type.kind) {
    case 'INTEGER':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'STRING':
      return (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
    default:
      return compareValues;
  }
}

/** BaseComparableKudaf with `pick(current, aggregate)` choosing the value to keep. */
function comparable(type: SqlType, max: boolean): AggregatorBody {
  const compare = comparatorFor(type);
  // MAX: first.compareTo(second) > 0 ? first : second; MIN: ... ? second : first
  const pick = max
    ? (current: unknown, aggregate: unknown) => (compare(current, aggregate) > 0 ? current : aggregate)
    : (current: unknown, aggregate: unknown) => (compare(current, aggregate) > 0 ? aggregate : current);
  const aggregate = (current: unknown, state: unknown): unknown => {
    if (current === null || current === undefined) return state;
    if (state === null || state === undefined) return current;
    return pick(current, state);
  };
  return {
    aggregateType: type,
    returnType: type,
    input: 'value',
    initialize: () => null,
    aggregate,
    merge: (a: unknown, b: unknown) => aggregate(a, b),
    map: (state: unknown) => state ?? null,
  };
}

const COMPARABLE_TYPES: ReadonlyArray<[ParamType, string]> = [
  [INTEGER, 'an integer'],
  [BIGINT, 'a long'],
  [DOUBLE, 'a double'],
  [ANY_DECIMAL, 'a decimal'],
  [DATE, 'a date'],
  [TIME, 'a time'],
  [TIMESTAMP, 'a timestamp'],
  [STRING, 'a string'],
  [BYTES, 'a bytes'],
];

function comparableFunction(name: 'MIN' | 'MAX'): AggregateFunction {
  const max = name === 'MAX';
  const word = max ? 'maximum' : 'minimum';
  return udaf(
    { name, author: CONFLUENT, description: `Computes the ${word} value for a key.` },
    COMPARABLE_TYPES.map(([type, what]) => ({
      columns: [type],
      returns: type,
      description: `Computes the ${word} value for ${what} key.`,
      build: (init) => comparable(columnType(init), max),
    })),
  );
}

export const min: AggregateFunction = comparableFunction('MIN');
export const max: AggregateFunction = comparableFunction('MAX');
