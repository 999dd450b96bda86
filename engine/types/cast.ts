/**
 * Casts and coercions, as ksqlDB does them.
 *
 * Explicit CAST (ksqlDB's CastEvaluator): `isCastSupported(from, to)` says whether
 * `CAST(x AS to)` compiles; `compileCast(from, to)` returns a null-safe `(value) => value` built once
 * per expression. Failures at run time (`CAST('abc' AS INT)`, decimal overflow) throw
 * ENGINE_EVALUATION with Java's wording; the expression evaluator turns that into a null plus a
 * processing-log entry, as ksqlDB does.
 *
 * Implicit coercion for the analyzer (ksqlDB's SqlBaseType / DefaultSqlValueCoercer / CoercionUtil /
 * Operator / SqlDecimal): numeric widening INT → BIGINT → DECIMAL → DOUBLE, STRING → DATE/TIME/
 * TIMESTAMP/BYTES; `coerceType` (the common type of two types, STRICT for expressions, LAX for
 * literals), `commonType` for CASE/COALESCE/IN/ARRAY[...] element lists, `arithmeticResultType` with
 * ksqlDB's DECIMAL precision/scale rules, and `decimalBinaryOp` to evaluate DECIMAL arithmetic
 * exactly as ksqlDB's generated code does (MathContext(precision, UNNECESSARY) then setScale).
 */

import { SluiceError } from '../../common/index.js';
import { Decimal, pow10 } from './decimal.js';
import { castToStringValue, decodeBase64Strict, javaToString } from './java-format.js';
import {
  BIGINT,
  DOUBLE,
  INTEGER,
  STRING,
  decimalType,
  formatSqlType,
  sqlTypesEqual,
  structType,
  arrayType,
  mapType,
  type SqlType,
  type SqlTypeKind,
  type StructField,
} from './sql-type.js';
import { dateToTimestamp, parseDate, parseTime, parseTimestamp, timestampToDate, timestampToTime } from './time.js';

export type CastFunction = (value: any) => any;

type DecimalType = Extract<SqlType, { kind: 'DECIMAL' }>;

function evalError(message: string, extra: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('ENGINE_EVALUATION', message, extra);
}

// ---------------------------------------------------------------------------------------------
// Java number parsing
// ---------------------------------------------------------------------------------------------

const INT_TEXT = /^[+-]?\d+$/;

function numberFormat(text: string): SluiceError {
  return evalError(`For input string: "${text}"`, { expected: 'a number', found: text });
}

/** Java's `Integer.parseInt` (no trimming). Throws ENGINE_EVALUATION `For input string: "x"`. */
export function parseJavaInt(text: string): number {
  if (!INT_TEXT.test(text)) throw numberFormat(text);
  const n = Number(text);
  if (n < -2147483648 || n > 2147483647) throw numberFormat(text);
  return n;
}

const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

/** Java's `Long.parseLong` (no trimming), as a JS number (exact up to 2^53). */
export function parseJavaLong(text: string): number {
  if (!INT_TEXT.test(text)) throw numberFormat(text);
  if (text.length < 16) return Number(text);
  const b = BigInt(text);
  if (b < LONG_MIN || b > LONG_MAX) throw numberFormat(text);
  return Number(b);
}

const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const HEX_DOUBLE_TEXT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;

/** Java's `Double.parseDouble` (it trims spaces and control characters itself). */
export function parseJavaDouble(text: string): number {
  const t = javaTrim(text);
  if (DOUBLE_TEXT.test(t)) {
    const last = t.charCodeAt(t.length - 1);
    // strip a Java type suffix (f, F, d, D)
    const body = last === 102 || last === 70 || last === 100 || last === 68 ? t.slice(0, -1) : t;
    if (body.endsWith('NaN')) return NaN;
    return Number(body); // handles "Infinity", "-Infinity", "1.", ".5", "1e5"
  }
  const h = HEX_DOUBLE_TEXT.exec(t);
  if (h !== null && (h[2]!.length > 0 || (h[3] ?? '').length > 0)) {
    const intDigits = h[2]!;
    const fracDigits = h[3] ?? '';
    const mant = parseInt(intDigits + fracDigits || '0', 16);
    const v = mant * Math.pow(2, Number(h[4]) - 4 * fracDigits.length);
    return h[1] === '-' ? -v : v;
  }
  throw evalError(t.length === 0 ? 'empty String' : `For input string: "${t}"`, { expected: 'a number', found: text });
}

/** ksqlDB's SqlDoubles.parseDouble: Java's parse, rejecting NaN and infinities. */
export function parseSqlDouble(text: string): number {
  const d = parseJavaDouble(text);
  if (!Number.isFinite(d)) throw evalError(`Invalid double value: ${text}`, { expected: 'a finite double', found: text });
  return d;
}

/** ksqlDB's SqlBooleans.parseBoolean: true for any case-insensitive prefix of `true` or `yes`. */
export function parseSqlBoolean(text: string): boolean {
  return booleanStringMatches(text, true);
}

/** ksqlDB's SqlBooleans.parseBooleanExact: true/false for prefixes of true/yes and false/no, else null. */
export function parseSqlBooleanExact(text: string): boolean | null {
  if (booleanStringMatches(text, true)) return true;
  if (booleanStringMatches(text, false)) return false;
  return null;
}

function booleanStringMatches(str: string, required: boolean): boolean {
  if (str.length === 0) return false;
  const lower = str.toLowerCase();
  const tf = required ? 'true' : 'false';
  const yn = required ? 'yes' : 'no';
  return lower === tf.slice(0, Math.min(str.length, tf.length)) || lower === yn.slice(0, Math.min(str.length, yn.length));
}

/** Java's String.trim(): strips characters <= U+0020 from both ends. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Java's `new BigDecimal(text)`, throwing ENGINE_EVALUATION (NumberFormatException) on bad text. */
export function parseJavaBigDecimal(text: string): Decimal {
  const d = Decimal.tryParse(text);
  if (d === null) {
    const message =
      text.length === 0
        ? 'Index 0 out of bounds for length 0'
        : `Character ${firstBadDecimalChar(text)} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`;
    throw evalError(message, { expected: 'a decimal number', found: text });
  }
  return d;
}

function firstBadDecimalChar(text: string): string {
  for (const ch of text) {
    if (!/[0-9.eE+-]/.test(ch)) return ch;
  }
  return text.length > 0 ? text[text.length - 1]! : '';
}

// ---------------------------------------------------------------------------------------------
// Java integer conversions
// ---------------------------------------------------------------------------------------------

/** Java `(int) d` for a double: NaN → 0, saturating, truncating toward zero. */
export function doubleToInt(d: number): number {
  if (d !== d) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d) | 0;
}

/** Java `(long) d` for a double, as a number: NaN → 0, saturating, truncating. */
export function doubleToLong(d: number): number {
  if (d !== d) return 0;
  if (d >= 9223372036854775807) return 9223372036854775807;
  if (d <= -9223372036854775808) return -9223372036854775808;
  return Math.trunc(d);
}

/** Java `(int) l` for a long: the low 32 bits. */
export function longToInt(n: number): number {
  return n | 0; // ToInt32 is exact modulo 2^32 on any integral double
}

/** BigDecimal.intValue(): the integer part's low 32 bits. */
export function decimalToInt(d: Decimal): number {
  return Number(BigInt.asIntN(32, d.toBigInt()));
}

/** BigDecimal.longValue(): the integer part's low 64 bits, as a number. */
export function decimalToLong(d: Decimal): number {
  return Number(BigInt.asIntN(64, d.toBigInt()));
}

// ---------------------------------------------------------------------------------------------
// DECIMAL fitting (ksqlDB's DecimalUtil)
// ---------------------------------------------------------------------------------------------

/** ksqlDB's ensureMax: |value| must be < 10^(precision - scale). Throws "Numeric field overflow". */
export function ensureDecimalMax(value: Decimal, precision: number, scale: number): void {
  const digits = precision - scale;
  // compare |value| with 10^digits exactly
  const limit = new Decimal(pow10(digits), 0);
  if (limit.compare(value.abs()) < 1) {
    throw evalError(
      `Numeric field overflow: A field with precision ${precision} and scale ${scale} must round to an absolute value less than 10^${digits}. Got ${value.toString()}`,
      { expected: `DECIMAL(${precision}, ${scale})`, found: value.toString() },
    );
  }
}

/**
 * ksqlDB's DecimalUtil.ensureFit (used by the serdes): overflow check, then setScale without
 * rounding; a value needing rounding throws "Cannot fit decimal ...".
 */
export function ensureDecimalFit(value: Decimal, precision: number, scale: number): Decimal {
  ensureDecimalMax(value, precision, scale);
  if (value.scale === scale) return value;
  if (value.scale < scale) return value.setScale(scale);
  const r = value.setScale(scale, 'DOWN');
  if (r.compare(value) !== 0) {
    throw evalError(
      `Cannot fit decimal '${value.toString()}' into DECIMAL(${precision}, ${scale}) without rounding. (Requires ${value.precision()},${value.scale})`,
      { expected: `DECIMAL(${precision}, ${scale})`, found: value.toString() },
    );
  }
  return r;
}

/** CAST(decimal AS DECIMAL(p, s)): overflow check, then HALF_UP to the scale. */
export function castDecimalToDecimal(value: Decimal, precision: number, scale: number): Decimal {
  if (value.scale === scale && value.precision() === precision) return value;
  ensureDecimalMax(value, precision, scale);
  return value.setScale(scale, 'HALF_UP');
}

/** CAST(int/bigint AS DECIMAL(p, s)). */
export function castIntegerToDecimal(value: number, precision: number, scale: number): Decimal {
  const d = Number.isSafeInteger(value) ? new Decimal(BigInt(value), 0) : Decimal.fromDoubleExact(value);
  ensureDecimalMax(d, precision, scale);
  return d.setScale(scale, 'UNNECESSARY');
}

/** CAST(double AS DECIMAL(p, s)): `new BigDecimal(d, MathContext(p))`, overflow check, HALF_UP. */
export function castDoubleToDecimal(value: number, precision: number, scale: number): Decimal {
  const d = Decimal.fromDoubleExact(value).roundToPrecision(precision, 'HALF_UP');
  ensureDecimalMax(d, precision, scale);
  return d.setScale(scale, 'HALF_UP');
}

/** CAST(string AS DECIMAL(p, s)): BigDecimal of the trimmed text, overflow check, HALF_UP. */
export function castStringToDecimal(value: string, precision: number, scale: number): Decimal {
  const d = parseJavaBigDecimal(javaTrim(value));
  ensureDecimalMax(d, precision, scale);
  return d.setScale(scale, 'HALF_UP');
}

// ---------------------------------------------------------------------------------------------
// Explicit CAST
// ---------------------------------------------------------------------------------------------

const SUPPORTED_CASTS: ReadonlySet<string> = new Set([
  'BOOLEAN>STRING',
  'INTEGER>BIGINT',
  'INTEGER>DECIMAL',
  'INTEGER>DOUBLE',
  'INTEGER>STRING',
  'BIGINT>INTEGER',
  'BIGINT>DECIMAL',
  'BIGINT>DOUBLE',
  'BIGINT>STRING',
  'DECIMAL>INTEGER',
  'DECIMAL>BIGINT',
  'DECIMAL>DECIMAL',
  'DECIMAL>DOUBLE',
  'DECIMAL>STRING',
  'DOUBLE>INTEGER',
  'DOUBLE>BIGINT',
  'DOUBLE>DECIMAL',
  'DOUBLE>STRING',
  'STRING>BOOLEAN',
  'STRING>INTEGER',
  'STRING>BIGINT',
  'STRING>DECIMAL',
  'STRING>DOUBLE',
  'STRING>TIMESTAMP',
  'STRING>TIME',
  'STRING>DATE',
  'STRING>BYTES',
  'ARRAY>ARRAY',
  'ARRAY>STRING',
  'MAP>MAP',
  'MAP>STRING',
  'STRUCT>STRUCT',
  'STRUCT>STRING',
  'TIMESTAMP>STRING',
  'TIMESTAMP>TIME',
  'TIMESTAMP>DATE',
  'DATE>TIMESTAMP',
  'TIME>STRING',
  'DATE>STRING',
]);

/** ksqlDB's message for an unsupported cast: `Cast of ARRAY<INTEGER> to INTEGER is not supported`. */
export function unsupportedCastMessage(from: SqlType, to: SqlType): string {
  return `Cast of ${formatSqlType(from)} to ${formatSqlType(to)} is not supported`;
}

/** Whether `CAST(<from> AS <to>)` is allowed (recursively for ARRAY/MAP/STRUCT element types). */
export function isCastSupported(from: SqlType, to: SqlType): boolean {
  if (sqlTypesEqual(from, to)) return true;
  if (!SUPPORTED_CASTS.has(`${from.kind}>${to.kind}`)) return false;
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') return isCastSupported(from.element, to.element);
  if (from.kind === 'MAP' && to.kind === 'MAP') return isCastSupported(from.key, to.key) && isCastSupported(from.value, to.value);
  if (from.kind === 'STRUCT' && to.kind === 'STRUCT') {
    for (const f of from.fields) {
      const t = to.fields.find((x) => x.name === f.name);
      if (t !== undefined && !isCastSupported(f.type, t.type)) return false;
    }
  }
  return true;
}

const identity: CastFunction = (v) => v;

/**
 * Compiles `CAST(x AS to)` for values of type `from` into a null-safe function. Throws
 * SQL_ANALYSIS with ksqlDB's "Cast of X to Y is not supported" when the cast is not allowed.
 * A `from` of null (the NULL literal) casts to anything.
 */
export function compileCast(from: SqlType | null, to: SqlType): CastFunction {
  if (from === null || sqlTypesEqual(from, to)) return identity;
  if (!isCastSupported(from, to)) throw new SluiceError('SQL_ANALYSIS', unsupportedCastMessage(from, to), { expected: 'a supported cast', found: `${formatSqlType(from)} to ${formatSqlType(to)}` });
  const f = compileNonNull(from, to);
  return (v) => (v === null || v === undefined ? null : f(v));
}

/** One-off CAST of a value (compiles each call; prefer compileCast in hot paths). */
export function castValue(value: unknown, from: SqlType | null, to: SqlType): unknown {
  return compileCast(from, to)(value);
}

function compileNonNull(from: SqlType, to: SqlType): CastFunction {
  if (sqlTypesEqual(from, to)) return identity;
  const key = `${from.kind}>${to.kind}`;
  switch (to.kind) {
    case 'STRING':
      if (from.kind === 'ARRAY' || from.kind === 'MAP' || from.kind === 'STRUCT') return (v) => javaToString(v, from);
      return (v) => castToStringValue(v, from);
    case 'BOOLEAN':
      return (v: string) => parseSqlBoolean(javaTrim(v));
    case 'INTEGER':
      switch (from.kind) {
        case 'BIGINT':
          return longToInt;
        case 'DOUBLE':
          return doubleToInt;
        case 'DECIMAL':
          return decimalToInt;
        case 'STRING':
          return (v: string) => parseJavaInt(javaTrim(v));
      }
      break;
    case 'BIGINT':
      switch (from.kind) {
        case 'INTEGER':
          return identity;
        case 'DOUBLE':
          return doubleToLong;
        case 'DECIMAL':
          return decimalToLong;
        case 'STRING':
          return (v: string) => parseJavaLong(javaTrim(v));
      }
      break;
    case 'DOUBLE':
      switch (from.kind) {
        case 'INTEGER':
        case 'BIGINT':
          return identity;
        case 'DECIMAL':
          return (v: Decimal) => v.toNumber();
        case 'STRING':
          return (v: string) => parseSqlDouble(javaTrim(v));
      }
      break;
    case 'DECIMAL': {
      const { precision, scale } = to;
      switch (from.kind) {
        case 'INTEGER':
        case 'BIGINT':
          return (v: number) => castIntegerToDecimal(v, precision, scale);
        case 'DOUBLE':
          return (v: number) => castDoubleToDecimal(v, precision, scale);
        case 'DECIMAL':
          return (v: Decimal) => castDecimalToDecimal(v, precision, scale);
        case 'STRING':
          return (v: string) => castStringToDecimal(v, precision, scale);
      }
      break;
    }
    case 'TIMESTAMP':
      if (from.kind === 'STRING') return (v: string) => parseTimestamp(javaTrim(v));
      if (from.kind === 'DATE') return dateToTimestamp;
      break;
    case 'TIME':
      if (from.kind === 'STRING') return (v: string) => parseTime(javaTrim(v));
      if (from.kind === 'TIMESTAMP') return timestampToTime;
      break;
    case 'DATE':
      if (from.kind === 'STRING') return (v: string) => parseDate(javaTrim(v));
      if (from.kind === 'TIMESTAMP') return timestampToDate;
      break;
    case 'BYTES':
      if (from.kind === 'STRING') {
        return (v: string) => {
          const b = decodeBase64Strict(javaTrim(v));
          if (b === null) throw evalError(`Illegal base64 character in '${v}'`, { expected: 'base64 text', found: v });
          return b;
        };
      }
      break;
    case 'ARRAY':
      if (from.kind === 'ARRAY') {
        const el = compileCast(from.element, to.element);
        return (v: unknown[]) => {
          const out = new Array(v.length);
          for (let i = 0; i < v.length; i++) out[i] = el(v[i]);
          return out;
        };
      }
      break;
    case 'MAP':
      if (from.kind === 'MAP') {
        const k = compileCast(from.key, to.key);
        const val = compileCast(from.value, to.value);
        return (v: Map<unknown, unknown>) => {
          const out = new Map<unknown, unknown>();
          for (const [mk, mv] of v) out.set(k(mk), val(mv));
          return out;
        };
      }
      break;
    case 'STRUCT':
      if (from.kind === 'STRUCT') {
        const casts: { name: string; fn: CastFunction | null }[] = to.fields.map((tf) => {
          const ff = from.fields.find((x) => x.name === tf.name);
          return { name: tf.name, fn: ff === undefined ? null : compileCast(ff.type, tf.type) };
        });
        return (v: Record<string, unknown>) => {
          const out: Record<string, unknown> = {};
          for (const c of casts) out[c.name] = c.fn === null ? null : c.fn(v[c.name] ?? null);
          return out;
        };
      }
      break;
  }
  throw new SluiceError('SQL_ANALYSIS', unsupportedCastMessage(from, to), { found: key });
}

// ---------------------------------------------------------------------------------------------
// Implicit coercion (analyzer)
// ---------------------------------------------------------------------------------------------

const NUMBER_ORDER: Partial<Record<SqlTypeKind, number>> = { INTEGER: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 };

export function isNumericKind(kind: SqlTypeKind): boolean {
  return NUMBER_ORDER[kind] !== undefined;
}

export function isTimeKind(kind: SqlTypeKind): boolean {
  return kind === 'DATE' || kind === 'TIME' || kind === 'TIMESTAMP';
}

/**
 * ksqlDB's SqlBaseType.canImplicitlyCast: same kind; a number to a wider number
 * (INTEGER < BIGINT < DECIMAL < DOUBLE); STRING to DATE/TIME/TIMESTAMP/BYTES.
 */
export function canImplicitlyCastKind(from: SqlTypeKind, to: SqlTypeKind): boolean {
  if (from === to) return true;
  const a = NUMBER_ORDER[from];
  const b = NUMBER_ORDER[to];
  if (a !== undefined && b !== undefined) return a <= b;
  if (from === 'STRING') return isTimeKind(to) || to === 'BYTES';
  return false;
}

/** DECIMAL(10, 0) for INT, DECIMAL(19, 0) for BIGINT, the type itself for a DECIMAL. */
export const INT_UPCAST_TO_DECIMAL = decimalType(10, 0) as DecimalType;
export const BIGINT_UPCAST_TO_DECIMAL = decimalType(19, 0) as DecimalType;

export function toDecimalType(type: SqlType): DecimalType {
  switch (type.kind) {
    case 'DECIMAL':
      return type;
    case 'INTEGER':
      return INT_UPCAST_TO_DECIMAL;
    case 'BIGINT':
      return BIGINT_UPCAST_TO_DECIMAL;
    default:
      throw new SluiceError('SQL_ANALYSIS', `Cannot convert ${type.kind} to DECIMAL.`);
  }
}

/** ksqlDB's DecimalUtil.canImplicitlyCast: scale and integer digits both fit. */
export function canImplicitlyCastDecimal(from: DecimalType, to: DecimalType): boolean {
  return from.scale <= to.scale && from.precision - from.scale <= to.precision - to.scale;
}

/** ksqlDB's DecimalUtil.widen: a DECIMAL holding both (INT/BIGINT upcast first). */
export function widenDecimal(a: SqlType, b: SqlType): DecimalType {
  const l = toDecimalType(a);
  const r = toDecimalType(b);
  const whole = Math.max(l.precision - l.scale, r.precision - r.scale);
  const scale = Math.max(l.scale, r.scale);
  return decimalType(whole + scale, scale) as DecimalType;
}

/** ksqlDB's DecimalUtil.fromValue: the DECIMAL type of a literal value (0.005 → DECIMAL(4, 3)). */
export function decimalTypeOfValue(value: Decimal): DecimalType {
  const d = value.scale < 0 ? value.setScale(0) : value;
  const abs = d.abs();
  if (abs.compare(Decimal.ONE) < 0) return decimalType(d.scale + 1, d.scale) as DecimalType;
  return decimalType(d.precision(), Math.max(d.scale, 0)) as DecimalType;
}

/**
 * Whether a value of `from` can be used where `to` is wanted without a CAST, the way ksqlDB matches
 * function parameters and INSERT columns: base-kind rule above, DECIMAL → DECIMAL only when it fits,
 * ARRAY/MAP/STRUCT element-wise (struct fields by name, same set).
 */
export function canImplicitlyCast(from: SqlType, to: SqlType): boolean {
  if (sqlTypesEqual(from, to)) return true;
  if (from.kind === 'DECIMAL' && to.kind === 'DECIMAL') return canImplicitlyCastDecimal(from, to);
  if ((from.kind === 'INTEGER' || from.kind === 'BIGINT') && to.kind === 'DECIMAL') return canImplicitlyCastDecimal(toDecimalType(from), to);
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') return canImplicitlyCast(from.element, to.element);
  if (from.kind === 'MAP' && to.kind === 'MAP') return canImplicitlyCast(from.key, to.key) && canImplicitlyCast(from.value, to.value);
  if (from.kind === 'STRUCT' && to.kind === 'STRUCT') {
    if (from.fields.length !== to.fields.length) return false;
    return from.fields.every((f) => {
      const t = to.fields.find((x) => x.name === f.name);
      return t !== undefined && canImplicitlyCast(f.type, t.type);
    });
  }
  return canImplicitlyCastKind(from.kind, to.kind);
}

/**
 * ksqlDB's DefaultSqlValueCoercer.canCoerce(from, to): the type a value of `from` becomes when
 * coerced toward `to`, or null. `lax` (used for literals) also allows primitives → STRING and
 * STRING → BOOLEAN/numbers. Numbers widen (DECIMAL pairs and INT/BIGINT → DECIMAL give the widened
 * DECIMAL); STRING → DATE/TIME/TIMESTAMP/BYTES; ARRAY/MAP element-wise; STRUCT by field name
 * (union of fields).
 */
export function coerceType(from: SqlType, to: SqlType, lax = false): SqlType | null {
  const f = from.kind;
  const t = to.kind;
  if (f === t) {
    switch (to.kind) {
      case 'DECIMAL':
        return widenDecimal(from, to);
      case 'ARRAY': {
        const e = coerceType((from as typeof to).element, to.element, lax);
        return e === null ? null : arrayType(e);
      }
      case 'MAP': {
        const fm = from as typeof to;
        const k = coerceType(fm.key, to.key, lax);
        const v = k === null ? null : coerceType(fm.value, to.value, lax);
        return k === null || v === null ? null : mapType(k, v);
      }
      case 'STRUCT': {
        const fs = from as typeof to;
        const names: string[] = [];
        for (const x of fs.fields) if (!names.includes(x.name)) names.push(x.name);
        for (const x of to.fields) if (!names.includes(x.name)) names.push(x.name);
        const fields: StructField[] = [];
        for (const name of names) {
          const a = fs.fields.find((x) => x.name === name);
          const b = to.fields.find((x) => x.name === name);
          let type: SqlType | null;
          if (a === undefined) type = b!.type;
          else if (b === undefined) type = a.type;
          else type = coerceType(a.type, b.type, lax);
          if (type === null) return null;
          fields.push({ name, type });
        }
        return structType(fields);
      }
      default:
        return to;
    }
  }
  switch (f) {
    case 'INTEGER':
      if (t === 'BIGINT' || t === 'DOUBLE') return to;
      if (t === 'DECIMAL') return widenDecimal(from, to);
      if (lax && t === 'STRING') return to;
      return null;
    case 'BIGINT':
      if (t === 'DOUBLE') return to;
      if (t === 'DECIMAL') return widenDecimal(from, to);
      if (lax && t === 'STRING') return to;
      return null;
    case 'DECIMAL':
      if (t === 'DOUBLE') return to;
      if (lax && t === 'STRING') return to;
      return null;
    case 'DOUBLE':
    case 'BOOLEAN':
      return lax && t === 'STRING' ? to : null;
    case 'STRING':
      if (isTimeKind(t) || t === 'BYTES') return to;
      if (lax && (t === 'BOOLEAN' || t === 'INTEGER' || t === 'BIGINT' || t === 'DECIMAL' || t === 'DOUBLE')) return to;
      return null;
    case 'TIMESTAMP':
    case 'TIME':
    case 'DATE':
      return lax && t === 'STRING' ? to : null;
    default:
      return null;
  }
}

/** An element of a list whose common type is wanted: its type (null for a NULL literal). */
export interface TypedOperand {
  type: SqlType | null;
  /** True for a literal (LAX coercion); a string literal's text enables numeric/boolean resolution. */
  literal?: boolean;
  /** For string literals: the literal text. */
  stringLiteral?: string;
}

/**
 * The common type of two types (ksqlDB's CoercionUtil.resolveCommonSimpleType): `source` coerced to
 * `target`, else `target` coerced to `source`; null when neither works.
 */
export function commonSuperType(target: SqlType, source: SqlType, sourceIsLiteral = false): SqlType | null {
  return coerceType(source, target, sourceIsLiteral) ?? coerceType(target, source, sourceIsLiteral);
}

/**
 * ksqlDB's error when two types have no common type:
 * `operator does not exist: <target> = <source> (<expr>)\nHint: You might need to add explicit type casts.`
 */
export function coercionFailureMessage(target: SqlType, source: SqlType | null, expressionText: string): string {
  return `operator does not exist: ${formatSqlType(target)} = ${source === null ? 'null' : formatSqlType(source)} (${expressionText})\nHint: You might need to add explicit type casts.`;
}

/** The SQL type of a numeric string literal (ksqlDB's getStringNumericType), or null if not numeric. */
export function numericTypeOfString(text: string): SqlType | null {
  const d = Decimal.tryParse(javaTrim(text));
  if (d === null) return null;
  const hasPointOrExp = text.includes('.') || text.includes('e') || text.includes('E');
  if (!hasPointOrExp && d.scale === 0) {
    const v = d.unscaled;
    if (v > -2147483648n && v < 2147483647n) return INTEGER;
    if (v > LONG_MIN && v < LONG_MAX) return BIGINT;
  }
  return decimalTypeOfValue(d);
}

/**
 * The common type of a list of operands (CASE branches, COALESCE, IN lists, ARRAY[...] elements),
 * as ksqlDB's CoercionUtil resolves it left to right: NULL literals are skipped; a string literal
 * against a numeric type resolves to DOUBLE / a widened DECIMAL / the wider integer; otherwise
 * commonSuperType. Returns null when all operands are NULL literals (or the list is empty).
 * Throws SQL_ANALYSIS with ksqlDB's wording when no common type exists, or when a string literal
 * is not a valid number/boolean for a numeric/boolean target (`invalid input syntax for type ...`).
 */
export function commonType(operands: readonly TypedOperand[], describe: (index: number) => string = (i) => `operand ${i + 1}`): SqlType | null {
  let result: SqlType | null = null;
  for (let i = 0; i < operands.length; i++) {
    const op = operands[i]!;
    if (result === null) {
      result = op.type;
      continue;
    }
    if (op.type === null) continue;
    const target: SqlType = result;
    if (op.stringLiteral !== undefined && isNumericKind(target.kind)) {
      const st = numericTypeOfString(op.stringLiteral);
      if (st === null) {
        throw new SluiceError('SQL_ANALYSIS', `invalid input syntax for type ${target.kind}: "${op.stringLiteral}".`);
      }
      if (st.kind === 'DOUBLE' || target.kind === 'DOUBLE') result = DOUBLE;
      else if (st.kind === 'DECIMAL' || target.kind === 'DECIMAL') result = widenDecimal(st, target);
      else result = canImplicitlyCastKind(st.kind, target.kind) ? target : st;
      continue;
    }
    if (op.stringLiteral !== undefined && target.kind === 'BOOLEAN') {
      if (parseSqlBooleanExact(javaTrim(op.stringLiteral)) === null) {
        throw new SluiceError('SQL_ANALYSIS', `invalid input syntax for type BOOLEAN: "${op.stringLiteral}".`);
      }
      continue;
    }
    const c = commonSuperType(target, op.type, op.literal === true);
    if (c === null) throw new SluiceError('SQL_ANALYSIS', coercionFailureMessage(target, op.type, describe(i)));
    result = c;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic result types and DECIMAL arithmetic
// ---------------------------------------------------------------------------------------------

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

/** ksqlDB's SqlDecimal add/subtract/multiply/divide/modulus result types. */
export function decimalResultType(op: ArithmeticOperator, l: DecimalType, r: DecimalType): DecimalType {
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(l.scale, r.scale);
      const precision = scale + Math.max(l.precision - l.scale, r.precision - r.scale) + 1;
      return decimalType(precision, scale) as DecimalType;
    }
    case '*':
      return decimalType(l.precision + r.precision + 1, l.scale + r.scale) as DecimalType;
    case '/': {
      const scale = Math.max(6, l.scale + r.precision + 1);
      return decimalType(l.precision - l.scale + r.scale + scale, scale) as DecimalType;
    }
    case '%': {
      const scale = Math.max(l.scale, r.scale);
      return decimalType(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale) as DecimalType;
    }
  }
}

/**
 * ksqlDB's Operator.resultType: STRING + STRING is STRING; for numbers the wider operand's type
 * (DECIMAL combined with INT/BIGINT/DECIMAL by the rules above; anything with DOUBLE is DOUBLE).
 * Throws SQL_ANALYSIS `Unsupported arithmetic types. X Y` otherwise.
 */
export function arithmeticResultType(op: ArithmeticOperator, left: SqlType, right: SqlType): SqlType {
  if (op === '+' && left.kind === 'STRING' && right.kind === 'STRING') return STRING;
  if (isNumericKind(left.kind) && isNumericKind(right.kind)) {
    if (canImplicitlyCastKind(left.kind, right.kind)) {
      if (right.kind !== 'DECIMAL') return right;
      return decimalResultType(op, toDecimalType(left), right);
    }
    if (canImplicitlyCastKind(right.kind, left.kind)) {
      if (left.kind !== 'DECIMAL') return left;
      return decimalResultType(op, left, toDecimalType(right));
    }
  }
  throw new SluiceError('SQL_ANALYSIS', `Unsupported arithmetic types. ${left.kind} ${right.kind}`);
}

function roundingNecessary(): SluiceError {
  return evalError('Rounding necessary');
}

/**
 * Evaluates DECIMAL arithmetic exactly as ksqlDB's generated code:
 * `l.op(r, new MathContext(precision, UNNECESSARY)).setScale(scale)` with (precision, scale) of the
 * result type. A result that would need rounding throws "Rounding necessary" (e.g. 1/3), division
 * by zero throws "Division by zero" / "Division undefined" — both ENGINE_EVALUATION.
 */
export function decimalBinaryOp(op: ArithmeticOperator, l: Decimal, r: Decimal, result: { precision: number; scale: number }): Decimal {
  let v: Decimal;
  switch (op) {
    case '+':
      v = l.add(r);
      break;
    case '-':
      v = l.subtract(r);
      break;
    case '*':
      v = l.multiply(r);
      break;
    case '/':
      if (r.isZero()) throw evalError(l.isZero() ? 'Division undefined' : 'Division by zero');
      try {
        v = l.divide(r);
      } catch {
        throw roundingNecessary();
      }
      break;
    case '%':
      if (r.isZero()) throw evalError('Division by zero');
      v = l.remainder(r);
      break;
  }
  try {
    v = v.roundToPrecision(result.precision, 'UNNECESSARY');
    return v.setScale(result.scale, 'UNNECESSARY');
  } catch {
    throw roundingNecessary();
  }
}

/** Unary minus on a DECIMAL as ksqlDB does it (negate with MathContext(precision, UNNECESSARY)). */
export function decimalNegate(v: Decimal, precision: number): Decimal {
  try {
    return v.negate().roundToPrecision(precision, 'UNNECESSARY');
  } catch {
    throw roundingNecessary();
  }
}
