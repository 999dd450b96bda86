import { describe, expect, it } from 'vitest';
import { BIGINT, BOOLEAN, INTEGER, STRING, arrayType, mapType, structType } from '../../../../../engine/types/index.js';
import type { Aggregator } from '../../../../../engine/functions/aggregate/index.js';
import { make, run, runTable, stateAfter } from './helpers.js';

describe('COLLECT_LIST', () => {
  it('collects every value, nulls included', () => {
    expect(run(make('COLLECT_LIST', [INTEGER]), [1, null, 1, 2])).toEqual([[1], [1, null], [1, null, 1], [1, null, 1, 2]]);
  });

  it('honours ksql.functions.collect_list.limit (number or string; negative is none)', () => {
    expect(run(make('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': 2 }), [1, 2, 3])[2]).toEqual([1, 2]);
    expect(run(make('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': '1' }), [1, 2])[1]).toEqual([1]);
    expect(run(make('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': -1 }), [1, 2, 3])[2]).toEqual([1, 2, 3]);
    expect(run(make('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_set.limit': 1 }), [1, 2])[1]).toEqual([1, 2]);
  });

  it('undoes the last occurrence on tables', () => {
    const list = make('COLLECT_LIST', [STRING]);
    expect(runTable(list, [{ new: 'a' }, { new: 'b' }, { new: 'a' }, { old: 'a', new: 'c' }, { old: 'zzz' }])).toEqual([
      ['a'],
      ['a', 'b'],
      ['a', 'b', 'a'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('merges up to the limit, and map copies', () => {
    const list = make('COLLECT_LIST', [INTEGER], [], { 'ksql.functions.collect_list.limit': 3 });
    expect(list.merge([1, 2], [3, 4])).toEqual([1, 2, 3]);
    const state = stateAfter(list, [1]) as number[];
    const shown = list.map(state);
    list.aggregate(2, state, 1);
    expect(shown).toEqual([1]);
  });
});

describe('COLLECT_SET', () => {
  it('keeps distinct values by Java equality (corpus collect-set.json)', () => {
    const set = make('COLLECT_SET', [mapType(STRING, BIGINT)]);
    const m = (entries: [string, number][]): Map<string, number> => new Map(entries);
    const out = run(set, [m([['Record0', 100], ['Record2', 2]]), m([['Record2', 2], ['Record0', 100]])]);
    expect(out[1]).toEqual([m([['Record0', 100], ['Record2', 2]])]);
    const structs = make('COLLECT_SET', [structType([{ name: 'A', type: STRING }, { name: 'B', type: BIGINT }])]);
    expect(run(structs, [{ A: 'Record0', B: 100 }, { A: 'Record0', B: 100 }])[1]).toEqual([{ A: 'Record0', B: 100 }]);
    const arrays = make('COLLECT_SET', [arrayType(INTEGER)]);
    expect(run(arrays, [[0, 0, 1], [1, 2], [0, 0, 1], [null], null])[4]).toEqual([[0, 0, 1], [1, 2], [null], null]);
  });

  it('honours ksql.functions.collect_set.limit and merges distinct values', () => {
    expect(run(make('COLLECT_SET', [INTEGER], [], { 'ksql.functions.collect_set.limit': 2 }), [1, 2, 3])[2]).toEqual([1, 2]);
    const set = make('COLLECT_SET', [INTEGER]);
    expect(set.merge([1, 2], [2, 3])).toEqual([1, 2, 3]);
    expect(set.undo).toBeNull();
  });
});

describe('HISTOGRAM', () => {
  it('counts each value (corpus histogram.json)', () => {
    const h = make('HISTOGRAM', [STRING]);
    expect(run(h, ['baz', 'baz', 'foo'])).toEqual([new Map([['baz', 1]]), new Map([['baz', 2]]), new Map([['baz', 2], ['foo', 1]])]);
  });

  it('undoes down to removal on tables (corpus "histogram on a table")', () => {
    const h = make('HISTOGRAM', [STRING]);
    const west = runTable(h, [{ new: 'carol' }, { new: 'dave' }, { new: 'bob' }, { old: 'bob' }]);
    expect(west[2]).toEqual(new Map([['carol', 1], ['dave', 1], ['bob', 1]]));
    expect(west[3]).toEqual(new Map([['carol', 1], ['dave', 1]]));
  });

  it('stops adding new values at 1000 entries but keeps counting known ones; merges', () => {
    const h = make('HISTOGRAM', [STRING]);
    const values = Array.from({ length: 1001 }, (_, i) => `v${i}`);
    const state = stateAfter(h, [...values, 'v0']) as Map<string, number>;
    expect(state.size).toBe(1000);
    expect(state.get('v0')).toBe(2);
    expect(state.has('v1000')).toBe(false);
    expect(h.merge(new Map([['a', 1]]), new Map([['a', 2], ['b', 1]]))).toEqual(new Map([['a', 3], ['b', 1]]));
  });
});

/** A session merge as Kafka Streams does it: init, merge each overlapping session, then aggregate. */
function mergeSessions(a: Aggregator, sessions: unknown[], value: unknown, sequence: number): unknown {
  let state = a.initialize();
  for (const s of sessions) state = a.merge(state, s);
  return a.map(a.aggregate(value, state, sequence));
}

describe('EARLIEST_BY_OFFSET', () => {
  it('keeps the first value (corpus earliest-offset-udaf.json)', () => {
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER]), [12, null, 13])).toEqual([12, 12, 12]);
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER, BOOLEAN], [true]), [null, 13])).toEqual([null, 13]);
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER, BOOLEAN], [false]), [null, 13])).toEqual([null, null]);
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER]), [null, null])).toEqual([null, null]);
  });

  it('keeps the first n values', () => {
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER], [2]), [null, 13])).toEqual([[], [13]]);
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER, BOOLEAN], [2, false]), [null, 13])).toEqual([[null], [null, 13]]);
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER], [2]), [12, null, 13])).toEqual([[12], [12], [12, 13]]);
    expect(run(make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER, BOOLEAN], [2, false]), [12, null, 13])).toEqual([[12], [12, null], [12, null]]);
    expect(run(make('EARLIEST_BY_OFFSET', [STRING, INTEGER], [2]), ['foo', 'bar', 'baz'])).toEqual([['foo'], ['foo', 'bar'], ['foo', 'bar']]);
  });

  it('stores the sequence and merges sessions by it (corpus "merging session windows")', () => {
    const e = make('EARLIEST_BY_OFFSET', [INTEGER]);
    const s0 = stateAfter(e, [1], 0);
    const s1 = stateAfter(e, [3], 1);
    expect(s0).toEqual({ SEQ: 0, VAL: 1 });
    expect(mergeSessions(e, [s0, s1], 2, 2)).toBe(1);
    const ignoring = make('EARLIEST_BY_OFFSET', [INTEGER, BOOLEAN], [true]);
    expect(mergeSessions(ignoring, [stateAfter(ignoring, [null], 0), stateAfter(ignoring, [1], 1)], null, 2)).toBe(1);
    const keeping = make('EARLIEST_BY_OFFSET', [INTEGER, BOOLEAN], [false]);
    expect(mergeSessions(keeping, [stateAfter(keeping, [null], 0), stateAfter(keeping, [1], 1)], null, 2)).toBe(null);
    const n = make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER, BOOLEAN], [2, true]);
    expect(mergeSessions(n, [stateAfter(n, [null], 0), stateAfter(n, [1], 1)], null, 2)).toEqual([1]);
    const nKeeping = make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER, BOOLEAN], [2, false]);
    expect(mergeSessions(nKeeping, [stateAfter(nKeeping, [null], 0), stateAfter(nKeeping, [1], 1)], null, 2)).toEqual([null, 1]);
  });
});

describe('LATEST_BY_OFFSET', () => {
  it('keeps the last value, ignoring nulls by default', () => {
    expect(run(make('LATEST_BY_OFFSET', [INTEGER]), [12, 8367, null, 764])).toEqual([12, 8367, 8367, 764]);
    expect(run(make('LATEST_BY_OFFSET', [INTEGER, BOOLEAN], [false]), [12, null])).toEqual([12, null]);
    const l = make('LATEST_BY_OFFSET', [STRING]);
    expect(l.map(l.initialize())).toBe(null);
  });

  it('keeps the last n values, oldest first', () => {
    expect(run(make('LATEST_BY_OFFSET', [INTEGER, INTEGER], [2]), [1, 2, null, 3])).toEqual([[1], [1, 2], [1, 2], [2, 3]]);
    expect(run(make('LATEST_BY_OFFSET', [INTEGER, INTEGER, BOOLEAN], [2, false]), [1, 2, null])).toEqual([[1], [1, 2], [2, null]]);
  });

  it('merges by sequence; with ignoreNulls a value beats a null', () => {
    const l = make('LATEST_BY_OFFSET', [INTEGER]);
    expect(l.map(l.merge({ SEQ: 4, VAL: 1 }, { SEQ: 9, VAL: 2 }))).toBe(2);
    expect(l.map(l.merge({ SEQ: 4, VAL: 1 }, { SEQ: 9, VAL: null }))).toBe(1);
    expect(mergeSessions(l, [stateAfter(l, [5], 0), stateAfter(l, [6], 1)], null, 2)).toBe(6);
    const keeping = make('LATEST_BY_OFFSET', [INTEGER, BOOLEAN], [false]);
    expect(keeping.map(keeping.merge({ SEQ: 4, VAL: 1 }, { SEQ: 9, VAL: null }))).toBe(null);
    // ksqlDB keeps the FIRST n after sorting merged entries by sequence
    const n = make('LATEST_BY_OFFSET', [INTEGER, INTEGER], [2]);
    expect(n.map(n.merge(stateAfter(n, [1, 2], 0), stateAfter(n, [3], 5)))).toEqual([1, 2]);
  });
});
