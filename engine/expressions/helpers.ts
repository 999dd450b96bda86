/**
 * Run-time helpers the compiled expressions call: the parts of ksqlDB's semantics that are too
 * long to inline (1-based array subscripts, LIKE, deep equality, DECIMAL arithmetic with the
 * result type's precision and scale, headers). Every helper is a plain function over plain values;
 * none allocates unless its result is new.
 */
import { SluiceError } from '../../common/index.js';
import { Decimal, valuesEqual } from '../types/index.js';
import type { RecordHeader } from '../operators/index.js';

// ---- errors ----

/** Java's ArithmeticException for integer division or remainder by zero. */
export function divideByZero(): never {
  throw new SluiceError('ENGINE_EVALUATION', '/ by zero', { expected: 'a non-zero divisor', found: '0' });
}

/** Java's NullPointerException when generated code unboxes a null operand (arithmetic in a lambda). */
export function nullPointer(): never {
  throw new SluiceError('ENGINE_EVALUATION', 'java.lang.NullPointerException', { expected: 'a non-null operand', found: 'null' });
}

/** Wraps anything a function implementation threw into an ENGINE_EVALUATION error. */
export function toEvaluationError(error: unknown): SluiceError {
  if (error instanceof SluiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SluiceError('ENGINE_EVALUATION', message, {}, { cause: error });
}

/** The messages of an error and its causes, outermost first (ksqlDB's `cause` list). */
export function errorMessages(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    out.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined;
  }
  return out;
}

// ---- collections ----

/** ksqlDB's ArrayAccess: 1-based, negative counts from the end, out of range → null. */
export function arrayAt(array: readonly unknown[], index: number): unknown {
  const n = array.length;
  const i = index >= 0 ? index - 1 : n + index;
  if (i < 0 || i >= n) return null;
  const element = array[i];
  return element === undefined ? null : element;
}

export function mapGet(map: ReadonlyMap<unknown, unknown>, key: unknown): unknown {
  if (typeof key === 'object' && key !== null) {
    // Decimal, Buffer or structured keys: compare by value.
    for (const [k, v] of map) if (valuesEqual(k, key)) return v === undefined ? null : v;
    return null;
  }
  const value = map.get(key);
  return value === undefined ? null : value;
}

/** A struct field that shares its name with an Object.prototype member (`constructor`...). */
export function ownField(struct: Record<string, unknown>, field: string): unknown {
  return Object.hasOwn(struct, field) ? (struct[field] ?? null) : null;
}

// ---- equality and ordering ----

/** Structural equality (two nulls inside a structure are equal, as ksqlDB's IN and Java's equals). */
export { valuesEqual, compareBytes } from '../types/index.js';

// ---- numbers ----

export function decimalFromInteger(n: number): Decimal {
  return new Decimal(BigInt(n), 0);
}

/** BIGINT division: Java's long division truncates toward zero (never -0). */
export function longDivide(a: number, b: number): number {
  if (b === 0) divideByZero();
  return Math.trunc(a / b) + 0;
}
export function longRemainder(a: number, b: number): number {
  if (b === 0) divideByZero();
  return (a % b) + 0;
}
export function intDivide(a: number, b: number): number {
  if (b === 0) divideByZero();
  return (a / b) | 0;
}
export function intRemainder(a: number, b: number): number {
  if (b === 0) divideByZero();
  return (a % b) | 0;
}

/** Java's string `+`: a null operand prints as "null". */
export function javaConcat(a: unknown, b: unknown): string {
  return (a === null ? 'null' : String(a)) + (b === null ? 'null' : String(b));
}

// ---- LIKE ----

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;

/**
 * ksqlDB's LikeEvaluator: `%` any run, `_` one character, the escape character makes the next one
 * literal (a trailing escape is an error). Java's `.` excludes line terminators; matched whole.
 */
export function likeToRegExp(pattern: string, escape: string | null): RegExp {
  let regex = '';
  let escaped = false;
  for (const c of pattern) {
    if (escaped) {
      escaped = false;
      regex += c.replace(REGEX_SPECIAL, '\\$&');
    } else if (escape !== null && c === escape) {
      escaped = true;
    } else if (c === '%') {
      regex += '[^\\n\\r\\u0085\\u2028\\u2029]*';
    } else if (c === '_') {
      regex += '[^\\n\\r\\u0085\\u2028\\u2029]';
    } else {
      regex += c.replace(REGEX_SPECIAL, '\\$&');
    }
  }
  if (escaped) throw new SluiceError('ENGINE_EVALUATION', 'LIKE pattern must not end with escape character', { found: pattern });
  return new RegExp(`^(?:${regex})$`, 'u');
}

/** LIKE with a pattern known only per row; remembers the last pattern (rows often repeat it). */
export class DynamicLike {
  private lastPattern: string | null = null;
  private lastRegExp: RegExp | null = null;
  constructor(private readonly escape: string | null) {}
  matches(value: string, pattern: string): boolean {
    if (pattern !== this.lastPattern || this.lastRegExp === null) {
      this.lastRegExp = likeToRegExp(pattern, this.escape);
      this.lastPattern = pattern;
    }
    return this.lastRegExp.test(value);
  }
}

// ---- headers ----

/** HEADERS: all headers as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>. */
export function headersArray(headers: readonly RecordHeader[]): Array<{ KEY: string; VALUE: Buffer | null }> {
  const out = new Array<{ KEY: string; VALUE: Buffer | null }>(headers.length);
  for (let i = 0; i < headers.length; i++) out[i] = { KEY: headers[i]!.key, VALUE: headers[i]!.value };
  return out;
}

/** HEADER('k'): the value of the last header with this key, or null. */
export function lastHeader(headers: readonly RecordHeader[], key: string): Buffer | null {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]!.key === key) return headers[i]!.value;
  return null;
}
