import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { javaDoubleToString, javaDoubleToStringSlow } from '../../../../engine/types/java-double.js';

const view = new DataView(new ArrayBuffer(8));

function fromBits(high: number, low: number): number {
  view.setUint32(0, high >>> 0);
  view.setUint32(4, low >>> 0);
  return view.getFloat64(0);
}

/** The doubles next to `d` (one ulp each way). */
function neighbours(d: number): number[] {
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, bits + 1n);
  const up = view.getFloat64(0);
  view.setBigUint64(0, bits - 1n);
  return [up, view.getFloat64(0)];
}

/** Any double whose exponent puts it in or near the plain range [1e-3, 1e7). */
const nearPlainRange = fc
  .tuple(fc.integer({ min: -12, max: 26 }), fc.integer({ min: 0, max: 0xfffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean())
  .map(([exponent, high, low, negative]) => fromBits((negative ? 0x80000000 : 0) | ((exponent + 1023) << 20) | high, low));

/** Short decimals (prices, measurements) and the doubles either side of them. */
const shortDecimals = fc
  .tuple(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: -1, max: 1 }))
  .map(([digits, scale, step]) => {
    const d = digits / 10 ** scale;
    return step === 0 ? d : neighbours(d)[step < 0 ? 1 : 0]!;
  });

describe('javaDoubleToString fast path (plain range) agrees with the FloatingDecimal port', () => {
  it('on doubles drawn from the whole bit space around the plain range', () => {
    fc.assert(
      fc.property(nearPlainRange, (d) => {
        expect(javaDoubleToString(d)).toBe(javaDoubleToStringSlow(d));
      }),
      { numRuns: 20_000 },
    );
  });

  it('on short decimals and their neighbours', () => {
    fc.assert(
      fc.property(shortDecimals, (d) => {
        expect(javaDoubleToString(d)).toBe(javaDoubleToStringSlow(d));
        expect(javaDoubleToString(-d)).toBe(javaDoubleToStringSlow(-d));
      }),
      { numRuns: 10_000 },
    );
  });

  it('at the edges of the range, powers of two and known forms', () => {
    const cases = [1e-3, 1e7, 0.001, 9999999.999999998, 0.0010000000000000002, 0.1 + 0.2, 1 / 3, 2 / 3, Math.PI, Math.E, 12.34, 99.99, 50.01];
    for (let e = -12; e <= 26; e++) cases.push(2 ** e, 3 * 2 ** e);
    for (const c of [...cases]) cases.push(...neighbours(c));
    for (const d of cases) {
      expect(javaDoubleToString(d)).toBe(javaDoubleToStringSlow(d));
      expect(javaDoubleToString(-d)).toBe(javaDoubleToStringSlow(-d));
    }
    expect(javaDoubleToString(12.34)).toBe('12.34');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(9.999e-4)).toBe('9.999E-4');
    expect(javaDoubleToString(-0.5)).toBe('-0.5');
  });
});
