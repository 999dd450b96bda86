import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ARRAY_OF_INT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  Decimal,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  castToStringValue,
  decimalType,
  decodeBase64Strict,
  javaDoubleToString,
  javaLongToString,
  javaToString,
  mapType,
  structType,
} from './fixtures.js';

describe("javaDoubleToString (Double.toString of ksqlDB's JDK 8-18: FloatingDecimal)", () => {
  const cases: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [-1, '-1.0'],
    [100, '100.0'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [0.5, '0.5'],
    [0.3, '0.3'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'],
    [2 / 3, '0.6666666666666666'],
    [123.456, '123.456'],
    [12345.678, '12345.678'],
    [9999999, '9999999.0'],
    [9999999.5, '9999999.5'],
    [1e7, '1.0E7'],
    [-1e7, '-1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1e10, '1.0E10'],
    [123456789012, '1.23456789012E11'],
    [1e21, '1.0E21'],
    // FloatingDecimal is not always the shortest form (JDK-4511638, fixed only in Java 19)
    [1e23, '9.999999999999999E22'],
    [2e23, '1.9999999999999998E23'],
    [8.41e21, '8.409999999999999E21'],
    [2.82879384806159e17, '2.82879384806159008E17'],
    [2 ** 62, '4.6116860184273879E18'], // average-udaf.json: AVG of a BIGINT sum 2^63
    [3.0744573456182584e18, '3.0744573456182584E18'],
    [2 ** 63, '9.223372036854776E18'],
    [0.001, '0.001'],
    [0.002, '0.002'],
    [0.0015, '0.0015'],
    [0.000999, '9.99E-4'],
    [0.0001, '1.0E-4'],
    [1e-5, '1.0E-5'],
    [1.2345678e-5, '1.2345678E-5'],
    [3e-5, '3.0E-5'],
    [1e-7, '1.0E-7'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [2.2250738585072014e-308, '2.2250738585072014E-308'],
    [5e-324, '4.9E-324'],
    [1e-323, '1.0E-323'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [654.321, '654.321'],
    [1234.589, '1234.589'],
    [9876.54321, '9876.54321'],
  ];
  it.each(cases)('%s → %s', (d, s) => {
    expect(javaDoubleToString(d)).toBe(s);
  });

  it('always round-trips and always has a point', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = javaDoubleToString(d);
        expect(Object.is(Number(s), d)).toBe(true);
        expect(s).toMatch(/^-?\d+\.\d+(E-?\d+)?$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('uses scientific notation exactly outside [1e-3, 1e7)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (d) => {
        const s = javaDoubleToString(d);
        expect(s.includes('E')).toBe(!(d >= 1e-3 && d < 1e7));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('javaLongToString', () => {
  it('prints integers, big ones without exponent', () => {
    expect(javaLongToString(0)).toBe('0');
    expect(javaLongToString(-42)).toBe('-42');
    expect(javaLongToString(2 ** 63)).toBe('9223372036854775808');
    expect(javaLongToString(1e21)).toBe('1000000000000000000000');
  });
});

describe('castToStringValue (CAST(x AS STRING))', () => {
  it('primitives', () => {
    expect(castToStringValue(true, BOOLEAN)).toBe('true');
    expect(castToStringValue(12, INTEGER)).toBe('12');
    expect(castToStringValue(1e7, DOUBLE)).toBe('1.0E7');
    expect(castToStringValue(Decimal.fromString('1.50'), decimalType(3, 2))).toBe('1.50');
    expect(castToStringValue(Decimal.fromString('0.00000001'), decimalType(9, 8))).toBe('0.00000001');
    expect(castToStringValue(null, STRING)).toBeNull();
  });
  it('dates and times as ksqlDB prints them', () => {
    expect(castToStringValue(0, DATE)).toBe('1970-01-01');
    expect(castToStringValue(18628, DATE)).toBe('2021-01-01');
    expect(castToStringValue(-1, DATE)).toBe('1969-12-31');
    // LocalTime.ofSecondOfDay(...).toString(): HH:mm when seconds are 0, ms dropped
    expect(castToStringValue(0, TIME)).toBe('00:00');
    expect(castToStringValue(3_723_000, TIME)).toBe('01:02:03');
    expect(castToStringValue(3_720_999, TIME)).toBe('01:02');
    expect(castToStringValue(0, TIMESTAMP)).toBe('1970-01-01T00:00:00.000');
    expect(castToStringValue(1_609_459_200_123, TIMESTAMP)).toBe('2021-01-01T00:00:00.123');
    expect(castToStringValue(-1, TIMESTAMP)).toBe('1969-12-31T23:59:59.999');
  });
  it('bytes as base64', () => {
    expect(castToStringValue(Buffer.from('hello'), BYTES)).toBe('aGVsbG8=');
  });
  it('collections as Java toString', () => {
    expect(castToStringValue([1, 2, null], ARRAY_OF_INT)).toBe('[1, 2, null]');
    expect(castToStringValue([1.0, 1e7], arrayType(DOUBLE))).toBe('[1.0, 1.0E7]');
    expect(castToStringValue(new Map([['a', 1], ['b', null]]), mapType(STRING, INTEGER))).toBe('{a=1, b=null}');
    const st = structType([
      { name: 'A', type: STRING },
      { name: 'B', type: INTEGER },
      { name: 'C', type: arrayType(STRING) },
    ]);
    expect(castToStringValue({ A: 'bar', B: null, C: ['x'] }, st)).toBe('Struct{A=bar,C=[x]}');
    expect(castToStringValue({ A: null, B: null, C: null }, st)).toBe('Struct{}');
  });
  it('values inside collections use the java.sql / BigDecimal.toString forms', () => {
    expect(javaToString([0], arrayType(DATE))).toBe('[1970-01-01]');
    expect(javaToString([3_723_000], arrayType(TIME))).toBe('[01:02:03]');
    expect(javaToString([1_500], arrayType(TIMESTAMP))).toBe('[1970-01-01 00:00:01.5]');
    expect(javaToString([Decimal.fromString('0.00000001')], arrayType(decimalType(9, 8)))).toBe('[1E-8]');
  });
});

describe('decodeBase64Strict (Java Base64 decoder)', () => {
  it('accepts padded and unpadded, rejects junk', () => {
    expect(decodeBase64Strict('aGVsbG8=')!.toString()).toBe('hello');
    expect(decodeBase64Strict('aGVsbG8')!.toString()).toBe('hello');
    expect(decodeBase64Strict('')!.length).toBe(0);
    expect(decodeBase64Strict('aGV sbG8=')).toBeNull();
    expect(decodeBase64Strict('a')).toBeNull();
    expect(decodeBase64Strict('a-_b')).toBeNull();
    expect(decodeBase64Strict('aGVsbG8==')).toBeNull();
  });
});
