import { describe, expect, it } from 'vitest';
import { BIGINT, DOUBLE, INTEGER, STRING, arrayType, decimalType, mapType, structType } from '../../../../../engine/types/index.js';
import { dec, errorOf, make, run, runTable, stateAfter } from './helpers.js';

describe('STDDEV_SAMPLE', () => {
  it('is the sample standard deviation (corpus standarddeviation.json)', () => {
    const s = make('STDDEV_SAMPLE', [INTEGER]);
    expect(run(s, [0, 10, 7, 6])).toEqual([0.0, 7.0710678118654755, 5.131601439446884, 4.193248541803041]);
    expect(run(s, [50, 10, 3, null])).toEqual([0.0, 28.284271247461902, 25.357444666211933, 25.357444666211933]);
    const l = make('STDDEV_SAMPLE', [BIGINT]);
    expect(run(l, [2147483648, 100, -2, null])).toEqual([0.0, 1518500179.2773468, 1239850233.9629574, 1239850233.9629574]);
    expect(run(l, [500, 100, 0, -6])).toEqual([0.0, 282.842712474619, 264.5751311064591, 239.32335169528832]);
    const d = make('STDDEV_SAMPLE', [DOUBLE]);
    expect(run(d, [-1.8, 2.3, 100.2, null])).toEqual([0.0, 2.899137802864845, 57.74256084841869, 57.74256084841869]);
    expect(run(d, [9223372036854.775, 300.8, -200000.6, 0.0])).toEqual([0.0, 6521908912453.693, 5325116385962.54, 4611686051710.689]);
    expect(run(d, [10.0, 12.0, 13.0, 14.0, 16.0])).toEqual([0.0, 1.4142135623730951, 1.5275252316519465, 1.707825127659933, 2.23606797749979]);
  });
});

describe('STDDEV_SAMP', () => {
  it('returns the sample variance, as ksqlDB does (corpus standarddeviation.json)', () => {
    expect(run(make('STDDEV_SAMP', [INTEGER]), [0, 10, 7, 6])).toEqual([0.0, 50.0, 26.333333333333332, 17.583333333333332]);
    expect(run(make('STDDEV_SAMP', [INTEGER]), [50, 10, 3, null])).toEqual([0.0, 800.0, 643.0, 643.0]);
    expect(run(make('STDDEV_SAMP', [BIGINT]), [500, 100, 0, -6])).toEqual([0.0, 80000.0, 70000.0, 57275.666666666664]);
    expect(run(make('STDDEV_SAMP', [BIGINT]), [2147483648, 100, -2])).toEqual([0.0, 2.3058427944653343e18, 1.5372286026580004e18]);
    expect(run(make('STDDEV_SAMP', [DOUBLE]), [-1.8, 2.3, 100.2])).toEqual([0.0, 8.405, 3334.2033333333347]);
    expect(run(make('STDDEV_SAMP', [DOUBLE]), [10.0, 12.0, 13.0, 14.0, 16.0])).toEqual([0.0, 2.0, 2.333333333333333, 2.9166666666666665, 5.0]);
  });

  it('undoes and merges', () => {
    const s = make('STDDEV_SAMPLE', [DOUBLE]);
    const out = runTable(s, [{ new: 1 }, { new: 2 }, { new: 6 }, { old: 6 }]);
    expect(out[3]).toBeCloseTo(out[1] as number, 12);
    const merged = s.merge(stateAfter(s, [1, 2]), stateAfter(s, [6, 7]));
    expect(s.map(merged)).toBeCloseTo(s.map(stateAfter(s, [1, 2, 6, 7])) as number, 12);
    expect(s.merge(s.initialize(), stateAfter(s, [3, 5]))).toEqual(stateAfter(s, [3, 5]));
    const v = make('STDDEV_SAMP', [INTEGER]);
    // STDDEV_SAMP merges integer means with Java's integer division
    expect(v.merge({ SUM: 3, COUNT: 2, M2: 0.5 }, { SUM: 4, COUNT: 1, M2: 0 })).toEqual({ SUM: 7, COUNT: 3, M2: 0.5 + (2 * 1 * 9) / 3 });
  });
});

describe('CORRELATION', () => {
  it('is Pearson\'s coefficient; rows with a null are skipped', () => {
    const c = make('CORRELATION', [DOUBLE, DOUBLE]);
    const out = run(c, [
      [1, 2],
      [2, 4],
      [3, 6.5],
      [null, 1],
    ]);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo(1, 12);
    expect(out[2] as number).toBeCloseTo(0.9979487157886733, 12);
    expect(out[3]).toBe(out[2]);
    const ints = make('CORRELATION', [INTEGER, INTEGER]);
    expect(ints.map(stateAfter(ints, [[1, 3], [2, 2], [3, 1]]))).toBeCloseTo(-1, 12);
  });

  it('undoes and merges', () => {
    const c = make('CORRELATION', [BIGINT, BIGINT]);
    const out = runTable(c, [{ new: [1, 1] }, { new: [2, 3] }, { new: [3, 2] }, { old: [3, 2] }]);
    expect(out[3]).toBeCloseTo(out[1] as number, 12);
    expect(c.map(c.merge(stateAfter(c, [[1, 1]]), stateAfter(c, [[2, 2], [3, 3]])))).toBeCloseTo(1, 12);
  });
});

describe('ATTR', () => {
  it('is the single value, or null once two differ (corpus attr.json)', () => {
    expect(run(make('ATTR', [STRING]), ['s', 's', 's'])).toEqual(['s', 's', 's']);
    expect(run(make('ATTR', [STRING]), [null, null])).toEqual([null, null]);
    expect(run(make('ATTR', [STRING]), ['1', '2', '3'])).toEqual(['1', null, null]);
    expect(run(make('ATTR', [STRING]), ['1', null, '1'])).toEqual(['1', null, null]);
    expect(run(make('ATTR', [STRING]), [null, '2', '2'])).toEqual([null, null, null]);
    const structs = make('ATTR', [structType([{ name: 'A', type: STRING }])]);
    expect(run(structs, [{ A: 'a' }, { A: 'a' }])).toEqual([{ A: 'a' }, { A: 'a' }]);
    expect(run(make('ATTR', [arrayType(INTEGER)]), [[1, 2], [1, 2]])).toEqual([[1, 2], [1, 2]]);
  });

  it('becomes valid again as rows are retracted (corpus "table attr with tombstones")', () => {
    const a = make('ATTR', [STRING]);
    expect(
      runTable(a, [{ new: '1' }, { new: '1' }, { old: '1' }, { old: '1' }, { new: '2' }, { new: '3' }, { old: '3' }]),
    ).toEqual(['1', '1', '1', null, '2', null, '2']);
  });

  it('merges counts', () => {
    const a = make('ATTR', [INTEGER]);
    expect(a.map(a.merge(stateAfter(a, [1]), stateAfter(a, [1, 1])))).toBe(1);
    expect(a.map(a.merge(stateAfter(a, [1]), stateAfter(a, [2])))).toBe(null);
    expect(a.merge(stateAfter(a, [1]), stateAfter(a, [1]))).toEqual([{ VALUE: 1, COUNT: 2 }]);
  });
});

describe('test-only UDAFs (conformance corpus)', () => {
  it('TEST_UDAF sums (test-custom-udaf.json)', () => {
    expect(run(make('TEST_UDAF', [INTEGER]), [-2147483647, 5, 2000, 100])).toEqual([-2147483647, -2147483642, -2147481642, -2147481542]);
    expect(runTable(make('TEST_UDAF', [BIGINT]), [{ new: 2 }, { new: 3 }, { new: 1 }, { old: 1 }])).toEqual([2, 5, 6, 5]);
    expect(run(make('TEST_UDAF', [INTEGER], [], { 'ksql.functions.test_udaf.init': 10 }), [1])).toEqual([11]);
    const ab = make('TEST_UDAF', [structType([{ name: 'A', type: INTEGER }, { name: 'B', type: INTEGER }])]);
    expect(run(ab, [{ A: 1, B: 2 }, { A: 2, B: 3 }])).toEqual([{ A: 1, B: 2 }, { A: 3, B: 5 }]);
    expect(run(make('TEST_UDAF', [STRING, STRING], ['abc']), ['hello'])).toEqual([8]);
    expect(errorOf(() => make('TEST_UDAF', [decimalType(2, 1)]))).toBe('Type DECIMAL is not handled.');
  });

  it('MULTI_ARG, FOUR_ARG and FIVE_ARG (multi-arg-udaf.json)', () => {
    const multi = make('MULTI_ARG', [BIGINT, STRING, INTEGER, STRING, STRING, STRING], [5, '10', '20', '3']);
    expect(run(multi, [[6, 'hi'], [null, 'hello'], [5, null], [21, 'aggregate']])).toEqual([18, 23, 28, 58]);
    expect(run(make('MULTI_ARG', [BIGINT, STRING, INTEGER], [5]), [[6, 'hi'], [null, 'hello']])).toEqual([13, 18]);
    const four = make('FOUR_ARG', [BIGINT, STRING, STRING, STRING, INTEGER, STRING, STRING, STRING], [5, '10', '20', '3']);
    expect(run(four, [[6, 'hi', 'apples', null], [null, 'hello', 'bananas', 'Venus']])).toEqual([24, 41]);
    const five = make('FIVE_ARG', [BIGINT, STRING, STRING, STRING, INTEGER, INTEGER, STRING, STRING, STRING], [5, '10', '20', '3']);
    expect(run(five, [[6, 'hi', 'apples', null, 9], [null, 'hello', 'bananas', 'Venus', 1]])).toEqual([33, 51]);
  });

  it('VAR_ARG and MID_VAR_ARG (variadic-udaf.json, middle-variadic-udaf.json)', () => {
    expect(run(make('VAR_ARG', [BIGINT, STRING, STRING]), [[6, 'hi', 'x'], [null, null, 'abc']])).toEqual([9, 12]);
    expect(run(make('VAR_ARG', [BIGINT]), [[6], [1]])).toEqual([6, 7]);
    const mid = make('MID_VAR_ARG', [BIGINT, STRING, STRING, INTEGER, INTEGER], [7, 3]);
    expect(run(mid, [[6, 'hi', 'abc']])).toEqual([21]);
    expect(run(make('MID_VAR_ARG', [BIGINT, INTEGER, INTEGER], [7, 3]), [[6], [2]])).toEqual([16, 18]);
  });

  it('GENERIC_VAR_ARG and OBJ_COL_ARG keep rows with no null column', () => {
    const g = make('GENERIC_VAR_ARG', [mapType(STRING, DOUBLE), INTEGER, DOUBLE, DOUBLE]);
    expect(g.returnType).toEqual(arrayType(mapType(STRING, DOUBLE)));
    const m = new Map([['a', 1.5]]);
    expect(run(g, [[m, 1, 2.0, 3.0], [m, 1, null, 3.0]])).toEqual([[m], [m]]);
    const d = make('GENERIC_VAR_ARG', [decimalType(5, 1), INTEGER]);
    expect((stateAfter(d, [[dec('1.5'), 2], [dec('2.5'), null]]) as unknown[]).map(String)).toEqual(['1.5']);
    const o = make('OBJ_COL_ARG', [INTEGER, BIGINT, STRING]);
    expect(run(o, [[1, 2, 'x'], [3, null, 'y'], [4, 5, 'z']])).toEqual([[1], [1], [1, 4]]);
  });
});
