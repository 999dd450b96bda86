/**
 * The DELIMITED format (CSV), as ksqlDB's KsqlDelimitedSerializer/Deserializer over Apache
 * commons-csv 1.4 with CSVFormat.DEFAULT and a custom delimiter.
 *
 * Reading: the first record of the text (empty lines skipped); fields may be quoted with `"` (a
 * doubled `""` inside is a quote); an empty field is null; the field count must equal the column
 * count. Per type: BOOLEAN is Java's Boolean.parseBoolean (anything but "true" is false), INT/BIGINT
 * /DOUBLE Java parsing, DECIMAL exact with a fit check, BYTES base64, DATE days, TIME ms, TIMESTAMP
 * ms. Only primitive types are allowed.
 *
 * Writing: DOUBLE as Java prints it, DECIMAL plain, BYTES base64, DATE/TIME/TIMESTAMP as numbers,
 * null as an empty field; quoting as commons-csv 1.4's MINIMAL mode: a value is quoted when it is
 * empty and first, starts (first field) with a non-alphanumeric or (any field) with a character
 * <= '#', contains the delimiter, a quote, CR or LF, or ends with a character <= ' '.
 */

import { SluiceError } from '../../common/index.js';
import {
  bytesToBase64,
  decodeBase64Strict,
  ensureDecimalFit,
  javaDoubleToString,
  javaLongToString,
  parseJavaBigDecimal,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  type Decimal,
  type SqlType,
} from '../types/index.js';
import type { SerdeColumn } from './serde.js';

/**
 * ksqlDB's Delimiter.parse: a single character, or TAB / SPACE. Throws CONFIG-style errors with
 * ksqlDB's wording (the caller prefixes "Configuration VALUE_DELIMITER is invalid: ").
 */
export function parseDelimiter(text: string): string {
  if (text.trim().length === 0) {
    throw new SluiceError(
      'ENGINE_FORMAT_UNSUPPORTED',
      "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'",
      { expected: 'a single character, TAB or SPACE', found: text },
    );
  }
  if (text.length === 1) return text;
  if (text === 'TAB') return '\t';
  if (text === 'SPACE') return ' ';
  throw new SluiceError(
    'ENGINE_FORMAT_UNSUPPORTED',
    `Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`,
    { expected: 'a single character, TAB or SPACE', found: text },
  );
}

// ---------------------------------------------------------------------------------------------
// CSV parsing (one record)
// ---------------------------------------------------------------------------------------------

const CR = 13;
const LF = 10;
const QUOTE = 34;

/**
 * Parses the first record of `text` (commons-csv DEFAULT semantics with `delimiter`). Returns null
 * when there is no record (empty text or only empty lines). Throws Error on a malformed quoted field.
 */
export function parseCsvRecord(text: string, delimiter: string): string[] | null {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  // skip empty lines
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CR || c === LF) i++;
    else break;
  }
  if (i >= n) return null;
  const fields: string[] = [];
  for (;;) {
    // one token
    if (i < n && text.charCodeAt(i) === QUOTE) {
      i++;
      let value = '';
      let start = i;
      for (;;) {
        if (i >= n) throw new Error('EOF reached before encapsulated token finished');
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          if (i + 1 < n && text.charCodeAt(i + 1) === QUOTE) {
            value += text.slice(start, i + 1);
            i += 2;
            start = i;
            continue;
          }
          value += text.slice(start, i);
          i++;
          break;
        }
        i++;
      }
      // after the closing quote: whitespace, then delimiter / end of line / end of input
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === d || c === CR || c === LF) break;
        if (c === 32 || c === 9 || c === 12) {
          i++;
          continue;
        }
        throw new Error('invalid char between encapsulated token and delimiter');
      }
      fields.push(value);
    } else {
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === d || c === CR || c === LF) break;
        i++;
      }
      fields.push(text.slice(start, i));
    }
    if (i >= n) return fields;
    const c = text.charCodeAt(i);
    if (c === d) {
      i++;
      if (i >= n) {
        fields.push('');
        return fields;
      }
      continue;
    }
    return fields; // end of line: only the first record counts
  }
}

/** Appends one value as commons-csv 1.4 prints it (MINIMAL quoting), `first` = first in record. */
export function quoteCsvValue(value: string, first: boolean, delimiter: string): string {
  const len = value.length;
  let quote = false;
  if (len === 0) {
    quote = first;
  } else {
    const c = value.charCodeAt(0);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (first && !alnum) quote = true;
    else if (c <= 35) quote = true; // '#'
    else {
      const d = delimiter.charCodeAt(0);
      for (let i = 0; i < len; i++) {
        const x = value.charCodeAt(i);
        if (x === LF || x === CR || x === QUOTE || x === d) {
          quote = true;
          break;
        }
      }
      if (!quote && value.charCodeAt(len - 1) <= 32) quote = true;
    }
  }
  if (!quote) return value;
  return '"' + value.replace(/"/g, '""') + '"';
}

// ---------------------------------------------------------------------------------------------
// Per-type parsers and printers
// ---------------------------------------------------------------------------------------------

type FieldParser = (text: string) => unknown;
type FieldPrinter = (v: any) => string;

const MS_PER_DAY = 86_400_000;

function fieldParser(type: SqlType): FieldParser {
  switch (type.kind) {
    case 'BOOLEAN':
      return (t) => t.toLowerCase() === 'true';
    case 'INTEGER':
      return parseJavaInt;
    case 'BIGINT':
      return parseJavaLong;
    case 'DOUBLE':
      return parseJavaDouble;
    case 'STRING':
      return (t) => t;
    case 'BYTES':
      return (t) => {
        const b = decodeBase64Strict(t);
        if (b === null) throw new Error(`Value is not a valid Base64 encoded string: ${t}`);
        return b;
      };
    case 'DECIMAL': {
      const { precision, scale } = type;
      return (t) => ensureDecimalFit(parseJavaBigDecimal(t), precision, scale);
    }
    case 'TIME':
      return (t) => {
        const ms = parseJavaLong(t);
        if (ms >= 0 && ms <= MS_PER_DAY) return ms;
        throw new Error(`Time values must use number of milliseconds greater than 0 and less than ${MS_PER_DAY}.`);
      };
    case 'DATE':
      return parseJavaInt;
    case 'TIMESTAMP':
      return parseJavaLong;
    default:
      throw unsupportedType(type);
  }
}

function fieldPrinter(type: SqlType): FieldPrinter {
  switch (type.kind) {
    case 'BOOLEAN':
      return (v: boolean) => (v ? 'true' : 'false');
    case 'INTEGER':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return javaLongToString;
    case 'DOUBLE':
      return javaDoubleToString;
    case 'STRING':
      return (v: string) => v;
    case 'BYTES':
      return bytesToBase64;
    case 'DECIMAL':
      return (v: Decimal) => v.toString();
    default:
      throw unsupportedType(type);
  }
}

function unsupportedType(type: SqlType): SluiceError {
  return new SluiceError('ENGINE_FORMAT_UNSUPPORTED', `The 'DELIMITED' format does not support type '${type.kind}'`, { found: type.kind });
}

export interface DelimitedSerdeParts {
  serialize(values: readonly unknown[] | null): Buffer | null;
  deserialize(bytes: Buffer | null): unknown[] | null;
}

export function createDelimitedSerde(columns: readonly SerdeColumn[], delimiter: string, topic: string): DelimitedSerdeParts {
  const parsers = columns.map((c) => fieldParser(c.type));
  const printers = columns.map((c) => fieldPrinter(c.type));
  const count = columns.length;
  const fail = (detail: string, cause?: unknown): SluiceError =>
    new SluiceError('ENGINE_SERDE', `Error deserializing delimited: ${detail}`, { topic }, { cause });
  return {
    deserialize(bytes) {
      if (bytes === null) return null;
      let fields: string[] | null;
      try {
        fields = parseCsvRecord(bytes.toString('utf8'), delimiter);
      } catch (e) {
        throw fail(e instanceof Error ? e.message : String(e), e);
      }
      if (fields === null || fields.length === 0) throw fail('No fields in record');
      if (fields.length !== count) {
        throw fail(`Column count mismatch on deserialization. topic: ${topic}, expected: ${count}, got: ${fields.length}`);
      }
      const out = new Array(count);
      for (let i = 0; i < count; i++) {
        const t = fields[i]!;
        if (t.length === 0) {
          out[i] = null;
          continue;
        }
        try {
          out[i] = parsers[i]!(t);
        } catch (e) {
          throw fail(e instanceof Error ? e.message : String(e), e);
        }
      }
      return out;
    },
    serialize(values) {
      if (values === null) return null;
      if (values.length !== count) {
        throw new SluiceError('ENGINE_SERDE', `Column count mismatch on serialization. topic: ${topic}, expected: ${count}, got: ${values.length}`, {
          topic,
        });
      }
      let out = '';
      for (let i = 0; i < count; i++) {
        if (i > 0) out += delimiter;
        const v = values[i];
        if (v === null || v === undefined) continue; // null prints nothing, never quoted
        out += quoteCsvValue(printers[i]!(v), i === 0, delimiter);
      }
      return Buffer.from(out, 'utf8');
    },
  };
}
