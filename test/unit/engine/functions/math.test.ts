import { describe, expect, it } from 'vitest';
import { BIGINT, BYTES, DATE, DOUBLE, INTEGER, STRING, type SqlType } from '../../../../engine/types/index.js';
import { Decimal } from '../../../../engine/types/index.js';
import { call, dec, decType, errorOf } from './helpers.js';

const r13 = (x: unknown): number => Number((x as number).toFixed(13));

describe('unary DOUBLE functions (math.json)', () => {
  it.each([
    ['EXP', -1, 0.36787944117144233],
    ['EXP', 0, 1.0],
    ['EXP', 1, 2.718281828459045],
    ['LN', 2, 0.6931471805599453],
    ['LN', 0, -Infinity],
    ['SQRT', 2, 1.4142135623730951],
    ['CBRT', -8, -2.0],
    ['CBRT', 3, 1.4422495703074083],
    ['LOG', 13, 2.5649493574615367],
    ['PI', null, 3.141592653589793],
  ])('%s(%s) = %s', (name, arg, expected) => {
    if (name === 'PI') expect(call('PI', [], [])).toBe(expected);
    else {
      expect(call(name, [INTEGER], [arg])).toBe(expected);
      expect(call(name, [BIGINT], [arg])).toBe(expected);
      expect(call(name, [DOUBLE], [arg])).toBe(expected);
    }
  });

  it("computes LN and LOG correctly rounded, like Java's Math.log (V8's Math.log(3) is one ulp low)", () => {
    expect(call('LN', [DOUBLE], [3])).toBe(1.0986122886681098);
    expect(call('LN', [INTEGER], [3])).toBe(1.0986122886681098);
    expect(call('LOG', [DOUBLE], [3])).toBe(1.0986122886681098);
    expect(call('LN', [DOUBLE], [1])).toBe(0);
    expect(call('LN', [DOUBLE], [5e-324])).toBe(-744.4400719213812);
    expect(call('LN', [DOUBLE], [Infinity])).toBe(Infinity);
    expect(call('LOG', [INTEGER, INTEGER], [2, 8])).toBe(3);
  });

  it('returns NaN where Java does, and NULL for NULL', () => {
    expect(call('LN', [DOUBLE], [-3])).toBeNaN();
    expect(call('SQRT', [INTEGER], [-1])).toBeNaN();
    expect(call('ACOS', [DOUBLE], [1.1])).toBeNaN();
    expect(call('COT', [INTEGER], [0])).toBe(Infinity);
    expect(call('SQRT', [INTEGER], [null])).toBeNull();
  });

  it('trigonometry', () => {
    expect(r13(call('ACOS', [DOUBLE], [-0.43]))).toBe(2.0152891037307);
    expect(r13(call('ASIN', [DOUBLE], [0.43]))).toBe(0.4444927769358);
    expect(r13(call('ATAN', [INTEGER], [-2]))).toBe(-1.1071487177941);
    expect(r13(call('ATAN2', [INTEGER, INTEGER], [-2, -3]))).toBe(-2.5535900500422);
    expect(call('ATAN2', [DOUBLE, DOUBLE], [null, 0.45])).toBeNull();
    expect(r13(call('COS', [DOUBLE], [-9.1]))).toBe(-0.9477216021311);
    expect(r13(call('COT', [DOUBLE], [0.43]))).toBe(2.1804495406685);
    expect(r13(call('COSH', [DOUBLE], [-9.1]))).toBe(4477.646407574158);
    expect(r13(call('SINH', [INTEGER], [6]))).toBe(201.7131573702792);
    expect(r13(call('TANH', [DOUBLE], [0.43]))).toBe(0.4053213086895);
    expect(Number((call('DEGREES', [INTEGER], [2]) as number).toFixed(12))).toBe(114.591559026165);
    expect(r13(call('RADIANS', [DOUBLE], [70.73163980890013]))).toBe(1.2345);
  });

  it('POWER and LOG with a base', () => {
    expect(call('POWER', [INTEGER, INTEGER], [15, -1])).toBe(0.06666666666666667);
    expect(call('POWER', [BIGINT, BIGINT], [0, 0])).toBe(1.0);
    expect(call('POWER', [DOUBLE, DOUBLE], [15, 13])).toBe(1946195068359375.0);
    expect(call('LOG', [INTEGER, INTEGER], [15, 13])).toBe(0.9471572411831843);
    expect(call('LOG', [DOUBLE, DOUBLE], [15, 0])).toBe(-Infinity);
    expect(call('LOG', [DOUBLE, DOUBLE], [1, 13])).toBeNaN();
    expect(call('LOG', [DOUBLE, DOUBLE], [0, 13])).toBeNaN();
    expect(call('LOG', [DOUBLE, DOUBLE], [-15, 13])).toBeNaN();
    expect(call('LOG', [BIGINT, BIGINT], [null, 13])).toBeNull();
  });

  it('SIGN', () => {
    expect(call('SIGN', [INTEGER], [-1])).toBe(-1);
    expect(call('SIGN', [BIGINT], [2])).toBe(1);
    expect(call('SIGN', [DOUBLE], [0])).toBe(0);
    expect(call('SIGN', [DOUBLE], [NaN])).toBe(0);
    expect(call('SIGN', [DOUBLE], [null])).toBeNull();
  });

  it('RANDOM is in [0, 1)', () => {
    const v = call('RANDOM', [], []) as number;
    expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('ABS, CEIL, FLOOR', () => {
  it('keep the argument type', () => {
    expect(call('ABS', [INTEGER], [-1])).toBe(1);
    expect(call('ABS', [INTEGER], [-2147483648])).toBe(-2147483648);
    expect(call('ABS', [DOUBLE], [-3.1])).toBe(3.1);
    expect((call('ABS', [decType(2, 1)], [dec('-3.2')]) as Decimal).toString()).toBe('3.2');
    expect(call('ABS', [BIGINT], [null])).toBeNull();
  });

  it.each([
    ['1.1', 2, 1],
    ['1.5', 2, 1],
    ['-1.1', -1, -2],
    ['-1.5', -1, -2],
    ['2.0', 2, 2],
  ])('CEIL/FLOOR(%s)', (text, ceil, floor) => {
    expect(call('CEIL', [DOUBLE], [Number(text)])).toBe(ceil);
    expect(call('FLOOR', [DOUBLE], [Number(text)])).toBe(floor);
    expect((call('CEIL', [decType(2, 1)], [dec(text)]) as Decimal).toString()).toBe(`${ceil}.0`);
    expect((call('FLOOR', [decType(2, 1)], [dec(text)]) as Decimal).toString()).toBe(`${floor}.0`);
    expect(call('CEIL', [INTEGER], [1])).toBe(1);
  });
});

describe('ROUND (math.json)', () => {
  const cases: [number, number, number, number, number, number, number][] = [
    // v, ROUND(v), ROUND(v,0), ROUND(v,1), ROUND(v,2), ROUND(v,-1), ROUND(v,-2)
    [1.2, 1, 1.0, 1.2, 1.2, 0, 0],
    [1.5, 2, 2.0, 1.5, 1.5, 0, 0],
    [-1.5, -1, -1.0, -1.5, -1.5, 0, 0],
    [-1.7, -2, -2.0, -1.7, -1.7, 0, 0],
    [1.234567, 1, 1.0, 1.2, 1.23, 0, 0],
    [111, 111, 111.0, 111.0, 111.0, 110.0, 100.0],
    [12345.678, 12346, 12346.0, 12345.7, 12345.68, 12350.0, 12300.0],
    [-12345.678, -12346, -12346.0, -12345.7, -12345.68, -12350.0, -12300.0],
  ];
  it.each(cases)('DOUBLE %s', (v, r0, r00, r1, r2, m1, m2) => {
    expect(call('ROUND', [DOUBLE], [v])).toBe(r0);
    const places = (n: number): unknown => call('ROUND', [DOUBLE, INTEGER], [v, n]);
    expect([places(0), places(1), places(2), places(-1), places(-2)]).toEqual([r00, r1, r2, m1, m2]);
    expect(places(10)).toBe(v);
  });

  it('rounds half toward positive infinity like Math.round', () => {
    expect(call('ROUND', [DOUBLE], [-2.5])).toBe(-2);
    expect(call('ROUND', [DOUBLE], [2.5])).toBe(3);
    expect(call('ROUND', [DOUBLE], [NaN])).toBe(0);
    expect(call('ROUND', [INTEGER], [3])).toBe(3);
    expect(call('ROUND', [DOUBLE], [null])).toBeNull();
    expect(call('ROUND', [DOUBLE, INTEGER], [1.5, null])).toBeNull();
  });

  it('DECIMAL keeps the scale with decimal places, and drops it without (large values)', () => {
    const v = dec('12345678987654321.2345678987654321');
    const t = [decType(33, 16), INTEGER];
    expect((call('ROUND', [decType(33, 16)], [v]) as Decimal).toString()).toBe('12345678987654321');
    const places = (n: number): string => (call('ROUND', t, [v, n]) as Decimal).toString();
    expect(places(0)).toBe('12345678987654321.0000000000000000');
    expect(places(1)).toBe('12345678987654321.2000000000000000');
    expect(places(2)).toBe('12345678987654321.2300000000000000');
    expect(places(10)).toBe('12345678987654321.2345678988000000');
    expect(places(-1)).toBe('12345678987654320.0000000000000000');
    expect(places(-2)).toBe('12345678987654300.0000000000000000');
    expect((call('ROUND', [decType(2, 1)], [dec('-1.5')]) as Decimal).toString()).toBe('-1');
    expect((call('ROUND', [decType(2, 1)], [dec('1.5')]) as Decimal).toString()).toBe('2');
  });
});

describe('TRUNC (math.json)', () => {
  it('DOUBLE', () => {
    expect(call('TRUNC', [DOUBLE], [-1.7])).toBe(-1);
    expect(call('TRUNC', [DOUBLE], [12345.678])).toBe(12345);
    expect(call('TRUNC', [DOUBLE, INTEGER], [12345.678, 2])).toBe(12345.67);
    expect(call('TRUNC', [DOUBLE, INTEGER], [-12345.678, -1])).toBe(-12340.0);
    expect(call('TRUNC', [DOUBLE, INTEGER], [1.7, -1])).toBe(0);
    expect(call('TRUNC', [BIGINT], [2147483648])).toBe(2147483648);
    expect(call('TRUNC', [INTEGER], [null])).toBeNull();
  });

  it('DECIMAL', () => {
    expect((call('TRUNC', [decType(8, 3)], [dec('-12345.678')]) as Decimal).toString()).toBe('-12345');
    expect((call('TRUNC', [decType(8, 3), INTEGER], [dec('12345.678'), 1]) as Decimal).toString()).toBe('12345.600');
    expect((call('TRUNC', [decType(8, 3), INTEGER], [dec('12345.678'), -2]) as Decimal).toString()).toBe('12300.000');
  });
});

describe('GREATEST / LEAST (greatest.json, least.json)', () => {
  const ints: SqlType[] = [INTEGER, INTEGER, INTEGER, null as unknown as SqlType, INTEGER];
  it('skips NULLs', () => {
    expect(call('GREATEST', ints, [2147483647, -2147483648, null, null, 5])).toBe(2147483647);
    expect(call('LEAST', ints, [2147483647, -2147483648, null, null, 5])).toBe(-2147483648);
    expect(call('GREATEST', [STRING, STRING, STRING], [null, null, null])).toBeNull();
  });

  it('compares strings, bytes (signed) and dates', () => {
    const t = [STRING, STRING, STRING, STRING, null, null, STRING];
    expect(call('GREATEST', t as SqlType[], ['apple', 'banana', 'aardvark', null, null, null, 'hello'])).toBe('hello');
    expect(call('GREATEST', t as SqlType[], ['!', 'zebra', 'aardvark', null, null, null, 'hello'])).toBe('zebra');
    expect(call('LEAST', t as SqlType[], ['!', 'zebra', 'aardvark', null, null, null, 'hello'])).toBe('!');
    expect(call('GREATEST', [BYTES, BYTES], [Buffer.from([0x7f]), Buffer.from([0x80])])).toEqual(Buffer.from([0x7f]));
    expect(call('GREATEST', [DATE, DATE], [19071, 18824])).toBe(19071);
  });

  it('DOUBLE and DECIMAL', () => {
    expect(call('GREATEST', [DOUBLE, DOUBLE, DOUBLE], [50000.555, -99999.555, null])).toBe(50000.555);
    expect((call('GREATEST', [decType(9, 2), decType(7, 6)], [dec('1234567.89'), dec('0.123456')]) as Decimal).toString()).toBe('1234567.89');
    expect((call('LEAST', [decType(9, 3), decType(9, 3)], [dec('123456.789'), dec('-987654.321')]) as Decimal).toString()).toBe('-987654.321');
  });

  it('rejects mixed types', () => {
    expect(errorOf(() => call('LEAST', [STRING, INTEGER], ['a', 1]))).toContain("Function 'least' does not accept parameters (STRING, INTEGER).");
  });
});
