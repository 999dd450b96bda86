/**
 * EARLIEST_BY_OFFSET and LATEST_BY_OFFSET, as ksqlDB's EarliestByOffset / LatestByOffset
 * (streams only).
 *
 * Overloads: (col), (col, ignoreNulls BOOLEAN), (col, n INT), (col, n INT, ignoreNulls BOOLEAN);
 * ignoreNulls defaults to true; n must be at least 1 (`earliestN must be 1 or greater`).
 *
 * State: STRUCT<SEQ BIGINT, VAL T> (single) or ARRAY<STRUCT<SEQ BIGINT, VAL T>> (n); SEQ is the
 * `sequence` the operator passes (the record's offset: processing order), used when session
 * windows merge. Results: T, or ARRAY<T> oldest first.
 *
 * - EARLIEST single: the first value kept (null state until one arrives; a null value counts
 *   unless ignored); merge keeps the smaller SEQ.
 * - EARLIEST n: the first n values; merge sorts both by SEQ and keeps the first n.
 * - LATEST single: every value replaces the state; merge keeps the larger SEQ, and with
 *   ignoreNulls a non-null value beats a null one whatever the SEQ. The initial state is
 *   {SEQ: -1, VAL: null}.
 * - LATEST n: the last n values; merge sorts both by SEQ and keeps the FIRST n (ksqlDB's
 *   behaviour, kept for compatibility).
 */
import type { AggregateFunction, AggregateInit } from './types.js';
import type { AggregatorBody } from './define.js';
import { BIGINT, BOOLEAN, CONFLUENT, INTEGER, T, arrayOf, columnType, udaf } from './define.js';
import type { SqlType } from './deps.js';
import { SluiceError, arrayType, structType } from './deps.js';

interface Entry {
  SEQ: number;
  VAL: unknown;
}

function entryType(valueType: SqlType): SqlType {
  return structType([
    { name: 'SEQ', type: BIGINT },
    { name: 'VAL', type: valueType },
  ]);
}

const bySequence = (a: Entry, b: Entry): number => a.SEQ - b.SEQ;

/** INTERMEDIATE_STRUCT_COMPARATOR_IGNORE_NULLS: a null value sorts below any non-null one. */
function compareIgnoringNulls(a: Entry, b: Entry): number {
  const an = a.VAL === null || a.VAL === undefined;
  const bn = b.VAL === null || b.VAL === undefined;
  if (an && bn) return 0;
  if (an) return -1;
  if (bn) return 1;
  return a.SEQ - b.SEQ;
}

interface Options {
  n: number | null;
  ignoreNulls: boolean;
}

/** Reads (n?, ignoreNulls?) from the init arguments of the overload with these init parameters. */
function optionsOf(init: AggregateInit, hasN: boolean, hasIgnoreNulls: boolean, nName: string): Options {
  const n = hasN ? (init.initArguments[0] as number) : null;
  const ignore = hasIgnoreNulls ? init.initArguments[hasN ? 1 : 0] : true;
  if (n !== null && !(n >= 1)) {
    throw new SluiceError('SQL_ANALYSIS', `${nName} must be 1 or greater`, { expected: 'n >= 1', found: String(n) });
  }
  return { n, ignoreNulls: ignore !== false };
}

function isNull(value: unknown): boolean {
  return value === null || value === undefined;
}

function earliest(init: AggregateInit, options: Options): AggregatorBody {
  const valueType = columnType(init);
  const { n, ignoreNulls } = options;
  if (n === null) {
    return {
      aggregateType: entryType(valueType),
      returnType: valueType,
      input: 'value',
      initialize: () => null,
      aggregate: (value: unknown, state: Entry | null, sequence: number) => {
        if (state !== null && state !== undefined) return state;
        if (isNull(value) && ignoreNulls) return null;
        return { SEQ: sequence, VAL: value ?? null };
      },
      merge: (a: Entry | null, b: Entry | null) => {
        if (a === null || a === undefined) return b ?? null;
        if (b === null || b === undefined) return a;
        return bySequence(a, b) < 0 ? a : b;
      },
      map: (state: Entry | null) => (state === null || state === undefined ? null : state.VAL),
    };
  }
  return {
    aggregateType: arrayType(entryType(valueType)),
    returnType: arrayType(valueType),
    input: 'value',
    initialize: () => [],
    aggregate: (value: unknown, state: Entry[], sequence: number) => {
      if (isNull(value) && ignoreNulls) return state;
      if (state.length < n) state.push({ SEQ: sequence, VAL: value ?? null });
      return state;
    },
    merge: (a: Entry[], b: Entry[]) => [...a, ...b].sort(bySequence).slice(0, n),
    map: (state: Entry[]) => state.map((e) => e.VAL),
  };
}

function latest(init: AggregateInit, options: Options): AggregatorBody {
  const valueType = columnType(init);
  const { n, ignoreNulls } = options;
  if (n === null) {
    const compare = ignoreNulls ? compareIgnoringNulls : bySequence;
    return {
      aggregateType: entryType(valueType),
      returnType: valueType,
      input: 'value',
      initialize: (): Entry => ({ SEQ: -1, VAL: null }),
      aggregate: (value: unknown, state: Entry, sequence: number) => {
        if (isNull(value) && ignoreNulls) return state;
        return { SEQ: sequence, VAL: value ?? null };
      },
      merge: (a: Entry, b: Entry) => (compare(a, b) >= 0 ? a : b),
      map: (state: Entry) => state?.VAL ?? null,
    };
  }
  return {
    aggregateType: arrayType(entryType(valueType)),
    returnType: arrayType(valueType),
    input: 'value',
    initialize: () => [],
    aggregate: (value: unknown, state: Entry[], sequence: number) => {
      if (isNull(value) && ignoreNulls) return state;
      state.push({ SEQ: sequence, VAL: value ?? null });
      if (state.length > n) state.splice(0, state.length - n);
      return state;
    },
    merge: (a: Entry[], b: Entry[]) => [...a, ...b].sort(bySequence).slice(0, n),
    map: (state: Entry[]) => state.map((e) => e.VAL),
  };
}

function byOffset(name: 'EARLIEST_BY_OFFSET' | 'LATEST_BY_OFFSET'): AggregateFunction {
  const isEarliest = name === 'EARLIEST_BY_OFFSET';
  const word = isEarliest ? 'earliest' : 'latest';
  const nName = `${word}N`;
  const build = isEarliest ? earliest : latest;
  const ignoreNullsParam = { type: BOOLEAN, name: 'ignoreNulls' };
  const nParam = { type: INTEGER, name: nName };
  return udaf(
    // both of ksqlDB's descriptions say "oldest N values"
    { name, author: CONFLUENT, description: 'This function returns the oldest N values for the column, computed by offset.' },
    [
      {
        columns: [T],
        returns: T,
        description: `return the ${word} value of a column`,
        build: (init) => build(init, optionsOf(init, false, false, nName)),
      },
      {
        columns: [T],
        init: [ignoreNullsParam],
        returns: T,
        description: `return the ${word} value of a column`,
        build: (init) => build(init, optionsOf(init, false, true, nName)),
      },
      {
        columns: [T],
        init: [nParam],
        returns: arrayOf(T),
        description: `return the ${word} N values of a column`,
        build: (init) => build(init, optionsOf(init, true, false, nName)),
      },
      {
        columns: [T],
        init: [nParam, ignoreNullsParam],
        returns: arrayOf(T),
        description: `return the ${word} N values of a column`,
        build: (init) => build(init, optionsOf(init, true, true, nName)),
      },
    ],
  );
}

export const earliestByOffset: AggregateFunction = byOffset('EARLIEST_BY_OFFSET');
export const latestByOffset: AggregateFunction = byOffset('LATEST_BY_OFFSET');
