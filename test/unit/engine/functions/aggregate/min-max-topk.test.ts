import { describe, expect, it } from 'vitest';
import { BIGINT, BYTES, DATE, DOUBLE, INTEGER, STRING, TIMESTAMP, decimalType } from '../../../../../engine/types/index.js';
import { dec, errorOf, make, run, stateAfter } from './helpers.js';

describe('MAX and MIN', () => {
  it('track the extreme, null until a value arrives (corpus max-group-by.json)', () => {
    expect(run(make('MAX', [DOUBLE]), [null, -1000000.123, 0.0, 5.1, null, 2000.99, 100.11])).toEqual([
      null, -1000000.123, 0.0, 5.1, 5.1, 2000.99, 2000.99,
    ]);
    expect(run(make('MIN', [INTEGER]), [null, 5, 3, 7, null])).toEqual([null, 5, 3, 3, 3]);
  });

  it('compare as Java: strings by code unit, doubles with -0.0 < 0.0, bytes signed', () => {
    expect(run(make('MAX', [STRING]), ['b', 'a', 'c', 'B'])).toEqual(['b', 'b', 'c', 'c']);
    expect(run(make('MIN', [STRING]), ['b', 'a', 'B'])).toEqual(['b', 'a', 'B']);
    expect(Object.is(run(make('MAX', [DOUBLE]), [-0.0, 0.0])[1], 0)).toBe(true);
    expect(Object.is(run(make('MIN', [DOUBLE]), [0.0, -0.0])[1], -0)).toBe(true);
    expect(run(make('MAX', [DOUBLE]), [1, NaN, 2])).toEqual([1, NaN, NaN]);
    const bytes = run(make('MAX', [BYTES]), [Buffer.from([0x01]), Buffer.from([0xff]), Buffer.from([0x7f])]) as Buffer[];
    expect(bytes.map((b) => b.toString('hex'))).toEqual(['01', '01', '7f']);
  });

  it('compare decimals numerically and dates, timestamps as numbers', () => {
    const out = run(make('MAX', [decimalType(4, 2)]), [dec('-10.12'), dec('00.00'), dec('05.10'), null, dec('20.99'), dec('10.11')]) as unknown[];
    expect(out.map(String)).toEqual(['-10.12', '0.00', '5.10', '5.10', '20.99', '20.99']);
    expect(run(make('MIN', [DATE]), [10, 5, 7])).toEqual([10, 5, 5]);
    expect(run(make('MAX', [TIMESTAMP]), [10, 5, 70])).toEqual([10, 10, 70]);
  });

  it('merge keeps the extreme of both sessions', () => {
    const max = make('MAX', [BIGINT]);
    expect(max.merge(null, 3)).toBe(3);
    expect(max.merge(4, null)).toBe(4);
    expect(max.merge(4, 9)).toBe(9);
    expect(make('MIN', [BIGINT]).merge(4, 9)).toBe(4);
  });
});

describe('TOPK', () => {
  it('keeps the k largest, duplicates included (corpus "topk integer")', () => {
    const topk = make('TOPK', [INTEGER, INTEGER], [3]);
    expect(run(topk, [[0], [100], [99], [7], [100]])).toEqual([[0], [100, 0], [100, 99, 0], [100, 99, 7], [100, 100, 99]]);
    expect(run(make('TOPK', [STRING, INTEGER], [3]), [['a'], ['b'], ['c'], ['b'], ['d']])).toEqual([
      ['a'],
      ['b', 'a'],
      ['c', 'b', 'a'],
      ['c', 'b', 'b'],
      ['d', 'c', 'b'],
    ]);
  });

  it('carries other columns in sort_col/colN structs, ties in arrival order (corpus "topk integer struct")', () => {
    const topk = make('TOPK', [INTEGER, STRING, INTEGER], [3]);
    const out = run(topk, [
      [0, 'zero'],
      [100, 'one'],
      [99, 'two'],
      [null, 'three'],
      [100, null],
    ]);
    expect(out[4]).toEqual([
      { sort_col: 100, col0: 'one' },
      { sort_col: 100, col0: null },
      { sort_col: 99, col0: 'two' },
    ]);
    expect(out[3]).toEqual([
      { sort_col: 100, col0: 'one' },
      { sort_col: 99, col0: 'two' },
      { sort_col: 0, col0: 'zero' },
    ]);
    const strings = make('TOPK', [STRING, STRING, INTEGER], [3]);
    expect(run(strings, [['a', 'zero'], [null, 'one'], ['c', 'two'], ['b', 'three'], ['d', null]])[4]).toEqual([
      { sort_col: 'd', col0: null },
      { sort_col: 'c', col0: 'two' },
      { sort_col: 'b', col0: 'three' },
    ]);
  });

  it('a value equal to the k-th does not displace it', () => {
    const topk = make('TOPK', [INTEGER, STRING, INTEGER], [2]);
    expect(run(topk, [[5, 'a'], [3, 'b'], [3, 'c']])[2]).toEqual([
      { sort_col: 5, col0: 'a' },
      { sort_col: 3, col0: 'b' },
    ]);
  });

  it('merges two sorted lists to k entries', () => {
    const topk = make('TOPK', [BIGINT, INTEGER], [3]);
    expect(topk.merge([9, 5, 1], [7, 5])).toEqual([9, 7, 5]);
    expect(topk.merge([], [2])).toEqual([2]);
  });

  it('returns a copy, so the emitted row survives later updates', () => {
    const topk = make('TOPK', [BIGINT, INTEGER], [3]);
    let state = topk.initialize();
    state = topk.aggregate([1], state, 0);
    const emitted = topk.map(state);
    state = topk.aggregate([2], state, 1);
    expect(emitted).toEqual([1]);
  });

  it('k = 0 fails at run time as in ksqlDB', () => {
    expect(errorOf(() => run(make('TOPK', [BIGINT, INTEGER], [0]), [[1]]))).toContain('out of bounds');
  });
});

describe('TOPKDISTINCT', () => {
  it('keeps the k largest distinct values', () => {
    const t = make('TOPKDISTINCT', [INTEGER, INTEGER], [3]);
    expect(run(t, [0, 100, 99, 7, 100, null, 8])).toEqual([[0], [100, 0], [100, 99, 0], [100, 99, 7], [100, 99, 7], [100, 99, 7], [100, 99, 8]]);
    const d = make('TOPKDISTINCT', [decimalType(4, 1), INTEGER], [2]);
    expect((stateAfter(d, [dec('1.5'), dec('2.5'), dec('2.5'), dec('0.5')]) as unknown[]).map(String)).toEqual(['2.5', '1.5']);
    const bytes = make('TOPKDISTINCT', [BYTES, INTEGER], [2]);
    expect((stateAfter(bytes, [Buffer.from('a'), Buffer.from('b'), Buffer.from('a')]) as Buffer[]).map(String)).toEqual(['b', 'a']);
  });

  it('merges without duplicates', () => {
    const t = make('TOPKDISTINCT', [STRING, INTEGER], [3]);
    expect(t.merge(['d', 'b'], ['c', 'b', 'a'])).toEqual(['d', 'c', 'b']);
    expect(t.undo).toBeNull();
  });
});
