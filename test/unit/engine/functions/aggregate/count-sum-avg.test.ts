import { describe, expect, it } from 'vitest';
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, arrayType, decimalType } from '../../../../../engine/types/index.js';
import { murmurHashBytes, murmurHashLong, hasherFor, cardinality, emptyRegisters, offerHashed, mergeRegisters, HLL_WORDS } from '../../../../../engine/functions/aggregate/hyperloglog.js';
import { dec, errorOf, make, run, runTable, stateAfter } from './helpers.js';

describe('COUNT', () => {
  it('counts non-null values (corpus count.json)', () => {
    expect(run(make('COUNT', [STRING]), ['a', null, 'b', 'c'])).toEqual([1, 1, 2, 3]);
    expect(make('COUNT', [STRING]).initialize()).toBe(0);
  });

  it('counts back to zero on a table (corpus "should count back to zero")', () => {
    const count = make('COUNT', [BIGINT]);
    expect(runTable(count, [{ new: 3 }, { new: 3 }, { old: 3 }, { old: 3 }])).toEqual([1, 2, 1, 0]);
    expect(runTable(count, [{ new: 1 }, { old: null, new: 2 }])).toEqual([1, 2]);
  });

  it('merges by adding', () => {
    const count = make('COUNT', [INTEGER]);
    expect(count.merge(2, 3)).toBe(5);
  });
});

describe('COUNT_DISTINCT', () => {
  it('hashes as stream-lib MurmurHash (reference values from the Java code)', () => {
    expect(murmurHashBytes(Buffer.from('hello'))).toBe(-1816943331);
    expect(murmurHashBytes(Buffer.from('abc'))).toBe(-1465591341);
    expect(murmurHashBytes(Buffer.from('é€x', 'utf8'))).toBe(427809467);
    expect(murmurHashLong(0, 0)).toBe(0);
    expect(murmurHashLong(-1, -1)).toBe(-2037786185);
    expect(hasherFor(BIGINT)(123456789012)).toBe(1561874345);
    expect(hasherFor(INTEGER)(-5)).toBe(615997438);
    expect(hasherFor(DOUBLE)(1.5)).toBe(-1688758945);
    expect(hasherFor(BOOLEAN)(true)).toBe(1948193093);
  });

  it('estimates as ksqlDB (reference cardinalities from the Java code)', () => {
    const longs = make('COUNT_DISTINCT', [BIGINT]);
    const values = Array.from({ length: 10000 }, (_, i) => i);
    expect(longs.map(stateAfter(longs, values))).toBe(9960);
    const strings = make('COUNT_DISTINCT', [STRING]);
    expect(strings.map(stateAfter(strings, Array.from({ length: 100 }, (_, i) => `v${i}`)))).toBe(100);
    const ints = make('COUNT_DISTINCT', [INTEGER]);
    const state = stateAfter(ints, [0, 1, 2, 3, 4]) as number[];
    expect(state.length).toBe(HLL_WORDS);
    expect(state.reduce((a, b) => a + b, 0)).toBe(105906195);
    expect(ints.map(state)).toBe(5);
  });

  it('ignores nulls and duplicates; merges as a union', () => {
    const a = make('COUNT_DISTINCT', [STRING]);
    expect(run(a, ['x', null, 'x', 'y'])).toEqual([1, 1, 1, 2]);
    const left = stateAfter(a, ['a', 'b', 'c']) as number[];
    const right = stateAfter(a, ['c', 'd']) as number[];
    expect(a.map(a.merge(left, right))).toBe(4);
    expect(a.undo).toBeNull();
  });

  it('estimates large sets within a few percent', () => {
    const registers = emptyRegisters();
    const hash = hasherFor(DOUBLE);
    for (let i = 0; i < 200000; i++) offerHashed(registers, hash(i * 0.5));
    expect(cardinality(registers)).toBe(199531);
    expect(cardinality(mergeRegisters(emptyRegisters(), registers))).toBe(199531);
  });
});

describe('SUM', () => {
  it('sums INT with Java int overflow', () => {
    expect(run(make('SUM', [INTEGER]), [0, 100, null, 2147483647])).toEqual([0, 100, 100, -2147483549]);
  });

  it('sums BIGINT and DOUBLE (corpus sum.json)', () => {
    expect(run(make('SUM', [BIGINT]), [2147483648, 100])).toEqual([2147483648, 2147483748]);
    expect(run(make('SUM', [DOUBLE]), [5.4, 100.1])).toEqual([5.4, 105.5]);
    expect(run(make('SUM', [DOUBLE]), [500.9, 300.8])).toEqual([500.9, 801.7]);
  });

  it('sums DECIMAL keeping the scale (corpus "sum decimal")', () => {
    const sum = make('SUM', [decimalType(4, 1)]);
    const out = run(sum, [dec('5.4'), dec('100.1'), null]) as { toString(): string }[];
    expect(out.map(String)).toEqual(['5.4', '105.5', '105.5']);
    expect(String(sum.initialize())).toBe('0.0');
    const wide = make('SUM', [decimalType(6, 2)]);
    expect((run(wide, [dec('500.90'), dec('300.80'), dec('400.80')]) as unknown[]).map(String)).toEqual(['500.90', '801.70', '1202.50']);
  });

  it('fails on DECIMAL overflow with ksqlDB\'s message', () => {
    const sum = make('SUM', [decimalType(4, 1)]);
    const message = errorOf(() => run(sum, [dec('500.9'), dec('300.8'), dec('400.8')]));
    expect(message).toBe('Numeric field overflow: A field with precision 4 and scale 1 must round to an absolute value less than 10^3. Got 1203');
    const narrow = make('SUM', [decimalType(3, 1)]);
    expect(errorOf(() => run(narrow, [dec('50.9'), dec('60.1')]))).toContain('Numeric field overflow');
  });

  it('undoes and merges on tables (corpus "sum int left join of table")', () => {
    const sum = make('SUM', [INTEGER]);
    expect(runTable(sum, [{ new: null }, { old: null, new: 5 }, { old: 5, new: 20 }, { old: 20 }])).toEqual([0, 5, 20, 0]);
    expect(sum.merge(3, 4)).toBe(7);
    const d = make('SUM', [decimalType(5, 2)]);
    expect(String(d.undo!(dec('1.25'), dec('3.00')))).toBe('1.75');
    expect(String(d.merge(dec('1.25'), dec('3.00')))).toBe('4.25');
  });
});

describe('SUM_LIST', () => {
  it('adds the non-null elements of each list (corpus sum.json)', () => {
    expect(run(make('SUM_LIST', [arrayType(DOUBLE)]), [[1.0, 1.0], [2.0, 2.0], [922337203685.0, 1.0], [1.0, 1.0, null], null])).toEqual([
      2.0, 6.0, 922337203692, 922337203694, 922337203694,
    ]);
    expect(run(make('SUM_LIST', [arrayType(INTEGER)]), [[1, 1], [2147483647, 1]])).toEqual([2, -2147483646]);
    const longs = make('SUM_LIST', [arrayType(BIGINT)]);
    expect(runTable(longs, [{ new: [1, 2] }, { old: [1, 2], new: [10] }, { old: null }])).toEqual([3, 10, 10]);
  });
});

describe('AVG', () => {
  it('averages INT, ignoring nulls (corpus "average int")', () => {
    const avg = make('AVG', [INTEGER]);
    const alice = run(avg, [1, 2, 2, null]);
    expect(alice).toEqual([1.0, 1.5, 1.6666666666666667, 1.6666666666666667]);
    expect(run(avg, [2, 2, 0])).toEqual([2.0, 2.0, 1.3333333333333333]);
    expect(avg.map(avg.initialize())).toBe(0);
  });

  it('averages DOUBLE (corpus "average double")', () => {
    const avg = make('AVG', [DOUBLE]);
    expect(run(avg, [-1.8, 9223372036854.775, 100.2, null])).toEqual([-1.8, 4611686018426.487, 3074457345651.058, 3074457345651.058]);
    expect(run(avg, [2.3, -200000.6, 0.0])).toEqual([2.3, -99999.15000000001, -66666.1]);
  });

  it('undoes on tables (corpus "average udaf with table")', () => {
    const avg = make('AVG', [INTEGER]);
    expect(runTable(avg, [{ new: 1 }, { new: 2 }, { old: 1, new: null }, { old: null, new: 4 }])).toEqual([1.0, 1.5, 2.0, 3.0]);
  });

  it('keeps STRUCT<SUM, COUNT> state and merges it', () => {
    const avg = make('AVG', [BIGINT]);
    const a = stateAfter(avg, [1, 2]);
    expect(a).toEqual({ SUM: 3, COUNT: 2 });
    expect(avg.map(avg.merge(a, stateAfter(avg, [6])))).toBe(3);
  });
});
