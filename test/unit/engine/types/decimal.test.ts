import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, isSluiceError } from './fixtures.js';

const D = Decimal.fromString;

describe('Decimal parsing and printing', () => {
  it.each([
    ['1.50', 150n, 2, '1.50'],
    ['-0.05', -5n, 2, '-0.05'],
    ['0', 0n, 0, '0'],
    ['0.000', 0n, 3, '0.000'],
    ['.5', 5n, 1, '0.5'],
    ['5.', 5n, 0, '5'],
    ['+7', 7n, 0, '7'],
    ['1E+3', 1n, -3, '1000'],
    ['1.2e-5', 12n, 6, '0.000012'],
    ['12345678987654321.2345678987654321', 123456789876543212345678987654321n, 16, '12345678987654321.2345678987654321'],
  ])('%s', (text, unscaled, scale, plain) => {
    const d = D(text);
    expect(d.unscaled).toBe(unscaled);
    expect(d.scale).toBe(scale);
    expect(d.toString()).toBe(plain);
  });

  it('rejects non-numbers', () => {
    for (const bad of ['', ' 1', 'abc', '1.2.3', '--1', 'e5', '.', '1e']) {
      expect(Decimal.tryParse(bad)).toBeNull();
      expect(() => D(bad)).toThrow();
    }
    try {
      D('x');
    } catch (e) {
      expect(isSluiceError(e, 'ENGINE_EVALUATION')).toBe(true);
    }
  });

  it('toJavaString is BigDecimal.toString (scientific for small exponents)', () => {
    expect(D('1E+3').toJavaString()).toBe('1E+3');
    expect(D('0.00000001').toJavaString()).toBe('1E-8');
    expect(D('0.000001').toJavaString()).toBe('0.000001');
    expect(D('-1.5E-7').toJavaString()).toBe('-1.5E-7');
    expect(D('123.45').toJavaString()).toBe('123.45');
  });

  it('fromNumber / fromDouble follow BigDecimal.valueOf', () => {
    expect(Decimal.fromNumber(5).toString()).toBe('5');
    expect(Decimal.fromNumber(0.1).toString()).toBe('0.1');
    expect(Decimal.fromNumber(1.005, 2).toString()).toBe('1.01'); // from the shortest text 1.005, HALF_UP
    expect(Decimal.fromDouble(1).toString()).toBe('1.0');
    expect(Decimal.fromDouble(100).toString()).toBe('100.0');
    expect(Decimal.fromDouble(1e7).toJavaString()).toBe('1.0E+7');
    expect(Decimal.fromDouble(1.5e-7).toJavaString()).toBe('1.5E-7');
    expect(() => Decimal.fromDouble(NaN)).toThrow();
  });

  it('fromDoubleExact is new BigDecimal(double)', () => {
    expect(Decimal.fromDoubleExact(0.1).toString()).toBe('0.1000000000000000055511151231257827021181583404541015625');
    expect(Decimal.fromDoubleExact(0.5).toString()).toBe('0.5');
    expect(Decimal.fromDoubleExact(-2).toString()).toBe('-2');
  });

  it('toNumber is the nearest double', () => {
    expect(D('1.50').toNumber()).toBe(1.5);
    expect(D('-0.1').toNumber()).toBe(-0.1);
    expect(D('1E+3').toNumber()).toBe(1000);
    expect(D('12345678987654321.2345678987654321').toNumber()).toBe(12345678987654321.2345678987654321);
  });
});

describe('Decimal arithmetic', () => {
  it('add/subtract keep the larger scale, multiply adds scales', () => {
    expect(D('1.5').add(D('2.25')).toString()).toBe('3.75');
    expect(D('1.50').add(D('1')).toString()).toBe('2.50');
    expect(D('1').subtract(D('0.001')).toString()).toBe('0.999');
    expect(D('1.5').multiply(D('2.0')).toString()).toBe('3.00');
    expect(D('-0.1').multiply(D('0.1')).toString()).toBe('-0.01');
  });

  it('divide with a scale and rounding mode', () => {
    expect(D('10').divide(D('3'), 5, 'HALF_UP').toString()).toBe('3.33333');
    expect(D('2').divide(D('3'), 2, 'HALF_UP').toString()).toBe('0.67');
    expect(D('2').divide(D('3'), 2, 'DOWN').toString()).toBe('0.66');
    expect(D('-2').divide(D('3'), 2, 'FLOOR').toString()).toBe('-0.67');
    expect(D('-2').divide(D('3'), 2, 'CEILING').toString()).toBe('-0.66');
    expect(D('1').divide(D('8'), 2, 'HALF_EVEN').toString()).toBe('0.12');
    expect(D('3').divide(D('8'), 2, 'HALF_EVEN').toString()).toBe('0.38');
    expect(() => D('1').divide(D('3'), 2, 'UNNECESSARY')).toThrow(/Rounding necessary/);
    expect(() => D('1').divide(D('0'), 2)).toThrow(/Division by zero/);
  });

  it('divide without a scale is exact (Java divide(divisor))', () => {
    expect(D('1').divide(D('8')).toString()).toBe('0.125');
    expect(D('100').divide(D('4')).toString()).toBe('25');
    expect(D('1.0').divide(D('0.25')).toString()).toBe('4');
    expect(D('6.0').divide(D('2')).toString()).toBe('3.0');
    expect(() => D('1').divide(D('3'))).toThrow(/Non-terminating/);
  });

  it('remainder takes the sign of the dividend', () => {
    expect(D('7.5').remainder(D('2')).toString()).toBe('1.5');
    expect(D('-7.5').remainder(D('2')).toString()).toBe('-1.5');
    expect(D('7').remainder(D('-2.5')).toString()).toBe('2.0');
  });

  it('setScale with every rounding mode', () => {
    const table: [string, Record<string, string>][] = [
      ['5.5', { UP: '6', DOWN: '5', CEILING: '6', FLOOR: '5', HALF_UP: '6', HALF_DOWN: '5', HALF_EVEN: '6' }],
      ['2.5', { UP: '3', DOWN: '2', CEILING: '3', FLOOR: '2', HALF_UP: '3', HALF_DOWN: '2', HALF_EVEN: '2' }],
      ['1.6', { UP: '2', DOWN: '1', CEILING: '2', FLOOR: '1', HALF_UP: '2', HALF_DOWN: '2', HALF_EVEN: '2' }],
      ['-1.1', { UP: '-2', DOWN: '-1', CEILING: '-1', FLOOR: '-2', HALF_UP: '-1', HALF_DOWN: '-1', HALF_EVEN: '-1' }],
      ['-2.5', { UP: '-3', DOWN: '-2', CEILING: '-2', FLOOR: '-3', HALF_UP: '-3', HALF_DOWN: '-2', HALF_EVEN: '-2' }],
    ];
    for (const [v, modes] of table) {
      for (const [mode, expected] of Object.entries(modes)) {
        expect(D(v).setScale(0, mode as never).toString(), `${v} ${mode}`).toBe(expected);
      }
    }
    expect(D('1.5').setScale(3).toString()).toBe('1.500');
    expect(() => D('1.55').setScale(1)).toThrow(/Rounding necessary/);
    expect(D('1.50').setScale(1).toString()).toBe('1.5');
  });

  it('negate, abs, signum, precision', () => {
    expect(D('1.5').negate().toString()).toBe('-1.5');
    expect(D('-1.5').abs().toString()).toBe('1.5');
    expect(D('-0.01').signum()).toBe(-1);
    expect(D('0.00').signum()).toBe(0);
    expect(D('123.45').precision()).toBe(5);
    expect(D('0.001').precision()).toBe(1);
    expect(D('0').precision()).toBe(1);
  });

  it('roundToPrecision is round(MathContext)', () => {
    expect(D('123.456').roundToPrecision(4).toString()).toBe('123.5');
    expect(D('999.99').roundToPrecision(3).toJavaString()).toBe('1.00E+3');
    expect(D('0.0012345').roundToPrecision(2).toString()).toBe('0.0012');
  });

  it('compare / equals ignore the scale; identical does not', () => {
    expect(D('1.0').compare(D('1.00'))).toBe(0);
    expect(D('1.0').equals(D('1.00'))).toBe(true);
    expect(D('1.0').identical(D('1.00'))).toBe(false);
    expect(D('-1').compare(D('0.5'))).toBe(-1);
    expect(D('1.0').hashKey()).toBe(D('1.000').hashKey());
    expect(D('10').hashKey()).toBe(D('1E+1').hashKey());
    expect(D('0.0').hashKey()).toBe(D('0').hashKey());
  });

  const decimalArb = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 })).map(([u, s]) => new Decimal(u, s));

  it('add/subtract/multiply are exact (property)', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        expect(a.add(b).subtract(b).compare(a)).toBe(0);
        expect(a.add(b).compare(b.add(a))).toBe(0);
        if (!b.isZero()) {
          // (a*b)/b == a exactly
          expect(a.multiply(b).divide(b, a.scale, 'UNNECESSARY').compare(a)).toBe(0);
        }
        expect(D(a.toString()).identical(a)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('HALF_UP division agrees with a reference (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
        const q = new Decimal(BigInt(a), 0).divide(new Decimal(BigInt(b), 0), 0, 'HALF_UP');
        const ref = Math.sign(a / b) * Math.floor(Math.abs(a / b) + 0.5);
        expect(q.toNumber()).toBe(ref === 0 ? 0 : ref);
      }),
      { numRuns: 500 },
    );
  });
});
