import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, compareValues, hashKeyString, valuesEqual } from '../../../../engine/types/index.js';
import { decodeKey, encodeKey, engineValueCodec } from '../../../../engine/state/index.js';
import { decimalType } from '../../../../engine/types/index.js';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 8 })).map(([unscaled, scale]) => new Decimal(unscaled, scale));
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '\u0000', '\u00e9', '\u4e2d'), maxLength: 5 });
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true }).map((n) => (n === 0 ? 0 : n)), fc.constantFrom(Number.NaN, Infinity, -Infinity));

/** Byte order must equal value order (compareValues) where both are defined the same way. */
function checkOrder<T>(arbitrary: fc.Arbitrary<T>, order: (a: T, b: T) => number, runs = 1000): void {
  fc.assert(
    fc.property(arbitrary, arbitrary, (a, b) => {
      expect(sign(Buffer.compare(encodeKey([a]), encodeKey([b])))).toBe(sign(order(a, b)));
    }),
    { numRuns: runs },
  );
}

describe('state key codec', () => {
  it('orders numbers, decimals, strings, booleans and null as compareValues does', () => {
    checkOrder(number, (a, b) => compareValues(a, b));
    checkOrder(decimal, (a, b) => a.compare(b));
    // strings: by code point (UTF-8 bytes); equal to compareValues for characters in the BMP
    checkOrder(text, (a, b) => compareValues(a, b));
    checkOrder(fc.option(fc.boolean(), { nil: null }), (a, b) => compareValues(a, b));
    checkOrder(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 4 }), (a, b) => compareValues(a, b));
  });

  it('orders composite keys column by column', () => {
    checkOrder(
      fc.tuple(text, fc.integer({ min: -5, max: 5 }), fc.option(decimal, { nil: null })),
      (a, b) => compareValues(a[0], b[0]) || compareValues(a[1], b[1]) || compareValues(a[2], b[2]),
    );
    fc.assert(
      fc.property(fc.tuple(text, fc.integer()), fc.tuple(text, fc.integer()), (a, b) => {
        expect(sign(Buffer.compare(encodeKey(a), encodeKey(b)))).toBe(sign(compareValues(a[0], b[0]) || compareValues(a[1], b[1])));
      }),
    );
  });

  it('gives equal bytes exactly to values grouping treats as equal, and decodes them back', () => {
    const value = fc.oneof(number, decimal, text, fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3 }), fc.array(value, { maxLength: 3 }), (a, b) => {
        const same = a.length === b.length && hashKeyString(a) === hashKeyString(b);
        expect(encodeKey(a).equals(encodeKey(b))).toBe(same);
        expect(valuesEqual(decodeKey(encodeKey(a)), a)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(encodeKey([-0]).equals(encodeKey([0]))).toBe(true);
    expect(encodeKey([new Decimal(100n, 2)]).equals(encodeKey([new Decimal(1n, 0)]))).toBe(true);
    expect((decodeKey(encodeKey([new Decimal(100n, 2)]), [decimalType(5, 2)])[0] as Decimal).toString()).toBe('1.00');
    expect((decodeKey(encodeKey([new Decimal(12300n, 0)]))[0] as Decimal).toString()).toBe('12300');
  });

  it('encodes containers: arrays, maps (any entry order), structs', () => {
    const a = new Map<unknown, unknown>([['x', 1], ['y', [1, 2]]]);
    const b = new Map<unknown, unknown>([['y', [1, 2]], ['x', 1]]);
    expect(encodeKey([a]).equals(encodeKey([b]))).toBe(true);
    const row = [[1, null, 'a'], a, { A: 1, B: { C: 'd' } }, Buffer.from([0, 255])];
    expect(valuesEqual(decodeKey(encodeKey(row)), row)).toBe(true);
    expect(decodeKey(encodeKey([]))).toEqual([]);
    expect(encodeKey([]).length).toBe(1);
    for (const key of [[null], ['x'], [1], [[1]], [new Map()], [{}]]) expect(encodeKey(key)[0]).not.toBe(0xff);
  });
});

describe('engine value codec', () => {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 60 }),
    decimal,
    fc.bigInt(),
    fc.uint8Array({ maxLength: 5 }).map((bytes) => Buffer.from(bytes)),
  );
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('struct'), tie('map')),
    array: fc.array(tie('any'), { maxLength: 4 }),
    struct: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('any'), { maxKeys: 3, noNullPrototype: true }),
    map: fc.array(fc.tuple(fc.string({ maxLength: 3 }), tie('any')), { maxLength: 3 }).map((entries) => new Map(entries)),
  })).any;

  it('round-trips every engine value exactly (-0, NaN, decimal scale, maps, structs, bigints)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const back = engineValueCodec.decode(engineValueCodec.encode(v));
        expect(back).toStrictEqual(v);
      }),
      { numRuns: 1000 },
    );
    expect(Object.is(engineValueCodec.decode(engineValueCodec.encode(-0)), -0)).toBe(true);
    expect((engineValueCodec.decode(engineValueCodec.encode(new Decimal(100n, 2))) as Decimal).toString()).toBe('1.00');
    expect(engineValueCodec.decode(engineValueCodec.encode('x'.repeat(1000)))).toBe('x'.repeat(1000));
  });

  it('rejects corrupt bytes with STATE_CORRUPT', () => {
    expect(() => engineValueCodec.decode(Buffer.from([99]))).toThrow(/unknown tag/);
    expect(() => engineValueCodec.decode(Buffer.from([3, 1]))).toThrow(/more bytes/);
    expect(() => engineValueCodec.decode(Buffer.from([0, 0]))).toThrow(/left over/);
  });
});
