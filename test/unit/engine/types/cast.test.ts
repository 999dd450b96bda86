import { describe, expect, it } from 'vitest';
import {
  ARRAY_OF_INT,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  Decimal,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  arithmeticResultType,
  arrayType,
  canImplicitlyCast,
  canImplicitlyCastKind,
  castValue,
  commonType,
  compileCast,
  decimalBinaryOp,
  decimalNegate,
  decimalType,
  decimalTypeOfValue,
  ensureDecimalFit,
  isCastSupported,
  isSluiceError,
  mapType,
  numericTypeOfString,
  parseJavaDouble,
  structType,
  widenDecimal,
  type SqlType,
} from './fixtures.js';

const D = Decimal.fromString;
const cast = (v: unknown, from: SqlType, to: SqlType): unknown => castValue(v, from, to);
const str = (v: unknown): string => (v as Decimal).toString();

function throwsEval(fn: () => unknown, message: RegExp | string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isSluiceError(caught, 'ENGINE_EVALUATION'), String(caught)).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('CAST to numbers', () => {
  it('STRING → INT/BIGINT: trimmed Java parse, errors as NumberFormatException', () => {
    expect(cast('123', STRING, INTEGER)).toBe(123);
    expect(cast(' -42 ', STRING, INTEGER)).toBe(-42);
    expect(cast('+7', STRING, INTEGER)).toBe(7);
    throwsEval(() => cast('abc', STRING, INTEGER), 'For input string: "abc"');
    throwsEval(() => cast('1.5', STRING, INTEGER), 'For input string: "1.5"');
    throwsEval(() => cast('2147483648', STRING, INTEGER), 'For input string');
    expect(cast('9007199254740991', STRING, BIGINT)).toBe(9007199254740991);
    throwsEval(() => cast('9223372036854775808', STRING, BIGINT), 'For input string');
  });

  it('DOUBLE → INT/BIGINT truncates and saturates like Java', () => {
    expect(cast(1.9, DOUBLE, INTEGER)).toBe(1);
    expect(cast(-1.9, DOUBLE, INTEGER)).toBe(-1);
    expect(cast(NaN, DOUBLE, INTEGER)).toBe(0);
    expect(cast(1e10, DOUBLE, INTEGER)).toBe(2147483647);
    expect(cast(-1e10, DOUBLE, INTEGER)).toBe(-2147483648);
    expect(cast(1e10 + 0.5, DOUBLE, BIGINT)).toBe(1e10);
    expect(cast(1e30, DOUBLE, BIGINT)).toBe(9223372036854775807);
  });

  it('BIGINT → INT keeps the low 32 bits', () => {
    expect(cast(4294967297, BIGINT, INTEGER)).toBe(1);
    expect(cast(2147483648, BIGINT, INTEGER)).toBe(-2147483648);
    expect(cast(5, INTEGER, BIGINT)).toBe(5);
    expect(cast(5, INTEGER, DOUBLE)).toBe(5);
  });

  it('DECIMAL → INT/BIGINT/DOUBLE', () => {
    expect(cast(D('12.99'), decimalType(4, 2), INTEGER)).toBe(12);
    expect(cast(D('-12.99'), decimalType(4, 2), BIGINT)).toBe(-12);
    expect(cast(D('1.25'), decimalType(3, 2), DOUBLE)).toBe(1.25);
  });

  it('STRING → DOUBLE rejects NaN and infinities', () => {
    expect(cast('1.5', STRING, DOUBLE)).toBe(1.5);
    expect(cast(' 1e3 ', STRING, DOUBLE)).toBe(1000);
    expect(cast('1.5f', STRING, DOUBLE)).toBe(1.5);
    throwsEval(() => cast('NaN', STRING, DOUBLE), 'Invalid double value: NaN');
    throwsEval(() => cast('1e400', STRING, DOUBLE), 'Invalid double value');
    throwsEval(() => cast('abc', STRING, DOUBLE), 'For input string: "abc"');
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
    expect(parseJavaDouble('0x1p3')).toBe(8);
  });
});

describe('CAST to DECIMAL', () => {
  it('from INT: overflow checked, scale set', () => {
    expect(str(cast(5, INTEGER, decimalType(3, 1)))).toBe('5.0');
    throwsEval(
      () => cast(100, INTEGER, decimalType(3, 1)),
      'Numeric field overflow: A field with precision 3 and scale 1 must round to an absolute value less than 10^2. Got 100',
    );
  });
  it('from DOUBLE: new BigDecimal(d, MathContext(p)) then HALF_UP', () => {
    expect(str(cast(1.005, DOUBLE, decimalType(4, 2)))).toBe('1.01');
    expect(str(cast(2.675, DOUBLE, decimalType(3, 2)))).toBe('2.67');
    expect(str(cast(0.1, DOUBLE, decimalType(2, 1)))).toBe('0.1');
    expect(str(cast(-1.5, DOUBLE, decimalType(2, 0)))).toBe('-2');
    throwsEval(() => cast(100.0, DOUBLE, decimalType(4, 2)), 'Numeric field overflow');
  });
  it('from STRING: trimmed, HALF_UP', () => {
    expect(str(cast('1.234', STRING, decimalType(4, 2)))).toBe('1.23');
    expect(str(cast('1.235', STRING, decimalType(4, 2)))).toBe('1.24');
    expect(str(cast(' 1.5 ', STRING, decimalType(4, 2)))).toBe('1.50');
    throwsEval(() => cast('abc', STRING, decimalType(4, 2)), 'neither a decimal digit');
  });
  it('from DECIMAL', () => {
    expect(str(cast(D('1.255'), decimalType(4, 3), decimalType(3, 2)))).toBe('1.26');
    expect(str(cast(D('1.2'), decimalType(2, 1), decimalType(5, 3)))).toBe('1.200');
    throwsEval(() => cast(D('123.4'), decimalType(4, 1), decimalType(3, 1)), 'Numeric field overflow');
  });
  it('ensureDecimalFit (serde reads) never rounds', () => {
    expect(ensureDecimalFit(D('12'), 6, 4).toString()).toBe('12.0000');
    expect(() => ensureDecimalFit(D('1.234'), 4, 2)).toThrow("Cannot fit decimal '1.234' into DECIMAL(4, 2) without rounding. (Requires 4,3)");
  });
});

describe('CAST between strings, booleans and times', () => {
  it('STRING → BOOLEAN: prefixes of true/yes are true, anything else false', () => {
    for (const t of ['true', 'TRUE', 't', 'tr', 'yes', 'Y', ' true ']) expect(cast(t, STRING, BOOLEAN), t).toBe(true);
    for (const f of ['false', 'no', 'x', '', 'truex', 'yess']) expect(cast(f, STRING, BOOLEAN), f).toBe(false);
  });
  it('to STRING', () => {
    expect(cast(true, BOOLEAN, STRING)).toBe('true');
    expect(cast(1e7, DOUBLE, STRING)).toBe('1.0E7');
    expect(cast(D('1.50'), decimalType(3, 2), STRING)).toBe('1.50');
    expect(cast(18628, DATE, STRING)).toBe('2021-01-01');
    expect(cast(3_723_456, TIME, STRING)).toBe('01:02:03');
    expect(cast(1_609_459_200_123, TIMESTAMP, STRING)).toBe('2021-01-01T00:00:00.123');
    expect(cast([1, 2], ARRAY_OF_INT, STRING)).toBe('[1, 2]');
    expect(cast(new Map([['a', 1]]), mapType(STRING, INTEGER), STRING)).toBe('{a=1}');
    expect(cast({ A: 'bar' }, structType([{ name: 'A', type: STRING }]), STRING)).toBe('Struct{A=bar}');
  });
  it('STRING → DATE/TIME/TIMESTAMP with partials', () => {
    expect(cast('2021-01-01', STRING, DATE)).toBe(18628);
    expect(cast('2021-01', STRING, DATE)).toBe(18628);
    expect(cast('2021', STRING, DATE)).toBe(18628);
    throwsEval(() => cast('2021-02-30', STRING, DATE), "Failed to parse date '2021-02-30'");
    expect(cast('01:02:03.456', STRING, TIME)).toBe(3_723_456);
    expect(cast('01:02', STRING, TIME)).toBe(3_720_000);
    throwsEval(() => cast('25:00', STRING, TIME), "Failed to parse time '25:00'");
    expect(cast('2021-01-01T00:00:00.000', STRING, TIMESTAMP)).toBe(1_609_459_200_000);
    expect(cast('2021-01-01', STRING, TIMESTAMP)).toBe(1_609_459_200_000);
    expect(cast('2021-01-01T00:00', STRING, TIMESTAMP)).toBe(1_609_459_200_000);
    expect(cast('2021-01-01T01:00:00.000+0100', STRING, TIMESTAMP)).toBe(1_609_459_200_000);
    expect(cast('2020-12-31T19:00:00.000-05:00', STRING, TIMESTAMP)).toBe(1_609_459_200_000);
    expect(cast('2021-01-01T00:00:00Z', STRING, TIMESTAMP)).toBe(1_609_459_200_000);
    throwsEval(() => cast('abc', STRING, TIMESTAMP), "Failed to parse timestamp 'abc'");
  });
  it('TIMESTAMP ⇄ DATE/TIME', () => {
    expect(cast(1_609_459_200_123, TIMESTAMP, DATE)).toBe(18628);
    expect(cast(1_609_459_200_123, TIMESTAMP, TIME)).toBe(123);
    expect(cast(-1, TIMESTAMP, DATE)).toBe(-1);
    expect(cast(-1, TIMESTAMP, TIME)).toBe(86_399_999);
    expect(cast(18628, DATE, TIMESTAMP)).toBe(1_609_459_200_000);
  });
  it('STRING → BYTES is strict base64', () => {
    expect((cast('aGVsbG8=', STRING, BYTES) as Buffer).toString()).toBe('hello');
    throwsEval(() => cast('not base64!', STRING, BYTES), 'base64');
  });
});

describe('CAST of structured types', () => {
  it('element-wise', () => {
    expect(cast([1, null], ARRAY_OF_INT, arrayType(STRING))).toEqual(['1', null]);
    expect(cast(new Map([['a', 1]]), mapType(STRING, INTEGER), mapType(STRING, DOUBLE))).toEqual(new Map([['a', 1]]));
    const from = structType([
      { name: 'A', type: INTEGER },
      { name: 'B', type: STRING },
    ]);
    const to = structType([
      { name: 'A', type: STRING },
      { name: 'C', type: INTEGER },
    ]);
    expect(cast({ A: 1, B: 'x' }, from, to)).toEqual({ A: '1', C: null });
  });
  it('unsupported casts are analysis errors with ksqlDB wording', () => {
    expect(isCastSupported(BOOLEAN, INTEGER)).toBe(false);
    expect(isCastSupported(ARRAY_OF_INT, arrayType(BOOLEAN))).toBe(false);
    expect(isCastSupported(TIME, TIMESTAMP)).toBe(false);
    expect(isCastSupported(BYTES, STRING)).toBe(false);
    expect(isCastSupported(DATE, TIMESTAMP)).toBe(true);
    let caught: unknown;
    try {
      compileCast(ARRAY_OF_INT, INTEGER);
    } catch (e) {
      caught = e;
    }
    expect(isSluiceError(caught, 'SQL_ANALYSIS')).toBe(true);
    expect((caught as Error).message).toBe('Cast of ARRAY<INTEGER> to INTEGER is not supported');
  });
  it('null casts to null, a NULL literal to anything', () => {
    expect(cast(null, STRING, INTEGER)).toBeNull();
    expect(compileCast(null, INTEGER)(null)).toBeNull();
    const same = compileCast(decimalType(4, 2), decimalType(4, 2));
    const d = D('1.00');
    expect(same(d)).toBe(d);
  });
});

describe('implicit coercion', () => {
  it('base kinds widen INT → BIGINT → DECIMAL → DOUBLE; STRING → time/bytes', () => {
    expect(canImplicitlyCastKind('INTEGER', 'DOUBLE')).toBe(true);
    expect(canImplicitlyCastKind('DECIMAL', 'BIGINT')).toBe(false);
    expect(canImplicitlyCastKind('STRING', 'TIMESTAMP')).toBe(true);
    expect(canImplicitlyCastKind('STRING', 'BYTES')).toBe(true);
    expect(canImplicitlyCastKind('STRING', 'INTEGER')).toBe(false);
    expect(canImplicitlyCast(decimalType(4, 2), decimalType(5, 3))).toBe(true);
    expect(canImplicitlyCast(decimalType(4, 2), decimalType(4, 3))).toBe(false);
    expect(canImplicitlyCast(INTEGER, decimalType(12, 2))).toBe(true);
    expect(canImplicitlyCast(INTEGER, decimalType(5, 0))).toBe(false);
    expect(canImplicitlyCast(arrayType(INTEGER), arrayType(BIGINT))).toBe(true);
  });

  it('widenDecimal and decimalTypeOfValue', () => {
    expect(widenDecimal(INTEGER, decimalType(4, 2))).toEqual(decimalType(12, 2));
    expect(widenDecimal(BIGINT, decimalType(4, 2))).toEqual(decimalType(21, 2));
    expect(decimalTypeOfValue(D('0.005'))).toEqual(decimalType(4, 3));
    expect(decimalTypeOfValue(D('12.5'))).toEqual(decimalType(3, 1));
    expect(decimalTypeOfValue(D('1E+2'))).toEqual(decimalType(3, 0));
    expect(numericTypeOfString('12')).toEqual(INTEGER);
    expect(numericTypeOfString('3000000000')).toEqual(BIGINT);
    expect(numericTypeOfString('1.50')).toEqual(decimalType(3, 2));
    expect(numericTypeOfString('x')).toBeNull();
  });

  it('commonType resolves lists as ksqlDB does', () => {
    expect(commonType([{ type: INTEGER }, { type: BIGINT }])).toEqual(BIGINT);
    expect(commonType([{ type: INTEGER }, { type: null }, { type: decimalType(4, 2) }])).toEqual(decimalType(12, 2));
    expect(commonType([{ type: INTEGER }, { type: DOUBLE }])).toEqual(DOUBLE);
    expect(commonType([{ type: null }, { type: null }])).toBeNull();
    expect(commonType([])).toBeNull();
    expect(commonType([{ type: arrayType(INTEGER) }, { type: arrayType(BIGINT) }])).toEqual(arrayType(BIGINT));
    expect(commonType([{ type: INTEGER }, { type: STRING, literal: true, stringLiteral: '1.5' }])).toEqual(decimalType(11, 1));
    expect(commonType([{ type: DOUBLE }, { type: STRING, literal: true, stringLiteral: '2' }])).toEqual(DOUBLE);
    expect(commonType([{ type: BOOLEAN }, { type: STRING, literal: true, stringLiteral: 'yes' }])).toEqual(BOOLEAN);
    expect(commonType([{ type: STRING }, { type: INTEGER, literal: true }])).toEqual(STRING);
    expect(() => commonType([{ type: INTEGER }, { type: STRING, literal: true, stringLiteral: 'abc' }])).toThrow(
      'invalid input syntax for type INTEGER: "abc".',
    );
    expect(() => commonType([{ type: STRING }, { type: INTEGER }], () => 'X')).toThrow(
      'operator does not exist: STRING = INTEGER (X)\nHint: You might need to add explicit type casts.',
    );
  });
});

describe('arithmetic', () => {
  it('result types', () => {
    expect(arithmeticResultType('+', INTEGER, BIGINT)).toEqual(BIGINT);
    expect(arithmeticResultType('*', DOUBLE, INTEGER)).toEqual(DOUBLE);
    expect(arithmeticResultType('+', STRING, STRING)).toEqual(STRING);
    expect(arithmeticResultType('+', decimalType(4, 2), INTEGER)).toEqual(decimalType(13, 2));
    expect(arithmeticResultType('-', decimalType(4, 2), decimalType(3, 1))).toEqual(decimalType(5, 2));
    expect(arithmeticResultType('*', decimalType(4, 2), decimalType(3, 1))).toEqual(decimalType(8, 3));
    expect(arithmeticResultType('/', decimalType(4, 2), decimalType(3, 1))).toEqual(decimalType(9, 6));
    expect(arithmeticResultType('%', decimalType(4, 2), decimalType(3, 1))).toEqual(decimalType(4, 2));
    expect(arithmeticResultType('+', decimalType(4, 2), DOUBLE)).toEqual(DOUBLE);
    expect(() => arithmeticResultType('+', BOOLEAN, INTEGER)).toThrow('Unsupported arithmetic types. BOOLEAN INTEGER');
    expect(() => arithmeticResultType('-', STRING, STRING)).toThrow('Unsupported arithmetic types. STRING STRING');
  });

  it('decimalBinaryOp evaluates with MathContext(precision, UNNECESSARY) then setScale', () => {
    const t = (op: '+' | '-' | '*' | '/' | '%', a: string, b: string, at: SqlType, bt: SqlType): string => {
      const rt = arithmeticResultType(op, at, bt) as { precision: number; scale: number };
      return decimalBinaryOp(op, D(a), D(b), rt).toString();
    };
    expect(t('+', '10.00', '0.5', decimalType(4, 2), decimalType(2, 1))).toBe('10.50');
    expect(t('-', '1.00', '2.5', decimalType(3, 2), decimalType(2, 1))).toBe('-1.50');
    expect(t('*', '1.5', '1.5', decimalType(2, 1), decimalType(2, 1))).toBe('2.25');
    expect(t('/', '1', '4', decimalType(1, 0), decimalType(1, 0))).toBe('0.250000');
    expect(t('/', '10.0', '4', decimalType(3, 1), decimalType(1, 0))).toBe('2.500000');
    expect(t('%', '7.5', '2', decimalType(2, 1), decimalType(1, 0))).toBe('1.5');
    throwsEval(() => t('/', '1', '3', decimalType(1, 0), decimalType(1, 0)), 'Rounding necessary');
    throwsEval(() => t('/', '1', '0', decimalType(1, 0), decimalType(1, 0)), 'Division by zero');
    throwsEval(() => t('/', '0', '0', decimalType(1, 0), decimalType(1, 0)), 'Division undefined');
    expect(decimalNegate(D('1.50'), 3).toString()).toBe('-1.50');
  });
});
