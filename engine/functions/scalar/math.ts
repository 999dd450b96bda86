/**
 * Mathematical functions: ABS, ACOS, ASIN, ATAN, ATAN2, CBRT, CEIL, COS, COSH, COT, DEGREES, EXP,
 * FLOOR, GREATEST, LEAST, LN, LOG, PI, POWER, RADIANS, RANDOM, ROUND, SIGN, SIN, SINH, SQRT, TAN,
 * TANH, TRUNC.
 *
 * Java semantics: INT results wrap at 32 bits; ROUND(DOUBLE) is Math.round (ties toward +∞, NaN
 * → 0); ROUND/TRUNC with decimal places go through BigDecimal.valueOf(double) (HALF_UP for
 * positive values, HALF_DOWN for negative ones, so ROUND(-1.5) is -1 like Math.round); decimal
 * results take their precision and scale from ksqlDB's schema providers (ROUND(DECIMAL(p, s)) is
 * DECIMAL(p - s, 0); ROUND(d, n) keeps d's type; GREATEST/LEAST widen their decimal arguments).
 */
import type { ReturnTypeProvider, ScalarFunction, ScalarOverload } from '../types.js';
import type { SqlType } from '../deps.js';
import { Decimal, SluiceError, decimalType } from '../deps.js';
import {
  ANY_DECIMAL,
  BIGINT,
  BYTES,
  CONFLUENT,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  overload,
  primitive,
  scalar,
} from './define.js';
import { compareBytesSigned } from '../java/text.js';
import { compareDoubles } from '../java/values.js';
import { javaLog } from '../java/math.js';

const CATEGORY = 'MATHEMATICAL';

/** DecimalUtil.toSqlDecimal: INT → DECIMAL(10, 0), BIGINT → DECIMAL(19, 0). */
export function toSqlDecimal(type: SqlType): Extract<SqlType, { kind: 'DECIMAL' }> {
  switch (type.kind) {
    case 'DECIMAL':
      return type;
    case 'INTEGER':
      return { kind: 'DECIMAL', precision: 10, scale: 0 };
    case 'BIGINT':
      return { kind: 'DECIMAL', precision: 19, scale: 0 };
    default:
      throw new SluiceError('SQL_ANALYSIS', `Cannot convert ${type.kind} to DECIMAL.`);
  }
}

/** DecimalUtil.widen: a decimal type wide enough for both. */
export function widenDecimal(a: SqlType, b: SqlType): SqlType {
  const l = toSqlDecimal(a);
  const r = toSqlDecimal(b);
  const whole = Math.max(l.precision - l.scale, r.precision - r.scale);
  const scale = Math.max(l.scale, r.scale);
  return decimalType(whole + scale, scale);
}

function decimalArgument(types: readonly (SqlType | null)[], index: number, fn: string): Extract<SqlType, { kind: 'DECIMAL' }> {
  const t = types[index];
  if (t === null || t === undefined) throw new SluiceError('SQL_ANALYSIS', `The schema provider method for ${fn} expects a BigDecimal parameter type`);
  return toSqlDecimal(t);
}

/** The argument's own decimal type (ABS, CEIL, FLOOR; ROUND/TRUNC with decimal places). */
function sameDecimal(fn: string): ReturnTypeProvider {
  return (types) => decimalArgument(types, 0, fn);
}

/** ROUND/TRUNC(DECIMAL(p, s)) → DECIMAL(p - s, 0). */
function integralDecimal(fn: string): ReturnTypeProvider {
  return (types) => {
    const d = decimalArgument(types, 0, fn);
    return decimalType(Math.max(1, d.precision - d.scale), 0);
  };
}

const widenAll: ReturnTypeProvider = (types) => {
  let result: SqlType | null = null;
  for (const t of types) if (t !== null) result = result === null ? toSqlDecimal(t) : widenDecimal(result, t);
  if (result === null) throw new SluiceError('SQL_ANALYSIS', 'Cannot determine the decimal type of only NULL arguments');
  return result;
};

/** Java (long) cast of a double: truncation, NaN → 0, saturating. */
function doubleToLong(d: number): number {
  if (d !== d) return 0;
  if (d >= 9223372036854775807) return 9223372036854775807;
  if (d <= -9223372036854775808) return -9223372036854775808;
  const t = Math.trunc(d);
  return t === 0 ? 0 : t;
}

/** Java's Math.round(double). */
export function javaRound(d: number): number {
  if (d !== d) return 0;
  const r = Math.round(d);
  if (r >= 9223372036854775807) return 9223372036854775807;
  if (r <= -9223372036854775808) return -9223372036854775808;
  return r === 0 ? 0 : r;
}

/** ksqlDB's roundBigDecimal: HALF_UP above zero, HALF_DOWN otherwise (Math.round-like). */
function roundDecimal(value: Decimal, places: number): Decimal {
  return value.setScale(places, value.signum() > 0 ? 'HALF_UP' : 'HALF_DOWN');
}

/** A DOUBLE function of one number, with INT and BIGINT overloads converting first. */
function unaryDouble(
  name: string,
  description: string,
  op: (x: number) => number,
  docs: { int: string; bigint: string; double: string; param: string; paramName?: string },
): ScalarFunction {
  const impl = (v: number | null): number | null => (v === null ? null : op(v));
  const names = [docs.paramName ?? 'value'];
  return scalar({ name, declaredName: name.toLowerCase(), category: CATEGORY, author: CONFLUENT, description }, [
    overload([INTEGER], DOUBLE, impl, { names, docs: [docs.param], description: docs.int }),
    overload([BIGINT], DOUBLE, impl, { names, docs: [docs.param], description: docs.bigint }),
    overload([DOUBLE], DOUBLE, impl, { names, docs: [docs.param], description: docs.double }),
  ]);
}

function trig(name: string, what: string, op: (x: number) => number, description: string, param: string): ScalarFunction {
  return unaryDouble(name, description, op, {
    int: `Returns the ${what} of an INT value`,
    bigint: `Returns the ${what} of a BIGINT value`,
    double: `Returns the ${what} of a DOUBLE value`,
    param,
  });
}

type Comparator = (a: any, b: any) => number;

/** GREATEST / LEAST overloads: `(T val, T... vals)` for each comparable type. */
function extremum(name: 'GREATEST' | 'LEAST', description: string): ScalarFunction {
  const sign = name === 'GREATEST' ? 1 : -1;
  const pick =
    (compare: Comparator) =>
    (...values: unknown[]): unknown => {
      let best: unknown = null;
      for (const v of values) {
        if (v === null || v === undefined) continue;
        if (best === null || sign * compare(v, best) > 0) best = v;
      }
      return best;
    };
  const numbers: Comparator = compareDoubles;
  const strings: Comparator = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const decimals: Comparator = (a: Decimal, b: Decimal) => a.compare(b);
  const bytes: Comparator = compareBytesSigned;
  const names = ['val', 'vals'];
  const o = (type: SqlType, compare: Comparator): ScalarOverload => overload([type, type], type, pick(compare), { variadic: true, names });
  return scalar({ name, declaredName: name.toLowerCase(), category: CATEGORY, author: CONFLUENT, description }, [
    o(INTEGER, numbers),
    o(BIGINT, numbers),
    o(DOUBLE, numbers),
    o(STRING, strings),
    o(BYTES, bytes),
    o(DATE, numbers),
    o(TIME, numbers),
    o(TIMESTAMP, numbers),
    overload([ANY_DECIMAL, ANY_DECIMAL], widenAll, pick(decimals), { variadic: true, names, declaredReturn: ANY_DECIMAL }),
  ]);
}

const RADIANS_TO_DEGREES = 57.29577951308232;
const DEGREES_TO_RADIANS = 0.017453292519943295;

function ceilFloor(name: 'CEIL' | 'FLOOR', description: string, op: (x: number) => number, mode: 'CEILING' | 'FLOOR'): ScalarFunction {
  return scalar({ name, declaredName: name === 'CEIL' ? 'Ceil' : 'Floor', category: CATEGORY, author: CONFLUENT, description }, [
    overload([INTEGER], INTEGER, (v: number | null) => v, { names: ['val'] }),
    overload([BIGINT], BIGINT, (v: number | null) => v, { names: ['val'] }),
    overload([DOUBLE], DOUBLE, (v: number | null) => (v === null ? null : op(v)), { names: ['val'] }),
    overload(
      [ANY_DECIMAL],
      sameDecimal(name === 'CEIL' ? 'Ceil' : 'Floor'),
      (v: Decimal | null) => (v === null ? null : v.setScale(0, mode).setScale(v.scale, 'UNNECESSARY')),
      { names: ['val'], declaredReturn: ANY_DECIMAL },
    ),
  ]);
}

function roundLike(name: 'ROUND' | 'TRUNC', description: string): ScalarFunction {
  const isRound = name === 'ROUND';
  const declared = isRound ? 'Round' : 'trunc';
  const toLong = isRound ? javaRound : doubleToLong;
  const scaleDecimal = (v: Decimal, places: number): Decimal => (isRound ? roundDecimal(v, places) : v.setScale(places, 'DOWN'));
  const longOverloads = isRound
    ? [
        overload([BIGINT], BIGINT, (v: number | null) => primitive(v, 'Round', 'val'), { names: ['val'] }),
        overload([INTEGER], BIGINT, (v: number | null) => primitive(v, 'Round', 'val'), { names: ['val'] }),
      ]
    : [overload([BIGINT], BIGINT, (v: number | null) => v, { names: ['val'] }), overload([INTEGER], BIGINT, (v: number | null) => v, { names: ['val'] })];
  return scalar({ name, declaredName: declared, category: CATEGORY, author: CONFLUENT, description }, [
    ...longOverloads,
    overload([DOUBLE], BIGINT, (v: number | null) => (v === null ? null : toLong(v)), { names: ['val'] }),
    overload(
      [DOUBLE, INTEGER],
      DOUBLE,
      (v: number | null, places: number | null) => (v === null || places === null ? null : scaleDecimal(Decimal.fromDouble(v), places).toNumber()),
      { names: ['val', 'decimalPlaces'] },
    ),
    overload([ANY_DECIMAL], integralDecimal(declared), (v: Decimal | null) => (v === null ? null : scaleDecimal(v, 0)), {
      names: ['val'],
      declaredReturn: ANY_DECIMAL,
    }),
    overload(
      [ANY_DECIMAL, INTEGER],
      sameDecimal(declared),
      (v: Decimal | null, places: number | null) => (v === null || places === null ? null : scaleDecimal(v, places).setScale(v.scale, 'UNNECESSARY')),
      { names: ['val', 'decimalPlaces'], declaredReturn: ANY_DECIMAL },
    ),
  ]);
}

function signOf(v: number | null): number | null {
  if (v === null) return null;
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

export const mathFunctions: readonly ScalarFunction[] = [
  scalar(
    {
      name: 'ABS',
      declaredName: 'Abs',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Returns the absolute value of its argument. If the argument is not negative, the argument is returned. If the argument is negative, the negation of the argument is returned.',
    },
    [
      overload([INTEGER], INTEGER, (v: number | null) => (v === null ? null : Math.abs(v) | 0), { names: ['val'] }),
      overload([BIGINT], BIGINT, (v: number | null) => (v === null ? null : Math.abs(v)), { names: ['val'] }),
      overload([DOUBLE], DOUBLE, (v: number | null) => (v === null ? null : Math.abs(v)), { names: ['val'] }),
      overload([ANY_DECIMAL], sameDecimal('Abs'), (v: Decimal | null) => (v === null ? null : v.abs()), { names: ['val'], declaredReturn: ANY_DECIMAL }),
    ],
  ),
  trig('ACOS', 'inverse (arc) cosine', Math.acos, 'The inverse (arc) cosine of a value. The returned value is in radians.', 'The value to get the inverse cosine of.'),
  trig('ASIN', 'inverse (arc) sine', Math.asin, 'The inverse (arc) sine of a value. The returned value is in radians.', 'The value to get the inverse sine of.'),
  trig('ATAN', 'inverse (arc) tangent', Math.atan, 'The inverse (arc) tangent of a value. The returned value is in radians.', 'The value to get the inverse tangent of.'),
  scalar(
    {
      name: 'ATAN2',
      declaredName: 'atan2',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'The inverse (arc) tangent of y / x. This is equivalent to the angle theta when Cartesian coordinates (x, y) are converted to polar coordinates (radius, theta). The returned value is in radians.',
    },
    [INTEGER, BIGINT, DOUBLE].map((t) =>
      overload([t, t], DOUBLE, (y: number | null, x: number | null) => (x === null || y === null ? null : Math.atan2(y, x)), {
        names: ['y', 'x'],
        docs: ['The ordinate (y) coordinate.', 'The abscissa (x) coordinate.'],
        description: 'Returns the inverse (arc) tangent of y / x',
      }),
    ),
  ),
  trig('CBRT', 'cube root', Math.cbrt, 'The cube root of a value.', 'The value to get the cube root of.'),
  ceilFloor('CEIL', 'Returns the smallest integer greater than or equal to the specified numeric expression.', Math.ceil, 'CEILING'),
  trig('COS', 'cosine', Math.cos, 'The cosine of a value.', 'The value in radians to get the cosine of.'),
  trig('COSH', 'hyperbolic cosine', Math.cosh, 'The hyperbolic cosine of a value.', 'The value in radians to get the hyperbolic cosine of.'),
  trig('COT', 'cotangent', (x) => 1 / Math.tan(x), 'The cotangent of a value.', 'The value in radians to get the cotangent of.'),
  unaryDouble('DEGREES', 'Converts a value in radians to a value in degrees.', (x) => x * RADIANS_TO_DEGREES, {
    int: 'Converts an INT value in radians to a value in degrees',
    bigint: 'Converts a BIGINT value in radians to a value in degrees',
    double: 'Converts a DOUBLE value in radians to a value in degrees',
    param: 'The value in radians to convert to degrees.',
  }),
  unaryDouble('EXP', 'The exponential of a value.', Math.exp, {
    int: "Returns Euler's number e raised to the power of an INT value.",
    bigint: "Returns Euler's number e raised to the power of a BIGINT value.",
    double: "Returns Euler's number e raised to the power of a DOUBLE value.",
    param: 'the exponent to raise e to.',
    paramName: 'exponent',
  }),
  ceilFloor('FLOOR', 'Returns the largest integer less than or equal to the specified numeric expression.', Math.floor, 'FLOOR'),
  extremum('GREATEST', 'Returns the highest non-null value among a variable number of comparable columns.'),
  extremum('LEAST', 'Returns the lowest non-null value among a variable number of comparable columns'),
  unaryDouble('LN', 'The natural logarithm of a value.', javaLog, {
    int: 'Returns the natural logarithm (base e) of an INT value.',
    bigint: 'Returns the natural logarithm (base e) of a BIGINT value.',
    double: 'Returns the natural logarithm (base e) of a DOUBLE value.',
    param: 'the value get the natual logarithm of.',
  }),
  scalar({ name: 'LOG', declaredName: 'log', category: CATEGORY, author: CONFLUENT, description: 'The logarithm of a value.' }, [
    ...[
      [INTEGER, 'an INT'],
      [BIGINT, 'a BIGINT'],
      [DOUBLE, 'a DOUBLE'],
    ].map(([t, what]) =>
      // ksqlDB's one-argument LOG is the natural logarithm, whatever its description says
      overload([t as SqlType], DOUBLE, (v: number | null) => (v === null ? null : javaLog(v)), {
        names: ['value'],
        docs: ['the value get the base 10 logarithm of.'],
        description: `Returns the base 10 logarithm of ${what as string} value.`,
      }),
    ),
    ...[
      [INTEGER, 'an INT'],
      [BIGINT, 'a BIGINT'],
      [DOUBLE, 'a DOUBLE'],
    ].map(([t, what]) =>
      overload(
        [t as SqlType, t as SqlType],
        DOUBLE,
        (base: number | null, v: number | null) => {
          if (base === null || v === null) return null;
          if (base <= 0 || base === 1) return NaN;
          return javaLog(v) / javaLog(base);
        },
        { names: ['base', 'value'], docs: ['the base of the logarithm.', 'the value get the logarithm of.'], description: `Returns the logarithm with the given base of ${what as string} value.` },
      ),
    ),
  ]),
  scalar({ name: 'PI', declaredName: 'pi', category: CATEGORY, author: CONFLUENT, description: 'Returns an approximate value of pi.' }, [
    overload([], DOUBLE, () => Math.PI, { description: 'Returns an approximate value of pi' }),
  ]),
  scalar(
    { name: 'POWER', declaredName: 'power', category: CATEGORY, author: CONFLUENT, description: 'Given a base and an exponent, returns the result of the base raised to the exponent.' },
    [
      [INTEGER, 'INT'],
      [BIGINT, 'BIGINT'],
      [DOUBLE, 'DOUBLE'],
    ].map(([t, what]) =>
      overload([t as SqlType, t as SqlType], DOUBLE, (base: number | null, exponent: number | null) => (base === null || exponent === null ? null : Math.pow(base, exponent)), {
        names: ['base', 'exponent'],
        docs: ['the base of the power.', 'the exponent of the power.'],
        description: `Returns the ${what as string} base raised to the ${what as string} exponent.`,
      }),
    ),
  ),
  unaryDouble('RADIANS', 'Converts a value in degrees to a value in radians.', (x) => x * DEGREES_TO_RADIANS, {
    int: 'Converts an INT value in degrees to a value in radians',
    bigint: 'Converts a BIGINT value in degrees to a value in radians',
    double: 'Converts a DOUBLE value in degrees to a value in radians',
    param: 'The value in degrees to convert to radians.',
  }),
  scalar({ name: 'RANDOM', declaredName: 'random', category: CATEGORY, description: 'Returns a random number greater than or equal to 0.0 and less than 1.0.' }, [
    overload([], DOUBLE, () => Math.random()),
  ]),
  roundLike(
    'ROUND',
    'Round a value to the number of decimal places as specified by scale to the right of the decimal point. If scale is negative then value is rounded to the right of the decimal point. Numbers equidistant to the nearest value are rounded up (in the positive direction). If the number of decimal places is not provided it defaults to zero.',
  ),
  scalar({ name: 'SIGN', declaredName: 'sign', category: CATEGORY, author: CONFLUENT, description: 'The sign of a value.' }, [
    overload([INTEGER], INTEGER, signOf, { names: ['value'], docs: ['The value to get the sign of.'], description: 'Returns the sign of an INT value, denoted by 1, 0 or -1.' }),
    overload([BIGINT], INTEGER, signOf, { names: ['value'], docs: ['The value to get the sign of.'], description: 'Returns the sign of an BIGINT value, denoted by 1, 0 or -1.' }),
    overload([DOUBLE], INTEGER, signOf, { names: ['value'], docs: ['The value to get the sign of.'], description: 'Returns the sign of an DOUBLE value, denoted by 1, 0 or -1.' }),
  ]),
  trig('SIN', 'sine', Math.sin, 'The sine of a value.', 'The value in radians to get the sine of.'),
  trig('SINH', 'hyperbolic sine', Math.sinh, 'The hyperbolic sine of a value.', 'The value in radians to get the hyperbolic sine of.'),
  unaryDouble('SQRT', 'The square root of a value.', Math.sqrt, {
    int: 'Returns the correctly rounded positive square root of a DOUBLE value',
    bigint: 'Returns the correctly rounded positive square root of a DOUBLE value',
    double: 'Returns the correctly rounded positive square root of a DOUBLE value',
    param: 'The value to get the square root of.',
  }),
  trig('TAN', 'tangent', Math.tan, 'The tangent of a value.', 'The value in radians to get the tangent of.'),
  trig('TANH', 'hyperbolic tangent', Math.tanh, 'The hyperbolic tangent of a value.', 'The value in radians to get the hyperbolic tangent of.'),
  roundLike(
    'TRUNC',
    'Truncates a value to the number of decimal places as specified by scale to the right of the decimal point. If scale is negative then value is truncated to the right of the decimal point.',
  ),
];
