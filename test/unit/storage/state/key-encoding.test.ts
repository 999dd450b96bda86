import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyReader, KeyWriter, SortedStringMap, prefixEnd, readSortableInt64, sortableInt64 } from '../../../../storage/state/index.js';

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
/** Java's Double.compare without -0 (written as 0) and with one NaN. */
const doubleOrder = (a: number, b: number): number => {
  const x = a === 0 ? 0 : a;
  const y = b === 0 ? 0 : b;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
  return sign(x - y);
};

describe('key encoding', () => {
  it('int64: byte order is numeric order, and it reads back', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (a, b) => {
        expect(sign(Buffer.compare(sortableInt64(a), sortableInt64(b)))).toBe(sign(a - b));
        expect(readSortableInt64(sortableInt64(a), 0)).toBe(a);
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, -1, 1, 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 31, -(2 ** 31) - 1]) expect(readSortableInt64(sortableInt64(n), 0)).toBe(n);
    expect(() => sortableInt64(0.5)).toThrow(/safe integer/);
  });

  it('double: byte order is numeric order (-0 = 0, NaN last), and it reads back', () => {
    const key = (n: number): Buffer => new KeyWriter().double(n).finish();
    fc.assert(
      fc.property(fc.double(), fc.double(), (a, b) => {
        expect(sign(Buffer.compare(key(a), key(b)))).toBe(doubleOrder(a, b));
        const back = new KeyReader(key(a)).double();
        if (Number.isNaN(a)) expect(back).toBeNaN();
        else expect(back).toBe(a === 0 ? 0 : a);
      }),
      { numRuns: 2000 },
    );
    expect(Buffer.compare(key(-Infinity), key(-Number.MAX_VALUE))).toBe(-1);
    expect(Buffer.compare(key(Infinity), key(Number.NaN))).toBe(-1);
  });

  it('strings and bytes: order of the raw bytes, terminated so that what follows never matters', () => {
    const string = fc.string({ unit: fc.constantFrom('\u0000', '\u0001', 'a', 'b', '\u00ff', 'é', '\uffff', '\ud83d\ude00'), maxLength: 6 });
    fc.assert(
      fc.property(string, string, fc.integer(), fc.integer(), (a, b, x, y) => {
        const ka = new KeyWriter(4).string(a).int64(x).finish();
        const kb = new KeyWriter(4).string(b).int64(y).finish();
        const expected = utf8Order(a, b) || sign(x - y);
        expect(sign(Buffer.compare(ka, kb))).toBe(sign(expected));
        const reader = new KeyReader(ka);
        expect(reader.string()).toBe(a);
        expect(reader.int64()).toBe(x);
        expect(reader.done()).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8, max: 2 }), fc.uint8Array({ maxLength: 8, max: 2 }), (a, b) => {
        const ka = new KeyWriter().escapedBytes(a).uint8(0x00).finish();
        const kb = new KeyWriter().escapedBytes(b).uint8(0xff).finish();
        expect(sign(Buffer.compare(ka, kb))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b)) || -1));
        expect([...new KeyReader(ka).escapedBytes()]).toEqual([...a]);
      }),
      { numRuns: 1000 },
    );
  });

  it('prefixEnd bounds a prefix scan', () => {
    expect(prefixEnd(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 3]));
    expect(prefixEnd(Buffer.from([1, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixEnd(Buffer.from([0xff, 0xff]))).toBeUndefined();
  });

  it('rejects truncated keys with STATE_CORRUPT', () => {
    expect(() => new KeyReader(Buffer.from([0x61, 0x00])).string()).toThrow(/terminated/);
    expect(() => new KeyReader(Buffer.from([1, 2])).int64()).toThrow(/more bytes/);
  });
});

describe('SortedStringMap', () => {
  it('matches a sorted reference under random inserts, deletes and bounded scans', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (operations, low, high) => {
          const map = new SortedStringMap<number>();
          const model = new Set<string>();
          const key = (n: number): string => n.toString(36).padStart(3, '0');
          for (const [insert, n] of operations) {
            if (insert) {
              map.set(key(n), n);
              model.add(key(n));
            } else {
              map.delete(key(n));
              model.delete(key(n));
            }
          }
          map.checkInvariants();
          const sorted = [...model].sort();
          expect([...map.entries()].map(([k]) => k)).toEqual(sorted);
          expect([...map.entries({ reverse: true })].map(([k]) => k)).toEqual([...sorted].reverse());
          const [a, b] = [key(Math.min(low, high)), key(Math.max(low, high))];
          expect([...map.entries({ gte: a, lt: b })].map(([k]) => k)).toEqual(sorted.filter((k) => k >= a && k < b));
          expect([...map.entries({ gt: a, lte: b, reverse: true })].map(([k]) => k)).toEqual(sorted.filter((k) => k > a && k <= b).reverse());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('iterators continue correctly when the map changes under them', () => {
    const map = new SortedStringMap<number>();
    for (let n = 0; n < 2000; n += 2) map.set(String(n).padStart(4, '0'), n);
    const seen: number[] = [];
    for (const [k, n] of map.entries()) {
      seen.push(n);
      map.delete(k); // delete what we just read
      if (n % 10 === 0) map.set(String(n + 1).padStart(4, '0'), n + 1); // insert just ahead
    }
    const odd = Array.from({ length: 200 }, (_, i) => i * 10 + 1);
    expect(seen.filter((n) => n % 2 === 1)).toEqual(odd);
    expect(map.size).toBe(0);
    map.checkInvariants();
    for (let n = 0; n < 2000; n += 2) map.set(String(n).padStart(4, '0'), n);
    const backwards: number[] = [];
    for (const [k, n] of map.entries({ reverse: true })) {
      backwards.push(n);
      map.delete(k);
      if (n % 10 === 0 && n > 0) map.set(String(n - 1).padStart(4, '0'), n - 1); // insert just ahead (below)
    }
    expect(backwards.filter((n) => n % 2 === 1)).toEqual(odd.map((n) => n - 2).filter((n) => n > 0).reverse());
    expect(map.size).toBe(0);
  });
});
