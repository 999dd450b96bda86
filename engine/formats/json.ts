/**
 * The JSON format, as ksqlDB's KsqlJsonDeserializer / Connect JsonConverter behave.
 *
 * Reading: JSON.parse (or the lossless parser when the columns contain a DECIMAL), then a converter
 * compiled once per schema. Struct/row converters are generated JavaScript (field names quoted with
 * JSON.stringify, so any name is safe) so that each field lookup is a monomorphic property load.
 * Coercions follow ksqlDB: fields are found by exact name, then by upper-cased name; numbers from
 * numeric strings (`"12"` → INT), STRING from any scalar (`1` → "1", objects as compact JSON,
 * arrays as `[a, b]`), DECIMAL from numbers or strings with an exact fit check, BYTES from base64,
 * DATE/TIME/TIMESTAMP from numbers or numeric strings. Errors carry ksqlDB's text and the JSON path:
 * `Failed to deserialize value from topic: t. Can't convert type. sourceType: TextNode,
 * requiredType: INTEGER, path: $.FOO`.
 *
 * Writing: a compiled writer builds the JSON text directly (no intermediate objects): DOUBLE as
 * Java prints it (`1.0`, `1.0E7`), DECIMAL as a number keeping its scale (`1.50`), BYTES as base64,
 * DATE days / TIME ms / TIMESTAMP ms as numbers, struct fields in declared order (nulls included).
 */

import { SluiceError } from '../../common/index.js';
import {
  Decimal,
  bytesToBase64,
  decodeBase64Strict,
  ensureDecimalFit,
  javaDoubleToString,
  javaLongToString,
  parseJavaBigDecimal,
  parseJavaDouble,
  type SqlType,
  type StructField,
} from '../types/index.js';
import { JsonNumber, parseJsonLossless } from './json-parse.js';
import type { SerdeColumn } from './serde.js';

// ---------------------------------------------------------------------------------------------
// Errors with a JSON path
// ---------------------------------------------------------------------------------------------

/** A conversion failure; `path` grows as it unwinds (".FOO", "[2]", ".k.value"). */
export class JsonCoercionError extends Error {
  readonly raw: string;
  path: string;
  constructor(raw: string, path = '') {
    super(raw);
    this.raw = raw;
    this.path = path;
  }
}

function prefixPath(e: unknown, segment: string): JsonCoercionError {
  if (e instanceof JsonCoercionError) {
    e.path = segment + e.path;
    return e;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new JsonCoercionError(msg, segment);
}

/** Jackson's node class name for a parsed JSON value (used in ksqlDB's messages). */
export function jacksonNodeType(v: unknown): string {
  if (v === null || v === undefined) return 'NullNode';
  switch (typeof v) {
    case 'string':
      return 'TextNode';
    case 'boolean':
      return 'BooleanNode';
    case 'number':
      if (!Number.isInteger(v)) return 'DecimalNode';
      if (v >= -2147483648 && v <= 2147483647) return 'IntNode';
      if (v >= -9223372036854775808 && v <= 9223372036854775807) return 'LongNode';
      return 'BigIntegerNode';
    default:
      if (v instanceof JsonNumber) {
        if (v.isFloat) return 'DecimalNode';
        const b = BigInt(v.text);
        if (b >= -2147483648n && b <= 2147483647n) return 'IntNode';
        if (b >= -9223372036854775808n && b <= 9223372036854775807n) return 'LongNode';
        return 'BigIntegerNode';
      }
      return Array.isArray(v) ? 'ArrayNode' : 'ObjectNode';
  }
}

function invalid(v: unknown, required: string): JsonCoercionError {
  return new JsonCoercionError(`Can't convert type. sourceType: ${jacksonNodeType(v)}, requiredType: ${required}`);
}

function failedStringCoercion(target: string): JsonCoercionError {
  return new JsonCoercionError(`Can't coerce string to type. targetType: ${target}`);
}

/** ksqlDB's SqlSchemaFormatter(no quotes) over the Connect schema: INT, VARCHAR, STRUCT<F1 VARCHAR>. */
export function connectTypeText(type: SqlType): string {
  switch (type.kind) {
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      return 'INT';
    case 'BIGINT':
    case 'TIMESTAMP':
      return 'BIGINT';
    case 'STRING':
      return 'VARCHAR';
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${connectTypeText(type.element)}>`;
    case 'MAP':
      return `MAP<${connectTypeText(type.key)}, ${connectTypeText(type.value)}>`;
    case 'STRUCT':
      return type.fields.length === 0 ? 'STRUCT< >' : `STRUCT<${type.fields.map((f) => `${f.name} ${connectTypeText(f.type)}`).join(', ')}>`;
    default:
      return type.kind;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading: JSON value → run-time value
// ---------------------------------------------------------------------------------------------

/** Converts a non-null parsed JSON value; throws JsonCoercionError. */
export type JsonConverter = (v: unknown) => unknown;

const INT_TEXT = /^[+-]?\d+$/;

function parseIntText(text: string, target: string): number {
  if (!INT_TEXT.test(text)) throw failedStringCoercion(target);
  const n = Number(text);
  if (n < -2147483648 || n > 2147483647) throw failedStringCoercion(target);
  return n;
}

function parseLongText(text: string, target: string): number {
  if (!INT_TEXT.test(text)) throw failedStringCoercion(target);
  if (text.length < 16) return Number(text);
  const b = BigInt(text);
  if (b < -9223372036854775808n || b > 9223372036854775807n) throw failedStringCoercion(target);
  return Number(b);
}

/** Jackson's asLong() of a numeric node. */
function numberAsLong(v: number | JsonNumber): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (v.isFloat) return Math.trunc(v.value);
  return Number(BigInt.asIntN(64, BigInt(v.text)));
}

const toBoolean: JsonConverter = (v) => {
  if (typeof v === 'boolean') return v;
  throw invalid(v, 'BOOLEAN');
};

const toInteger: JsonConverter = (v) => {
  if (typeof v === 'number') return v | 0;
  if (typeof v === 'string') return parseIntText(v, 'INTEGER');
  if (v instanceof JsonNumber) return v.isFloat ? Math.trunc(v.value) | 0 : Number(BigInt.asIntN(32, BigInt(v.text)));
  throw invalid(v, 'INTEGER');
};

const toBigint: JsonConverter = (v) => {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string') return parseLongText(v, 'BIGINT');
  if (v instanceof JsonNumber) return numberAsLong(v);
  throw invalid(v, 'BIGINT');
};

const toDouble: JsonConverter = (v) => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    try {
      return parseJavaDouble(v);
    } catch {
      throw failedStringCoercion('DOUBLE');
    }
  }
  if (v instanceof JsonNumber) return v.value;
  throw invalid(v, 'DOUBLE');
};

/** Jackson's asText() of a number parsed by JSON.parse (best effort: the written text is gone). */
function numberText(n: number): string {
  if (Number.isInteger(n)) return javaLongToString(n);
  return Decimal.fromString(String(n)).toJavaString();
}

/** Compact JSON as Jackson writes a tree (numbers in Java's BigDecimal/BigInteger forms). */
export function javaJsonStringify(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? numberText(v) : JSON.stringify(String(v));
    case 'boolean':
      return v ? 'true' : 'false';
    default: {
      if (v instanceof JsonNumber) return v.javaText();
      if (Array.isArray(v)) return '[' + v.map(javaJsonStringify).join(',') + ']';
      const o = v as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const k of Object.keys(o)) {
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(k) + ':' + javaJsonStringify(o[k]);
      }
      return out + '}';
    }
  }
}

const toStringValue: JsonConverter = (v) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) return v.javaText();
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ', ';
      const e = v[i];
      if (e === null || e === undefined) out += 'null';
      else {
        try {
          out += toStringValue(e) as string;
        } catch (err) {
          throw prefixPath(err, `[${i}]`);
        }
      }
    }
    return out + ']';
  }
  return javaJsonStringify(v);
};

function toDecimalConverter(precision: number, scale: number): JsonConverter {
  const required = `DECIMAL(${precision}, ${scale})`;
  return (v) => {
    let d: Decimal | null;
    if (typeof v === 'number') {
      d = Number.isSafeInteger(v) ? new Decimal(BigInt(v), 0) : Number.isFinite(v) ? Decimal.fromString(String(v)) : null;
      if (d === null) throw invalid(v, required);
    } else if (v instanceof JsonNumber) {
      d = v.toDecimal();
    } else if (typeof v === 'string') {
      try {
        d = parseJavaBigDecimal(v);
      } catch (e) {
        throw new JsonCoercionError(e instanceof Error ? e.message : String(e));
      }
    } else {
      throw invalid(v, required);
    }
    try {
      return ensureDecimalFit(d, precision, scale);
    } catch (e) {
      throw new JsonCoercionError(e instanceof Error ? e.message : String(e));
    }
  };
}

const toBytes: JsonConverter = (v) => {
  if (typeof v === 'string') {
    const b = decodeBase64Strict(v);
    if (b === null) throw new JsonCoercionError(`Value is not a valid Base64 encoded string: ${v}`);
    return b;
  }
  throw invalid(v, 'BYTES');
};

const toDate: JsonConverter = (v) => {
  if (typeof v === 'number' || v instanceof JsonNumber) return numberAsLong(v);
  if (typeof v === 'string') return parseLongText(v, 'DATE');
  throw invalid(v, 'DATE');
};

const MS_PER_DAY = 86_400_000;

function checkTime(ms: number): number {
  if (ms >= 0 && ms <= MS_PER_DAY) return ms;
  throw new JsonCoercionError(`Time values must use number of milliseconds greater than 0 and less than ${MS_PER_DAY}.`);
}

const toTime: JsonConverter = (v) => {
  if (typeof v === 'number' || v instanceof JsonNumber) return checkTime(numberAsLong(v));
  if (typeof v === 'string') return checkTime(parseLongText(v, 'TIME'));
  throw invalid(v, 'TIME');
};

const toTimestamp: JsonConverter = (v) => {
  if (typeof v === 'number' || v instanceof JsonNumber) return numberAsLong(v);
  if (typeof v === 'string') return parseLongText(v, 'TIMESTAMP');
  throw invalid(v, 'TIMESTAMP');
};

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** Upper-cased view of an object's keys (later duplicates win, as Java's HashMap.put). */
export function upperCaseKeys(o: Record<string, unknown>): Record<string, unknown> {
  const m: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(o)) m[k.toUpperCase()] = o[k];
  return m;
}

/** Names for which `obj[name]` could hit Object.prototype: looked up with hasOwnProperty. */
function needsOwnCheck(name: string): boolean {
  return name in Object.prototype;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Generates `(obj) => [v0, v1, ...]` (asArray) or `(obj) => ({A: v0, ...})` for a STRUCT/row.
 * Field lookup: exact name, else upper-cased keys. Field names only ever appear inside
 * JSON.stringify'd string literals.
 */
function compileFieldsConverter(fields: readonly StructField[], asArray: boolean, required: string): JsonConverter {
  const convs = fields.map((f) => compileConverter(f.type));
  const names = fields.map((f) => f.name);
  const lines: string[] = [];
  lines.push('"use strict";');
  lines.push('return function convertFields(o) {');
  lines.push('  if (!isObj(o)) throw invalid(o, REQUIRED);');
  lines.push('  let u = null;');
  for (let i = 0; i < names.length; i++) {
    const lit = JSON.stringify(names[i]);
    const direct = needsOwnCheck(names[i]!) ? `(hasOwn.call(o, ${lit}) ? o[${lit}] : undefined)` : `o[${lit}]`;
    lines.push(`  let v${i} = ${direct};`);
    lines.push(`  if (v${i} === undefined) { if (u === null) u = upper(o); v${i} = u[${lit}]; }`);
  }
  lines.push('  let f = 0;');
  lines.push('  try {');
  for (let i = 0; i < names.length; i++) {
    lines.push(`    f = ${i};`);
    lines.push(`    const r${i} = v${i} == null ? null : C${i}(v${i});`);
  }
  if (asArray) {
    lines.push(`    return [${names.map((_, i) => `r${i}`).join(', ')}];`);
  } else {
    const props = names.map((n, i) => (n === '__proto__' ? `[${JSON.stringify(n)}]: r${i}` : `${JSON.stringify(n)}: r${i}`));
    lines.push(`    return {${props.join(', ')}};`);
  }
  lines.push('  } catch (e) { throw prefix(e, "." + NAMES[f]); }');
  lines.push('};');
  const params = ['isObj', 'invalid', 'REQUIRED', 'upper', 'hasOwn', 'prefix', 'NAMES', ...convs.map((_, i) => `C${i}`)];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...params, lines.join('\n')) as (...args: unknown[]) => JsonConverter;
  return factory(isJsonObject, invalid, required, upperCaseKeys, hasOwn, prefixPath, names, ...convs);
}

function compileArrayConverter(element: SqlType, required: string): JsonConverter {
  const conv = compileConverter(element);
  return (v) => {
    if (!Array.isArray(v)) throw invalid(v, required);
    const n = v.length;
    const out = new Array(n);
    let i = 0;
    try {
      for (; i < n; i++) {
        const e = v[i];
        out[i] = e == null ? null : conv(e);
      }
    } catch (e) {
      throw prefixPath(e, `[${i}]`);
    }
    return out;
  };
}

function compileMapConverter(value: SqlType, required: string): JsonConverter {
  const conv = compileConverter(value);
  return (v) => {
    if (!isJsonObject(v)) throw invalid(v, required);
    const out = new Map<string, unknown>();
    for (const k of Object.keys(v)) {
      const e = v[k];
      try {
        out.set(k, e == null ? null : conv(e));
      } catch (err) {
        throw prefixPath(err, `.${k}.value`);
      }
    }
    return out;
  };
}

/** The converter for one SQL type (for non-null JSON values). */
export function compileConverter(type: SqlType): JsonConverter {
  switch (type.kind) {
    case 'BOOLEAN':
      return toBoolean;
    case 'INTEGER':
      return toInteger;
    case 'BIGINT':
      return toBigint;
    case 'DOUBLE':
      return toDouble;
    case 'STRING':
      return toStringValue;
    case 'DECIMAL':
      return toDecimalConverter(type.precision, type.scale);
    case 'BYTES':
      return toBytes;
    case 'DATE':
      return toDate;
    case 'TIME':
      return toTime;
    case 'TIMESTAMP':
      return toTimestamp;
    case 'ARRAY':
      return compileArrayConverter(type.element, connectTypeText(type));
    case 'MAP':
      return compileMapConverter(type.value, connectTypeText(type));
    case 'STRUCT':
      return compileFieldsConverter(type.fields, false, connectTypeText(type));
  }
}

/** Converter from a parsed JSON document (non-null) to a row, for wrapped (object) rows. */
export function compileRowConverter(columns: readonly SerdeColumn[]): JsonConverter {
  const fields = columns.map((c) => ({ name: c.name, type: c.type }));
  return compileFieldsConverter(fields, true, connectTypeText({ kind: 'STRUCT', fields }));
}

export function containsDecimal(type: SqlType): boolean {
  switch (type.kind) {
    case 'DECIMAL':
      return true;
    case 'ARRAY':
      return containsDecimal(type.element);
    case 'MAP':
      return containsDecimal(type.key) || containsDecimal(type.value);
    case 'STRUCT':
      return type.fields.some((f) => containsDecimal(f.type));
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing: run-time value → JSON text
// ---------------------------------------------------------------------------------------------

/** Writes a non-null run-time value as JSON text. */
export type JsonWriter = (v: any) => string;

const writeBoolean: JsonWriter = (v: boolean) => (v ? 'true' : 'false');
const writeLong: JsonWriter = (v: number) => (Number.isSafeInteger(v) ? '' + v : javaLongToString(v));
const writeDouble: JsonWriter = (v: number) => (Number.isFinite(v) ? javaDoubleToString(v) : '"' + javaDoubleToString(v) + '"');
/** A string as JSON: short text with nothing to escape just gets its quotes (cheaper than JSON.stringify). */
const writeString: JsonWriter = (v: string) => {
  const n = v.length;
  if (n > 64) return JSON.stringify(v);
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    // control characters, quote, backslash and surrogates (a lone one is escaped) take the slow path
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(v);
  }
  return '"' + v + '"';
};
const writeDecimal: JsonWriter = (v: Decimal) => v.toJavaString();
const writeBytes: JsonWriter = (v: Buffer) => '"' + bytesToBase64(v) + '"';

function compileArrayWriter(element: SqlType): JsonWriter {
  const w = compileWriter(element);
  return (v: readonly unknown[]) => {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      const e = v[i];
      out += e == null ? 'null' : w(e);
    }
    return out + ']';
  };
}

function compileMapWriter(value: SqlType): JsonWriter {
  const w = compileWriter(value);
  return (v: Map<unknown, unknown>) => {
    let out = '{';
    let first = true;
    for (const [k, e] of v) {
      if (!first) out += ',';
      first = false;
      out += JSON.stringify(String(k)) + ':' + (e == null ? 'null' : w(e));
    }
    return out + '}';
  };
}

/**
 * Generates a writer for an object with the given fields, reading field i from `v[i]` (asArray,
 * for rows) or `v["name"]` (structs). Each key's `"name":` prefix is a constant string.
 */
function compileFieldsWriter(fields: readonly StructField[], asArray: boolean): JsonWriter {
  if (fields.length === 0) return () => '{}';
  const writers = fields.map((f) => compileWriter(f.type));
  const parts: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const keyText = (i === 0 ? '{' : ',') + JSON.stringify(fields[i]!.name) + ':';
    const lit = JSON.stringify(fields[i]!.name);
    const access = asArray ? `v[${i}]` : needsOwnCheck(fields[i]!.name) ? `(hasOwn.call(v, ${lit}) ? v[${lit}] : null)` : `v[${lit}]`;
    parts.push(`${JSON.stringify(keyText)} + ((x = ${access}) == null ? "null" : W${i}(x))`);
  }
  const body = `"use strict";\nreturn function writeFields(v) {\n  let x;\n  return ${parts.join(' +\n    ')} + "}";\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('hasOwn', ...writers.map((_, i) => `W${i}`), body) as (...args: unknown[]) => JsonWriter;
  return factory(hasOwn, ...writers);
}

/** The writer for one SQL type (for non-null values). */
export function compileWriter(type: SqlType): JsonWriter {
  switch (type.kind) {
    case 'BOOLEAN':
      return writeBoolean;
    case 'INTEGER':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return writeLong;
    case 'DOUBLE':
      return writeDouble;
    case 'STRING':
      return writeString;
    case 'DECIMAL':
      return writeDecimal;
    case 'BYTES':
      return writeBytes;
    case 'ARRAY':
      return compileArrayWriter(type.element);
    case 'MAP':
      return compileMapWriter(type.value);
    case 'STRUCT':
      return compileFieldsWriter(type.fields, false);
  }
}

/** Writer for a wrapped row (a JSON object with one field per column, in column order). */
export function compileRowWriter(columns: readonly SerdeColumn[]): JsonWriter {
  return compileFieldsWriter(
    columns.map((c) => ({ name: c.name, type: c.type })),
    true,
  );
}

// ---------------------------------------------------------------------------------------------
// Reading flat rows straight from the bytes
// ---------------------------------------------------------------------------------------------

/** Reads a row from JSON bytes; undefined when the document is not one it is sure about. */
export type FlatRowParser = (bytes: Buffer) => unknown[] | undefined;

const FLAT_STRING = 0;
const FLAT_DOUBLE = 1;
const FLAT_INTEGER = 2;
const FLAT_BIGINT = 3;
const FLAT_BOOLEAN = 4;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

function flatKind(type: SqlType): number {
  switch (type.kind) {
    case 'STRING':
      return FLAT_STRING;
    case 'DOUBLE':
      return FLAT_DOUBLE;
    case 'INTEGER':
      return FLAT_INTEGER;
    case 'BIGINT':
      return FLAT_BIGINT;
    case 'BOOLEAN':
      return FLAT_BOOLEAN;
    default:
      return -1;
  }
}

/**
 * A parser for the common row: a flat JSON object whose keys are exactly column names (ASCII, no
 * escapes, each at most once) and whose values are null or of the column's own JSON type — ASCII
 * strings without escapes for STRING, numbers of at most 15 digits without an exponent for DOUBLE
 * (an integer literal for INTEGER/BIGINT), true/false for BOOLEAN. For those documents it gives
 * exactly what JSON.parse and the row converter give (m / 10^k of exact doubles is the correctly
 * rounded value JSON.parse computes), without the intermediate string and object. On anything
 * else (other keys, coercions, escapes, non-ASCII, invalid JSON) it answers undefined and the
 * caller takes the general path, which also produces the errors. Null when the columns are not
 * all of those types or a missing column could be found under an upper-cased key.
 */
export function compileFlatRowParser(columns: readonly SerdeColumn[]): FlatRowParser | null {
  const n = columns.length;
  if (n === 0 || n > 30) return null;
  const kinds = columns.map((c) => flatKind(c.type));
  if (kinds.some((k) => k < 0)) return null;
  const names = columns.map((c) => Buffer.from(c.name, 'utf8'));
  if (columns.some((c, i) => names[i]!.length !== c.name.length || needsOwnCheck(c.name) || /["\\\u0000-\u001f]/.test(c.name))) return null;
  // A missing column is null only when no present key upper-cases to its name (ksqlDB's fallback).
  const missingIsNull = columns.every((c) => c.name.toUpperCase() === c.name);
  const all = (1 << n) - 1;
  const isSpace = (c: number | undefined): boolean => c === 32 || c === 10 || c === 13 || c === 9;
  return (b) => {
    const end = b.length;
    const row = new Array<unknown>(n);
    let seen = 0;
    let p = 0;
    while (isSpace(b[p])) p++;
    if (b[p++] !== 123) return undefined; // {
    while (isSpace(b[p])) p++;
    if (b[p] === 125) p++;
    else {
      for (;;) {
        if (b[p++] !== 34) return undefined;
        const keyStart = p;
        while (p < end && b[p] !== 34) {
          const c = b[p]!;
          if (c === 92 || c < 0x20 || c >= 0x80) return undefined;
          p++;
        }
        if (p >= end) return undefined;
        const keyLength = p - keyStart;
        p++;
        let column = -1;
        for (let i = 0; i < n; i++) {
          const name = names[i]!;
          if (name.length !== keyLength) continue;
          let j = 0;
          while (j < keyLength && name[j] === b[keyStart + j]) j++;
          if (j === keyLength) {
            column = i;
            break;
          }
        }
        if (column < 0 || (seen & (1 << column)) !== 0) return undefined;
        seen |= 1 << column;
        while (isSpace(b[p])) p++;
        if (b[p++] !== 58) return undefined; // :
        while (isSpace(b[p])) p++;
        const first = b[p];
        if (first === 110) {
          if (b[p + 1] !== 117 || b[p + 2] !== 108 || b[p + 3] !== 108) return undefined;
          row[column] = null;
          p += 4;
        } else {
          const kind = kinds[column]!;
          if (kind === FLAT_STRING) {
            if (first !== 34) return undefined;
            const start = ++p;
            while (p < end) {
              const c = b[p]!;
              if (c === 34) break;
              if (c === 92 || c < 0x20 || c >= 0x80) return undefined;
              p++;
            }
            if (p >= end) return undefined;
            row[column] = b.toString('latin1', start, p);
            p++;
          } else if (kind === FLAT_BOOLEAN) {
            if (first === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) {
              row[column] = true;
              p += 4;
            } else if (first === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) {
              row[column] = false;
              p += 5;
            } else {
              return undefined;
            }
          } else {
            const negative = first === 45;
            if (negative) p++;
            const digitsStart = p;
            let mantissa = 0;
            while (p < end) {
              const c = b[p]!;
              if (c < 48 || c > 57) break;
              mantissa = mantissa * 10 + (c - 48);
              p++;
            }
            let digits = p - digitsStart;
            if (digits === 0 || (digits > 1 && b[digitsStart] === 48)) return undefined;
            let scale = 0;
            if (b[p] === 46) {
              if (kind !== FLAT_DOUBLE) return undefined;
              const fractionStart = ++p;
              while (p < end) {
                const c = b[p]!;
                if (c < 48 || c > 57) break;
                mantissa = mantissa * 10 + (c - 48);
                p++;
              }
              scale = p - fractionStart;
              if (scale === 0) return undefined;
              digits += scale;
            }
            if (digits > 15 || b[p] === 101 || b[p] === 69) return undefined;
            let v = scale === 0 ? mantissa : mantissa / POWERS_OF_TEN[scale]!;
            if (negative) v = -v;
            row[column] = kind === FLAT_INTEGER ? v | 0 : v;
          }
        }
        while (isSpace(b[p])) p++;
        const next = b[p++];
        if (next === 44) {
          while (isSpace(b[p])) p++;
          continue;
        }
        if (next === 125) break;
        return undefined;
      }
    }
    while (isSpace(b[p])) p++;
    if (p !== end) return undefined;
    if (seen !== all) {
      if (!missingIsNull) return undefined;
      for (let i = 0; i < n; i++) if ((seen & (1 << i)) === 0) row[i] = null;
    }
    return row;
  };
}

// ---------------------------------------------------------------------------------------------
// The serde
// ---------------------------------------------------------------------------------------------

export interface JsonSerdeParts {
  serialize(values: readonly unknown[] | null): Buffer | null;
  deserialize(bytes: Buffer | null): unknown[] | null;
}

/**
 * Builds JSON serialize/deserialize for the columns. `wrapped`: the row is a JSON object (always
 * for several columns); unwrapped: exactly one column written as the bare value.
 */
export function createJsonSerde(columns: readonly SerdeColumn[], wrapped: boolean, target: 'key' | 'value', topic: string): JsonSerdeParts {
  const lossless = columns.some((c) => containsDecimal(c.type));
  const parse: (text: string) => unknown = lossless ? parseJsonLossless : JSON.parse;
  const fail = (detail: string, cause?: unknown): SluiceError =>
    new SluiceError('ENGINE_SERDE', `Failed to deserialize ${target} from topic: ${topic}. ${detail}`, { topic, target }, { cause });
  const parseBytes = (bytes: Buffer): unknown => {
    try {
      return parse(bytes.toString('utf8'));
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), e);
    }
  };

  if (wrapped) {
    const convert = compileRowConverter(columns);
    const write = compileRowWriter(columns);
    const flat = compileFlatRowParser(columns);
    return {
      deserialize(bytes) {
        if (bytes === null) return null;
        if (flat !== null) {
          const row = flat(bytes);
          if (row !== undefined) return row;
        }
        const doc = parseBytes(bytes);
        if (doc === null) return null;
        try {
          return convert(doc) as unknown[];
        } catch (e) {
          const c = prefixPath(e, '$');
          throw fail(`${c.raw}, path: ${c.path}`, e);
        }
      },
      serialize(values) {
        if (values === null) return null;
        return Buffer.from(write(values), 'utf8');
      },
    };
  }

  const column = columns[0]!;
  const convert = compileConverter(column.type);
  const write = compileWriter(column.type);
  return {
    deserialize(bytes) {
      if (bytes === null) return null;
      const doc = parseBytes(bytes);
      if (doc === null) return [null];
      try {
        return [convert(doc)];
      } catch (e) {
        const c = prefixPath(e, '$');
        throw fail(`${c.raw}, path: ${c.path}`, e);
      }
    },
    serialize(values) {
      if (values === null) return null;
      const v = values[0];
      if (v === null || v === undefined) return null;
      return Buffer.from(write(v), 'utf8');
    },
  };
}
