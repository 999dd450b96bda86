import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  arrayType,
  mapType,
  structType,
  type SqlType,
} from '../../../../engine/types/index.js';
import { call, dec, decType, errorOf, lambdaArg, registry, context } from './helpers.js';
import { invokeResolved } from '../../../../engine/functions/index.js';

const A = (t: SqlType): SqlType => arrayType(t);
const M = (k: SqlType, v: SqlType): SqlType => mapType(k, v);

describe('set-like array functions', () => {
  it('ARRAY_DISTINCT keeps first occurrences, NULL included once', () => {
    expect(call('ARRAY_DISTINCT', [A(STRING)], [['foo', 'bar', 'foo', null, null]])).toEqual(['foo', 'bar', null]);
    expect(call('ARRAY_DISTINCT', [A(A(INTEGER))], [[[1, 2], [1, 2], [2]]])).toEqual([[1, 2], [2]]);
    expect(call('ARRAY_DISTINCT', [A(decType(3, 1))], [[dec('1.0'), dec('1.0'), dec('2.0')]])).toEqual([dec('1.0'), dec('2.0')]);
    expect(call('ARRAY_DISTINCT', [A(STRING)], [null])).toBeNull();
  });

  it('ARRAY_EXCEPT, ARRAY_INTERSECT, ARRAY_UNION', () => {
    expect(call('ARRAY_EXCEPT', [A(INTEGER), A(INTEGER)], [[1, 2, 3, 1, 4], [2, 4]])).toEqual([1, 3]);
    expect(call('ARRAY_EXCEPT', [A(INTEGER), A(INTEGER)], [[1], null])).toBeNull();
    expect(call('ARRAY_INTERSECT', [A(STRING), A(STRING)], [['a', 'b', 'a', null], ['b', 'a', null]])).toEqual(['a', 'b', null]);
    expect(call('ARRAY_UNION', [A(INTEGER), A(INTEGER)], [[1, 2, 1], [3, 2, 4]])).toEqual([1, 2, 3, 4]);
    expect(call('ARRAY_UNION', [A(INTEGER), A(INTEGER)], [null, [1]])).toBeNull();
  });

  it('ARRAY_CONCAT returns the other side when one side is NULL', () => {
    expect(call('ARRAY_CONCAT', [A(INTEGER), A(INTEGER)], [[1, 2], [2, 3]])).toEqual([1, 2, 2, 3]);
    expect(call('ARRAY_CONCAT', [A(INTEGER), A(INTEGER)], [null, [2]])).toEqual([2]);
    expect(call('ARRAY_CONCAT', [A(INTEGER), A(INTEGER)], [null, null])).toBeNull();
  });

  it('ARRAY_CONTAINS and ARRAY_REMOVE use Java equality (array-remove.json)', () => {
    expect(call('ARRAY_CONTAINS', [A(STRING), STRING], [['Pink', 'Yellow'], 'Pink'])).toBe(true);
    expect(call('ARRAY_CONTAINS', [A(STRING), STRING], [null, 'Pink'])).toBe(false);
    expect(call('ARRAY_CONTAINS', [A(STRING), STRING], [['a', null], null])).toBe(true);
    expect(call('ARRAY_REMOVE', [A(INTEGER), INTEGER], [[0, 0, 1, 0, -1], -1])).toEqual([0, 0, 1, 0]);
    expect(call('ARRAY_REMOVE', [A(INTEGER), INTEGER], [[0, null, 1], null])).toEqual([0, 1]);
    expect(call('ARRAY_REMOVE', [A(A(STRING)), A(STRING)], [[['foo', 'bar'], ['foo']], ['foo', 'bar']])).toEqual([['foo']]);
    const maps = [new Map([['apple', 1], ['banana', 2]]), new Map([['apple', 3]]), new Map([['banana', 2], ['apple', 1]])];
    expect(call('ARRAY_REMOVE', [A(M(STRING, INTEGER)), M(STRING, INTEGER)], [maps, new Map([['apple', 1], ['banana', 2]])])).toEqual([maps[1]]);
    expect(call('ARRAY_REMOVE', [A(DOUBLE), DOUBLE], [[0.0, 0.2, -12345.678, 0.2], 0.2])).toEqual([0.0, -12345.678]);
  });

  it('ARRAY_LENGTH', () => {
    expect(call('ARRAY_LENGTH', [A(BOOLEAN)], [[true]])).toBe(1);
    expect(call('ARRAY_LENGTH', [A(A(BOOLEAN))], [[[]]])).toBe(1);
    expect(call('ARRAY_LENGTH', [A(BOOLEAN)], [null])).toBeNull();
  });
});

describe('ordering functions (array-min-max-sort.json)', () => {
  it('ARRAY_MAX / ARRAY_MIN skip NULLs', () => {
    expect(call('ARRAY_MAX', [A(BOOLEAN)], [[null, false, true]])).toBe(true);
    expect(call('ARRAY_MIN', [A(BOOLEAN)], [[false, true, false]])).toBe(false);
    expect(call('ARRAY_MAX', [A(BIGINT)], [[234, -123, 345]])).toBe(345);
    expect(call('ARRAY_MIN', [A(DOUBLE)], [[0.0, 0.1, -12345.678, 0.2, 0.3]])).toBe(-12345.678);
    expect(call('ARRAY_MAX', [A(STRING)], [['foo', 'bar']])).toBe('foo');
    expect(call('ARRAY_MIN', [A(STRING)], [['Food', 'F', 'food']])).toBe('F');
    expect(call('ARRAY_MAX', [A(decType(2, 1))], [[dec('1.0'), dec('9.0'), dec('-9.9')]])).toEqual(dec('9.0'));
    expect(call('ARRAY_MAX', [A(INTEGER)], [[null, null]])).toBeNull();
    expect(call('ARRAY_MAX', [A(INTEGER)], [null])).toBeNull();
  });

  it('ARRAY_SORT puts NULLs last in both directions', () => {
    expect(call('ARRAY_SORT', [A(INTEGER)], [[0, null, 1, 0, -1]])).toEqual([-1, 0, 0, 1, null]);
    expect(call('ARRAY_SORT', [A(INTEGER), STRING], [[0, null, 1, 0, -1], 'desc'])).toEqual([1, 0, 0, -1, null]);
    expect(call('ARRAY_SORT', [A(BOOLEAN), STRING], [[null, false, true], 'DESCENDING'])).toEqual([true, false, null]);
    expect(call('ARRAY_SORT', [A(STRING), STRING], [['b', 'a'], 'ascending'])).toEqual(['a', 'b']);
    expect(call('ARRAY_SORT', [A(STRING), STRING], [['b', 'a'], 'sideways'])).toBeNull();
    expect(call('ARRAY_SORT', [A(decType(2, 1))], [[dec('1.1'), dec('-0.2')]])).toEqual([dec('-0.2'), dec('1.1')]);
  });

  it('fails at run time for elements that are not comparable', () => {
    expect(errorOf(() => call('ARRAY_MAX', [A(A(INTEGER))], [[[1], [2]]]))).toContain('not comparable');
    expect(call('ARRAY_MAX', [A(A(INTEGER))], [[[1]]])).toEqual([1]);
  });
});

describe('ARRAY_JOIN (arrayjoin.json)', () => {
  const row = {
    bools: [true, null, false],
    ints: [1, 23, -42, 0],
    bigints: [-4294967297, 8589934592],
    doubles: [1.23, -23.42, 0.0],
    decimals: [dec('123.45'), dec('987.65')],
    strings: ['Hello', 'From', '', 'Ksqldb', 'Udf'],
  };
  it('joins with the default delimiter, printing values as Java does', () => {
    expect(call('ARRAY_JOIN', [A(BOOLEAN)], [row.bools])).toBe('true,null,false');
    expect(call('ARRAY_JOIN', [A(INTEGER)], [row.ints])).toBe('1,23,-42,0');
    expect(call('ARRAY_JOIN', [A(BIGINT)], [row.bigints])).toBe('-4294967297,8589934592');
    expect(call('ARRAY_JOIN', [A(DOUBLE)], [row.doubles])).toBe('1.23,-23.42,0.0');
    expect(call('ARRAY_JOIN', [A(DOUBLE)], [[1e7, 1.0]])).toBe('1.0E7,1.0');
    expect(call('ARRAY_JOIN', [A(decType(5, 2))], [row.decimals])).toBe('123.45,987.65');
    expect(call('ARRAY_JOIN', [A(STRING)], [row.strings])).toBe('Hello,From,,Ksqldb,Udf');
  });

  it('with custom, empty or NULL delimiters', () => {
    expect(call('ARRAY_JOIN', [A(BOOLEAN), STRING], [row.bools, '|'])).toBe('true|null|false');
    expect(call('ARRAY_JOIN', [A(INTEGER), STRING], [row.ints, null])).toBe('123-420');
    expect(call('ARRAY_JOIN', [A(DOUBLE), STRING], [row.doubles, ''])).toBe('1.23-23.420.0');
    expect(call('ARRAY_JOIN', [A(STRING), STRING], [null, ','])).toBeNull();
  });

  it('rejects non-primitive elements', () => {
    expect(errorOf(() => call('ARRAY_JOIN', [A(A(INTEGER))], [[[1]]]))).toContain('which is currently not supported');
    expect(errorOf(() => call('ARRAY_JOIN', [A(DATE)], [[1]]))).toContain('java.sql.Date');
    expect(call('ARRAY_JOIN', [A(BYTES)], [[null]])).toBe('null');
  });
});

describe('GENERATE_SERIES and SLICE (array.json, slice.json)', () => {
  it('GENERATE_SERIES', () => {
    expect(call('GENERATE_SERIES', [INTEGER, INTEGER], [0, 3])).toEqual([0, 1, 2, 3]);
    expect(call('GENERATE_SERIES', [INTEGER, INTEGER], [-2, 1])).toEqual([-2, -1, 0, 1]);
    expect(call('GENERATE_SERIES', [INTEGER, INTEGER], [3, 1])).toEqual([3, 2, 1]);
    expect(call('GENERATE_SERIES', [INTEGER, INTEGER], [5, 5])).toEqual([5]);
    expect(call('GENERATE_SERIES', [INTEGER, INTEGER, INTEGER], [-2, 1, 2])).toEqual([-2, 0]);
    expect(call('GENERATE_SERIES', [BIGINT, BIGINT, INTEGER], [10, 0, -5])).toEqual([10, 5, 0]);
    expect(errorOf(() => call('GENERATE_SERIES', [INTEGER, INTEGER, INTEGER], [0, 3, 0]))).toBe('GENERATE_SERIES step cannot be zero');
    expect(errorOf(() => call('GENERATE_SERIES', [INTEGER, INTEGER, INTEGER], [0, 3, -1]))).toBe('GENERATE_SERIES step has wrong sign');
    expect(errorOf(() => call('GENERATE_SERIES', [INTEGER, INTEGER], [null, 3]))).toContain('null passed for primitive');
  });

  it('SLICE is 1-based and inclusive, NULL when out of range', () => {
    expect(call('SLICE', [A(STRING), INTEGER, INTEGER], [['a', 'b', 'c', 'd'], 2, 3])).toEqual(['b', 'c']);
    expect(call('SLICE', [A(A(STRING)), INTEGER, INTEGER], [[['a'], ['b'], ['c']], 2, 3])).toEqual([['b'], ['c']]);
    expect(call('SLICE', [A(STRING), INTEGER, INTEGER], [['a', 'b'], null, 1])).toEqual(['a']);
    expect(call('SLICE', [A(STRING), INTEGER, INTEGER], [['a', 'b'], 2, null])).toEqual(['b']);
    expect(call('SLICE', [A(STRING), INTEGER, INTEGER], [['a', 'b'], 0, 1])).toBeNull();
    expect(call('SLICE', [A(STRING), INTEGER, INTEGER], [['a', 'b'], 1, 3])).toBeNull();
  });
});

describe('map functions (map.json, array.json)', () => {
  it('MAP_KEYS, MAP_VALUES, MAP_UNION, AS_MAP', () => {
    const m = new Map<string, number | null>([['foo', 10], ['bar', null]]);
    expect(call('MAP_KEYS', [M(STRING, INTEGER)], [m])).toEqual(['foo', 'bar']);
    expect(call('MAP_VALUES', [M(STRING, INTEGER)], [m])).toEqual([10, null]);
    expect(call('MAP_KEYS', [M(STRING, INTEGER)], [null])).toBeNull();
    const union = call('MAP_UNION', [M(STRING, INTEGER), M(STRING, INTEGER)], [new Map([['foo', 10], ['bar', 20]]), new Map([['foo', null]])]);
    expect(union).toEqual(new Map<string, number | null>([['foo', null], ['bar', 20]]));
    expect(call('MAP_UNION', [M(STRING, INTEGER), M(STRING, INTEGER)], [null, new Map([['a', 1]])])).toEqual(new Map([['a', 1]]));
    expect(call('MAP_UNION', [M(STRING, INTEGER), M(STRING, INTEGER)], [null, null])).toBeNull();
    expect(call('AS_MAP', [A(STRING), A(INTEGER)], [['a', 'b', 'c'], [1, 2]])).toEqual(new Map<string, number | null>([['a', 1], ['b', 2], ['c', null]]));
  });

  it('ENTRIES builds K/V structs, optionally sorted', () => {
    const m = new Map([['K3', 3], ['K1', 1], ['K2', 2]]);
    expect(call('ENTRIES', [M(STRING, INTEGER), BOOLEAN], [m, true])).toEqual([
      { K: 'K1', V: 1 },
      { K: 'K2', V: 2 },
      { K: 'K3', V: 3 },
    ]);
    expect(call('ENTRIES', [M(STRING, STRING), BOOLEAN], [new Map([['b', 'x'], ['a', 'y']]), false])).toEqual([
      { K: 'b', V: 'x' },
      { K: 'a', V: 'y' },
    ]);
    expect(call('ENTRIES', [M(STRING, BOOLEAN), BOOLEAN], [null, true])).toBeNull();
    expect(registry.resolveScalar('ENTRIES', [M(STRING, BIGINT), BOOLEAN]).returnType).toEqual(
      arrayType(structType([
        { name: 'K', type: STRING },
        { name: 'V', type: BIGINT },
      ])),
    );
  });
});

describe('conditional functions (null.json)', () => {
  it('COALESCE, IFNULL, NULLIF', () => {
    expect(call('COALESCE', [INTEGER, INTEGER, INTEGER, INTEGER], [null, null, 3, 4])).toBe(3);
    expect(call('COALESCE', [STRING, STRING], [null, 'x'])).toBe('x');
    expect(call('COALESCE', [A(INTEGER), A(INTEGER)], [null, [10, 20]])).toEqual([10, 20]);
    expect(call('COALESCE', [INTEGER], [null])).toBeNull();
    expect(call('IFNULL', [INTEGER, INTEGER], [null, 10])).toBe(10);
    expect(call('IFNULL', [STRING, STRING], ['a', 'x'])).toBe('a');
    expect(call('NULLIF', [INTEGER, INTEGER], [10, 10])).toBeNull();
    expect(call('NULLIF', [INTEGER, INTEGER], [10, 11])).toBe(10);
    expect(call('NULLIF', [A(INTEGER), A(INTEGER)], [[1, 2, 3], [1, 2, 3]])).toBeNull();
    expect(call('NULLIF', [STRING, STRING], [null, 'x'])).toBeNull();
    expect(call('AS_VALUE', [STRING], ['k'])).toBe('k');
  });
});

describe('lambda functions (transform-array.json, reduce-array.json, complex-lambda.json)', () => {
  const lambdaCall = (name: string, types: (SqlType | null | ReturnType<typeof lambdaArg>)[], bodyTypes: SqlType[], args: unknown[]): unknown => {
    const resolved = registry.resolveScalar(name, types as never, (i) => bodyTypes[i]!);
    return invokeResolved(resolved, context(), args);
  };

  it('TRANSFORM an array or a map', () => {
    expect(lambdaCall('TRANSFORM', [A(INTEGER), lambdaArg(1)], [INTEGER, INTEGER], [[3, 6], (x: number) => x + 5])).toEqual([8, 11]);
    expect(lambdaCall('TRANSFORM', [A(STRING), lambdaArg(1)], [STRING, STRING], [['check', null], (x: string | null) => (x === null ? null : x.toUpperCase())])).toEqual([
      'CHECK',
      null,
    ]);
    const m = new Map([['a', [2, 5]], ['b', [-1]]]);
    const out = lambdaCall('TRANSFORM', [M(STRING, A(INTEGER)), lambdaArg(2), lambdaArg(2)], [STRING, STRING, INTEGER], [
      m,
      (k: string) => k.toUpperCase(),
      (_k: string, v: number[]) => Math.max(...v),
    ]);
    expect(out).toEqual(new Map([['A', 5], ['B', -1]]));
    expect(lambdaCall('TRANSFORM', [A(INTEGER), lambdaArg(1)], [INTEGER, INTEGER], [null, (x: number) => x])).toBeNull();
  });

  it('TRANSFORM of a map fails on duplicate or NULL keys (Collectors.toMap)', () => {
    const m = new Map([['a', 1], ['b', 2]]);
    expect(
      errorOf(() => lambdaCall('TRANSFORM', [M(STRING, INTEGER), lambdaArg(2), lambdaArg(2)], [STRING, STRING, INTEGER], [m, () => 'same', (_k: string, v: number) => v])),
    ).toContain('Duplicate key same');
    expect(
      errorOf(() => lambdaCall('TRANSFORM', [M(STRING, INTEGER), lambdaArg(2), lambdaArg(2)], [STRING, STRING, INTEGER], [m, (k: string) => k, () => null])),
    ).toContain('null');
  });

  it('FILTER an array or a map', () => {
    expect(lambdaCall('FILTER', [A(INTEGER), lambdaArg(1)], [INTEGER, BOOLEAN], [[2, 5, 4], (z: number) => z < 5])).toEqual([2, 4]);
    const m = new Map([['a', 1], ['bcd', 2]]);
    expect(lambdaCall('FILTER', [M(STRING, INTEGER), lambdaArg(2)], [STRING, BOOLEAN], [m, (k: string) => k.length > 2])).toEqual(new Map([['bcd', 2]]));
    expect(errorOf(() => lambdaCall('FILTER', [A(INTEGER), lambdaArg(1)], [INTEGER, BOOLEAN], [[1], () => null]))).toContain('NULL');
  });

  it('REDUCE an array or a map', () => {
    expect(lambdaCall('REDUCE', [A(INTEGER), INTEGER, lambdaArg(2)], [INTEGER, INTEGER, INTEGER], [[3, 6], 2, (s: number, x: number) => s + x])).toBe(11);
    expect(lambdaCall('REDUCE', [A(INTEGER), INTEGER, lambdaArg(2)], [INTEGER, INTEGER, INTEGER], [[1, 2], null, (s: number, x: number) => s + x])).toBeNull();
    expect(lambdaCall('REDUCE', [A(INTEGER), INTEGER, lambdaArg(2)], [INTEGER, INTEGER, INTEGER], [null, 7, (s: number, x: number) => s + x])).toBe(7);
    expect(
      lambdaCall('REDUCE', [A(STRING), STRING, lambdaArg(2)], [STRING, STRING, STRING], [['blah', 'blah', 'blaaah'], '', (s: string, x: string) => s + x]),
    ).toBe('blahblahblaaah');
    const m = new Map([['a', 1], ['b', 2]]);
    expect(lambdaCall('REDUCE', [M(STRING, INTEGER), INTEGER, lambdaArg(3)], [INTEGER, INTEGER, INTEGER], [m, 0, (s: number, _k: string, v: number) => s + v])).toBe(3);
  });
});
