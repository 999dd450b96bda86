/**
 * TOPK and TOPKDISTINCT, as ksqlDB's TopkKudaf and TopkDistinctKudaf (streams only).
 *
 * - TOPK(col, [other cols...,] k) for INT, BIGINT, DOUBLE and STRING columns: the k largest values,
 *   descending, duplicates kept. With other columns each entry is a
 *   STRUCT<sort_col T, col0 ..., col1 ...> carrying the row's other values. A value equal to the
 *   current k-th does not displace it; ties keep arrival order (a stable sort). Nulls ignored.
 * - TOPKDISTINCT(col, k) for INT, BIGINT, DOUBLE, STRING, DECIMAL, DATE, TIME, TIMESTAMP, BYTES:
 *   the k largest distinct values, descending.
 *
 * State and result: ARRAY<T> (or ARRAY<STRUCT<...>>). k is a literal INT init argument.
 */
import type { AggregateFunction, AggregateInit } from './types.js';
import type { ParamType } from '../types.js';
import type { AggregatorBody } from './define.js';
import {
  ANY,
  ANY_DECIMAL,
  BIGINT,
  BYTES,
  CONFLUENT,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  aggregateError,
  arrayOf,
  columnType,
  generic,
  udaf,
} from './define.js';
import type { SqlType } from './deps.js';
import { arrayType, structType } from './deps.js';
import { javaEquals } from '../java/values.js';
import { comparatorFor } from './min-max.js';

const SORT_FIELD = 'sort_col';

function kOf(init: AggregateInit): number {
  return init.initArguments[0] as number;
}

/** Inserts `item` (key `value`) into `list`, sorted descending, after the entries not below it. */
function insertDescending<E>(list: E[], item: E, value: unknown, keyOf: (e: E) => unknown, compare: (a: unknown, b: unknown) => number): void {
  let i = list.length;
  while (i > 0 && compare(keyOf(list[i - 1]!), value) < 0) i--;
  list.splice(i, 0, item);
}

function topk(init: AggregateInit, functionName: string): AggregatorBody {
  const k = kOf(init);
  const sortType = columnType(init);
  const compare = comparatorFor(sortType);
  const others = init.columnTypes.slice(1);
  const withStruct = others.length > 0;
  const entryType: SqlType = withStruct
    ? structType([{ name: SORT_FIELD, type: sortType }, ...others.map((type, i) => ({ name: `col${i}`, type }))])
    : sortType;
  const keyOf: (entry: any) => unknown = withStruct ? (entry: Record<string, unknown>) => entry[SORT_FIELD] : (entry: unknown) => entry;
  const makeEntry = withStruct
    ? (columns: readonly unknown[]): unknown => {
        const entry: Record<string, unknown> = { [SORT_FIELD]: columns[0] };
        for (let i = 1; i < columns.length; i++) entry[`col${i - 1}`] = columns[i] ?? null;
        return entry;
      }
    : (columns: readonly unknown[]): unknown => columns[0];
  const type = arrayType(entryType);
  return {
    aggregateType: type,
    returnType: type,
    input: 'array',
    initialize: () => [],
    aggregate: (columns: readonly unknown[], list: unknown[]) => {
      const value = columns[0];
      if (value === null || value === undefined) return list;
      const size = list.length;
      if (size > 0 && size === k && compare(value, keyOf(list[size - 1])) <= 0) return list;
      if (size === k) {
        if (size === 0) throw aggregateError('Index -1 out of bounds for length 0', functionName);
        list.pop();
      }
      insertDescending(list, makeEntry(columns), value, keyOf, compare);
      return list;
    },
    merge: (one: unknown[], two: unknown[]) => {
      const merged: unknown[] = [];
      let i1 = 0;
      let i2 = 0;
      for (let i = 0; i !== k; i++) {
        const has1 = i1 < one.length;
        const has2 = i2 < two.length;
        if (has1 && (!has2 || compare(keyOf(one[i1]), keyOf(two[i2])) >= 0)) merged.push(one[i1++]);
        else if (has2) merged.push(two[i2++]);
        else break;
      }
      return merged;
    },
    map: (list: unknown[]) => list.slice(),
  };
}

function topkDistinct(init: AggregateInit, functionName: string): AggregatorBody {
  const k = kOf(init);
  const type = columnType(init);
  const compare = comparatorFor(type);
  const identity = (v: unknown): unknown => v;
  return {
    aggregateType: arrayType(type),
    returnType: arrayType(type),
    input: 'value',
    initialize: () => [],
    aggregate: (value: unknown, list: unknown[]) => {
      if (value === null || value === undefined) return list;
      const size = list.length;
      if (size === k) {
        if (size === 0) throw aggregateError('Cannot compare with a missing value (k is 0)', functionName);
        if (compare(value, list[size - 1]) <= 0) return list;
      }
      for (const e of list) if (javaEquals(e, value)) return list;
      if (size === k) list.pop();
      insertDescending(list, value, value, identity, compare);
      return list;
    },
    merge: (one: unknown[], two: unknown[]) => {
      const merged: unknown[] = [];
      let i1 = 0;
      let i2 = 0;
      for (let i = 0; i !== k; i++) {
        const has1 = i1 < one.length;
        const has2 = i2 < two.length;
        if (!has1 && !has2) break;
        if (has1 && (!has2 || compare(one[i1], two[i2]) > 0)) {
          merged.push(one[i1++]);
        } else if (!has1 || compare(two[i2], one[i1]) > 0) {
          merged.push(two[i2++]);
        } else {
          merged.push(one[i1++]);
          i2++;
        }
      }
      return merged;
    },
    map: (list: unknown[]) => list.slice(),
  };
}

const S = generic('S');
const K_PARAM = [{ type: INTEGER, name: 'k' }];

const TOPK_TYPES: ReadonlyArray<[ParamType, string]> = [
  [INTEGER, 'an integer'],
  [BIGINT, 'a bigint'],
  [DOUBLE, 'a double'],
  [STRING, 'a string'],
];

export const topK: AggregateFunction = udaf(
  { name: 'TOPK', author: CONFLUENT, description: 'Returns the top k values for a column and other values in those records.' },
  TOPK_TYPES.map(([type, what]) => ({
    columns: [type, ANY],
    init: K_PARAM,
    variadicIndex: 1,
    returns: arrayOf(S),
    description: `Returns the top k values for ${what} column and other values in those records.`,
    build: (init: AggregateInit) => topk(init, 'TOPK'),
  })),
);

const TOPK_DISTINCT_TYPES: ReadonlyArray<[ParamType, string]> = [
  [INTEGER, 'an integer'],
  [BIGINT, 'a long'],
  [DOUBLE, 'a double'],
  [STRING, 'a string'],
  [ANY_DECIMAL, 'a decimal'],
  [DATE, 'a date'],
  [TIME, 'a time'],
  [TIMESTAMP, 'a timestamp'],
  [BYTES, 'a bytes'],
];

export const topKDistinct: AggregateFunction = udaf(
  { name: 'TOPKDISTINCT', author: CONFLUENT, description: 'Computes the top k distinct values for a column, per key.' },
  TOPK_DISTINCT_TYPES.map(([type, what]) => ({
    columns: [type],
    init: K_PARAM,
    returns: arrayOf(type),
    description: `Calculates the top k distinct values for ${what} column, per key.`,
    build: (init: AggregateInit) => topkDistinct(init, 'TOPKDISTINCT'),
  })),
);
