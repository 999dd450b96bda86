/**
 * Printing values the way ksqlDB (Java) prints them.
 *
 * - `javaDoubleToString` (java-double.ts): `Double.toString` of ksqlDB's JDK (FloatingDecimal, not
 *   always the shortest form: `4.6116860184273879E18`), plain for 1e-3 <= |x| < 1e7 with at least
 *   one fraction digit (`1.0`, `100.0`, `0.001`), else computerized scientific notation (`1.0E7`,
 *   `1.2345678E-5`, `-Infinity`, `NaN`).
 * - `castToStringValue`: what `CAST(x AS STRING)` gives for each SQL type (ksqlDB's CastEvaluator:
 *   `String.valueOf` / `toPlainString` / SqlTimeTypes formatting).
 * - `javaToString`: Java's `Object.toString()` of the run-time value as it sits inside a List, Map
 *   or Connect Struct (`[1, 2]`, `{a=1}`, `Struct{A=1,B=x}` skipping null fields).
 */

import { Decimal } from './decimal.js';
import { javaDoubleToString } from './java-double.js';

export { javaDoubleToString };
import type { SqlType } from './sql-type.js';
import { formatDate, formatTime, formatTimestamp, civilFromDays, MS_PER_DAY } from './time.js';

/** Java's `Integer.toString` / `Long.toString` of an integral number. */
export function javaLongToString(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return String(n);
  return BigInt(Math.trunc(n)).toString();
}

/** Standard (padded) base64, as Java's `Base64.getEncoder()`. */
export function bytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/**
 * CAST(value AS STRING) for a value of `type` (null stays null). BOOLEAN/INT/BIGINT/DOUBLE use
 * Java's String.valueOf; DECIMAL toPlainString; DATE `yyyy-MM-dd`; TIME `HH:mm[:ss]`; TIMESTAMP
 * `yyyy-MM-ddTHH:mm:ss.SSS`; BYTES base64; ARRAY/MAP/STRUCT Java's collection toString.
 */
export function castToStringValue(value: unknown, type: SqlType): string | null {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'STRING':
      return value as string;
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'INTEGER':
    case 'BIGINT':
      return javaLongToString(value as number);
    case 'DOUBLE':
      return javaDoubleToString(value as number);
    case 'DECIMAL':
      return (value as Decimal).toString();
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number);
    case 'TIMESTAMP':
      return formatTimestamp(value as number);
    case 'BYTES':
      return bytesToBase64(value as Buffer);
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return javaToString(value, type);
  }
}

/** Returns a `(value) => string | null` for CAST(x AS STRING) of `type`, resolved once. */
export function compileToString(type: SqlType): (value: unknown) => string | null {
  switch (type.kind) {
    case 'STRING':
      return (v) => (v === null || v === undefined ? null : (v as string));
    case 'DOUBLE':
      return (v) => (v === null || v === undefined ? null : javaDoubleToString(v as number));
    case 'INTEGER':
    case 'BIGINT':
      return (v) => (v === null || v === undefined ? null : javaLongToString(v as number));
    default:
      return (v) => castToStringValue(v, type);
  }
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** java.sql.Date.toString(): `yyyy-mm-dd`. */
function sqlDateToString(days: number): string {
  const c = civilFromDays(days);
  return `${String(c.year).padStart(4, '0')}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** java.sql.Time.toString(): `hh:mm:ss`. */
function sqlTimeToString(ms: number): string {
  const secs = Math.floor(ms / 1000);
  return `${pad2(Math.floor(secs / 3600) % 24)}:${pad2(Math.floor((secs % 3600) / 60))}:${pad2(secs % 60)}`;
}

/** java.sql.Timestamp.toString() (UTC): `yyyy-mm-dd hh:mm:ss.f...` with trailing zeros trimmed. */
function sqlTimestampToString(epochMs: number): string {
  const days = Math.floor(epochMs / MS_PER_DAY);
  const ms = epochMs - days * MS_PER_DAY;
  let frac = String(ms % 1000).padStart(3, '0').replace(/0+$/, '');
  if (frac === '') frac = '0';
  return `${sqlDateToString(days)} ${sqlTimeToString(ms)}.${frac}`;
}

/**
 * Java `toString()` of a run-time value as an element of a collection: Double.toString, BigDecimal
 * .toString (scientific when the exponent is small), `[a, b]`, `{k=v, ...}`, `Struct{F=v,...}`
 * (null fields skipped), ByteBuffer's `java.nio.HeapByteBuffer[pos=0 lim=n cap=n]`, java.sql
 * Date/Time/Timestamp forms. `null` prints `null`.
 */
export function javaToString(value: unknown, type: SqlType): string {
  if (value === null || value === undefined) return 'null';
  switch (type.kind) {
    case 'STRING':
      return value as string;
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'INTEGER':
    case 'BIGINT':
      return javaLongToString(value as number);
    case 'DOUBLE':
      return javaDoubleToString(value as number);
    case 'DECIMAL':
      return (value as Decimal).toJavaString();
    case 'DATE':
      return sqlDateToString(value as number);
    case 'TIME':
      return sqlTimeToString(value as number);
    case 'TIMESTAMP':
      return sqlTimestampToString(value as number);
    case 'BYTES': {
      const n = (value as Buffer).length;
      return `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
    }
    case 'ARRAY': {
      const arr = value as readonly unknown[];
      let out = '[';
      for (let i = 0; i < arr.length; i++) {
        if (i > 0) out += ', ';
        out += javaToString(arr[i], type.element);
      }
      return out + ']';
    }
    case 'MAP': {
      let out = '{';
      let first = true;
      for (const [k, v] of value as Map<unknown, unknown>) {
        if (!first) out += ', ';
        first = false;
        out += javaToString(k, type.key) + '=' + javaToString(v, type.value);
      }
      return out + '}';
    }
    case 'STRUCT': {
      const obj = value as Record<string, unknown>;
      let out = 'Struct{';
      let first = true;
      for (const f of type.fields) {
        const v = obj[f.name];
        if (v === null || v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += f.name + '=' + javaToString(v, f.type);
      }
      return out + '}';
    }
  }
}

const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/**
 * Java's `Base64.getDecoder().decode(text)`: the basic alphabet, padding optional but correct when
 * present; anything else (spaces, URL-safe characters, a dangling character) is an error. Returns
 * null for invalid input so callers can word their own error.
 */
export function decodeBase64Strict(text: string): Buffer | null {
  let body = text;
  let pad = 0;
  while (pad < 2 && body.endsWith('=')) {
    body = body.slice(0, -1);
    pad++;
  }
  if (!BASE64_BODY.test(body)) return null;
  const rem = body.length % 4;
  if (rem === 1) return null;
  if (pad > 0 && (body.length + pad) % 4 !== 0) return null;
  return Buffer.from(body, 'base64');
}
