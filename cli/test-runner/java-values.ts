/**
 * What ksqlDB's test runner compares: it deserializes each output record into Java objects
 * (Integer, Long, Double, BigDecimal, String, ByteBuffer, List, Map/Struct) and matches them
 * against the expected JSON of the test file. Whether a number matches depends on the Java class
 * the deserializer produced, so actual values keep that class here.
 */
import { NumberText, type JsonTree } from './lenient-json.js';

export class JavaInteger {
  constructor(readonly value: number) {}
  toString(): string { return String(this.value); }
}
export class JavaLong {
  constructor(readonly value: bigint) {}
  toString(): string { return this.value.toString(); }
}
export class JavaDouble {
  constructor(readonly value: number) {}
  toString(): string { return javaDoubleText(this.value); }
}
export class JavaBigDecimal {
  constructor(readonly unscaled: bigint, readonly scale: number) {}
  toString(): string {
    const negative = this.unscaled < 0n;
    let digits = (negative ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-this.scale);
    digits = digits.padStart(this.scale + 1, '0');
    return `${negative ? '-' : ''}${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
  }
}

export type ActualValue =
  | null
  | boolean
  | string
  | Buffer
  | JavaInteger
  | JavaLong
  | JavaDouble
  | JavaBigDecimal
  | ActualValue[]
  | { [key: string]: ActualValue };

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** `new BigDecimal(text)`: "1.50" is (150, 2), "1E+3" is (1, -3). */
export function parseBigDecimal(text: string): JavaBigDecimal | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const fraction = match[3] ?? '';
  const digits = `${match[2]}${fraction}`.replace(/^0+(?=\d)/, '') || '0';
  return new JavaBigDecimal(BigInt(`${match[1] === '-' ? '-' : ''}${digits}`), fraction.length - Number(match[4] ?? 0));
}

/** Java's Double.toString. */
export function javaDoubleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** How Jackson types a JSON number: integers as Integer/Long, others as BigDecimal (or Double when inexact). */
export function typedNumber(text: string, exactDecimals: boolean): ActualValue {
  if (/^-?\d+$/.test(text)) {
    const value = BigInt(text);
    if (value >= INT_MIN && value <= INT_MAX) return new JavaInteger(Number(value));
    if (value >= LONG_MIN && value <= LONG_MAX) return new JavaLong(value);
    return parseBigDecimal(text);
  }
  return exactDecimals ? parseBigDecimal(text) : new JavaDouble(Number(text));
}

/** A JSON tree read from output bytes, typed as Jackson would. */
export function typedJson(tree: JsonTree, exactDecimals: boolean): ActualValue {
  if (tree instanceof NumberText) return typedNumber(tree.text, exactDecimals);
  if (Array.isArray(tree)) return tree.map((item) => typedJson(item, exactDecimals));
  if (tree !== null && typeof tree === 'object') {
    const out: { [key: string]: ActualValue } = Object.create(null);
    for (const key of Object.keys(tree)) out[key] = typedJson(tree[key]!, exactDecimals);
    return out;
  }
  return tree;
}

function integralPart(text: string): bigint {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const decimal = parseBigDecimal(text)!;
  if (decimal.scale <= 0) return decimal.unscaled * 10n ** BigInt(-decimal.scale);
  return decimal.unscaled / 10n ** BigInt(decimal.scale);
}

function numberMatches(actual: ActualValue, expected: NumberText): boolean {
  if (actual instanceof JavaInteger) return BigInt.asIntN(32, integralPart(expected.text)) === BigInt(actual.value);
  if (actual instanceof JavaLong) return BigInt.asIntN(64, integralPart(expected.text)) === actual.value;
  if (actual instanceof JavaDouble) return Math.abs(expected.toNumber() - actual.value) < 0.000001;
  if (actual instanceof JavaBigDecimal) {
    if (expected.isIntegral) {
      const value = BigInt(expected.text);
      if (value < LONG_MIN || value > LONG_MAX || actual.scale > 0) return false;
      return value === actual.unscaled * 10n ** BigInt(-actual.scale);
    }
    const decimal = parseBigDecimal(expected.text);
    return decimal !== null && decimal.unscaled === actual.unscaled && decimal.scale === actual.scale;
  }
  return false;
}

function textMatches(actual: ActualValue, expected: string): boolean {
  if (typeof actual === 'string') return actual === expected;
  if (actual instanceof JavaBigDecimal) {
    const decimal = parseBigDecimal(expected);
    return decimal !== null && decimal.unscaled === actual.unscaled && decimal.scale === actual.scale;
  }
  if (Buffer.isBuffer(actual)) return actual.toString('base64') === expected;
  return false;
}

function isObjectValue(value: ActualValue): value is { [key: string]: ActualValue } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    !(value instanceof JavaInteger || value instanceof JavaLong || value instanceof JavaDouble || value instanceof JavaBigDecimal)
  );
}

/** ksqlDB's ExpectedRecordComparator: does the actual value match the expected JSON? */
export function valueMatches(actual: ActualValue | undefined, expected: JsonTree | undefined): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === undefined) return false;
  if (expected instanceof NumberText) return numberMatches(actual, expected);
  if (typeof expected === 'string') return textMatches(actual, expected);
  if (typeof expected === 'boolean') return actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => valueMatches(actual[i], item));
  }
  if (!isObjectValue(actual)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  return keys.every((key) => {
    let value = actual[key];
    if (value === null || value === undefined) value = actual[key.toUpperCase()];
    return valueMatches(value ?? null, expected[key]);
  });
}

/** At the top level of a key or value map, the runner turns bytes into base64 (empty bytes into null). */
export function coerceTopLevelBytes(value: ActualValue): ActualValue {
  if (!isObjectValue(value)) return value;
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (Buffer.isBuffer(field)) value[key] = field.length ? field.toString('base64') : null;
  }
  return value;
}

/** A readable text of an actual value, for failure messages. */
export function showActual(value: ActualValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return `bytes:${value.toString('base64')}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof JavaInteger || value instanceof JavaLong || value instanceof JavaDouble || value instanceof JavaBigDecimal) {
    return value.toString();
  }
  if (Array.isArray(value)) return `[${value.map(showActual).join(',')}]`;
  return `{${Object.keys(value).map((key) => `${JSON.stringify(key)}:${showActual(value[key])}`).join(',')}}`;
}
