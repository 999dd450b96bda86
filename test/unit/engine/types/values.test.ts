import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, compareBytes, compareDoubles, compareValues, hashKey, rowKey, valuesEqual } from './fixtures.js';

const D = Decimal.fromString;

describe('valuesEqual', () => {
  it('scalars, decimals, bytes', () => {
    expect(valuesEqual(null, null)).toBe(true);
    expect(valuesEqual(null, 0)).toBe(false);
    expect(valuesEqual(NaN, NaN)).toBe(true);
    expect(valuesEqual(0, -0)).toBe(true);
    expect(valuesEqual(D('1.0'), D('1.00'))).toBe(true);
    expect(valuesEqual(D('1.5'), 1.5)).toBe(true);
    expect(valuesEqual(Buffer.from('ab'), Buffer.from('ab'))).toBe(true);
    expect(valuesEqual(Buffer.from('ab'), Buffer.from('ac'))).toBe(false);
    expect(valuesEqual('1', 1)).toBe(false);
  });
  it('structured values', () => {
    expect(valuesEqual([1, [2, null]], [1, [2, null]])).toBe(true);
    expect(valuesEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(valuesEqual(new Map([['a', 1], ['b', 2]]), new Map([['b', 2], ['a', 1]]))).toBe(true);
    expect(valuesEqual(new Map([[D('1.0'), 1]]), new Map([[D('1.00'), 1]]))).toBe(true);
    expect(valuesEqual({ A: 1, B: [D('2.0')] }, { A: 1, B: [D('2')] })).toBe(true);
    expect(valuesEqual({ A: 1 }, { A: 1, B: null })).toBe(false);
  });
});

describe('compareValues', () => {
  it('Java orders', () => {
    expect(compareDoubles(-0, 0)).toBe(-1);
    expect(compareDoubles(NaN, Infinity)).toBe(1);
    expect(compareValues(null, 1)).toBe(-1);
    expect(compareValues('B', 'a')).toBe(-1);
    expect(compareValues(false, true)).toBe(-1);
    expect(compareValues(D('1.10'), D('1.1'))).toBe(0);
    expect(compareValues(2, D('1.5'))).toBe(1);
    expect(compareBytes(Buffer.from([0x80]), Buffer.from([0x01]))).toBe(-1); // signed bytes
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1, 2], [1])).toBe(1);
    expect(compareValues({ A: 1, B: 2 }, { A: 1, B: 1 })).toBe(1);
  });
});

function deepCopy(v: unknown): unknown {
  if (v instanceof Decimal) return new Decimal(v.unscaled * 10n, v.scale + 1); // same value, other scale
  if (Buffer.isBuffer(v)) return Buffer.from(v);
  if (Array.isArray(v)) return v.map(deepCopy);
  return v;
}

describe('hashKey / rowKey', () => {
  const valueArb = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.integer(),
      fc.string(),
      fc.boolean(),
      fc.tuple(fc.bigInt({ min: -1000n, max: 1000n }), fc.integer({ min: 0, max: 4 })).map(([u, s]) => new Decimal(u, s)),
      fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a)),
      fc.array(tie('value'), { maxLength: 3 }),
    ),
  })).value;

  it('equal values get equal keys (property)', () => {
    fc.assert(
      fc.property(valueArb, valueArb, (a, b) => {
        if (valuesEqual(a, b)) expect(hashKey(a)).toEqual(hashKey(b));
        const copy = deepCopy(a);
        expect(valuesEqual(a, copy)).toBe(true);
        expect(hashKey(copy)).toEqual(hashKey(a));
      }),
      { numRuns: 500 },
    );
  });

  it('decimals of different scale share a key; multi-column keys are unambiguous', () => {
    expect(hashKey(D('2.50'))).toBe(hashKey(D('2.5')));
    expect(rowKey(['a', 'bc'])).not.toBe(rowKey(['ab', 'c']));
    expect(rowKey([1, null])).not.toBe(rowKey([null, 1]));
    expect(rowKey(['x'])).toBe('x');
    expect(hashKey(new Map([['a', 1], ['b', 2]]))).toBe(hashKey(new Map([['b', 2], ['a', 1]])));
  });
});
