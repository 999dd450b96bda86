/**
 * Row keys as state-store keys: engine values encoded so that byte order follows value order
 * (over storage/state's KeyWriter), self-delimiting (several columns concatenate, and a window
 * start or sequence number can follow), and decodable.
 *
 * Equal values (as `hashKey` / grouping sees them) encode to equal bytes: -0 is 0, every NaN is
 * one NaN, DECIMALs are normalized (1.0 and 1.00 encode alike; `decodeKey` gives the scale back
 * when told the column types). Tags: null 01 < false 02 < true 03 < numbers 10 < DECIMAL 11 <
 * STRING 12 < BYTES 13 < ARRAY 20 < MAP 21 < STRUCT 22; containers end with 00. No encoded key
 * starts with 0xFF (changelog commit markers use that).
 * Strings order by UTF-8 bytes (code points), as ksqlDB's stores order serialized keys.
 */
import { SluiceError, mismatch } from '../../common/index.js';
import { KeyReader, KeyWriter } from '../../storage/state/index.js';
import { Decimal } from '../types/index.js';
import type { SqlType } from '../types/index.js';

const NULL = 0x01;
const FALSE = 0x02;
const TRUE = 0x03;
const NUMBER = 0x10;
const DECIMAL = 0x11;
const STRING = 0x12;
const BYTES = 0x13;
const ARRAY = 0x20;
const MAP = 0x21;
const STRUCT = 0x22;
const END = 0x00;
const FIELD = 0x01;

const DECIMAL_NEGATIVE = 0x01;
const DECIMAL_ZERO = 0x02;
const DECIMAL_POSITIVE = 0x03;
const EXPONENT_BIAS = 0x80000000;

/** The encoding of a key with no columns (storage keys cannot be empty). */
const EMPTY_KEY = Buffer.from([END]);

const shared = new KeyWriter(256);

function writeDecimal(writer: KeyWriter, value: Decimal): void {
  writer.uint8(DECIMAL);
  const sign = value.signum();
  if (sign === 0) {
    writer.uint8(DECIMAL_ZERO);
    return;
  }
  const normalized = value.stripTrailingZeros();
  const digits = (sign < 0 ? -normalized.unscaled : normalized.unscaled).toString();
  // value = 0.<digits> x 10^exponent
  const exponent = digits.length - normalized.scale;
  if (sign > 0) {
    writer.uint8(DECIMAL_POSITIVE).uint32(exponent + EXPONENT_BIAS);
    for (let index = 0; index < digits.length; index++) writer.uint8(digits.charCodeAt(index));
    writer.uint8(END);
  } else {
    writer.uint8(DECIMAL_NEGATIVE).uint32(-exponent + EXPONENT_BIAS);
    for (let index = 0; index < digits.length; index++) writer.uint8(0x69 - digits.charCodeAt(index)); // '0'<->'9'
    writer.uint8(0xff);
  }
}

function readDecimal(reader: KeyReader): Decimal {
  const kind = reader.uint8();
  if (kind === DECIMAL_ZERO) return Decimal.ZERO;
  if (kind !== DECIMAL_POSITIVE && kind !== DECIMAL_NEGATIVE) throw corrupt('decimal sign', kind);
  const negative = kind === DECIMAL_NEGATIVE;
  const biased = reader.uint32();
  const exponent = negative ? -(biased - EXPONENT_BIAS) : biased - EXPONENT_BIAS;
  let digits = '';
  for (;;) {
    const byte = reader.uint8();
    if (byte === (negative ? 0xff : END)) break;
    digits += String.fromCharCode(negative ? 0x69 - byte : byte);
  }
  let unscaled = BigInt(digits);
  let scale = digits.length - exponent;
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return new Decimal(negative ? -unscaled : unscaled, scale);
}

function corrupt(what: string, found: number): SluiceError {
  return new SluiceError('STATE_CORRUPT', `state key: unexpected ${what} byte 0x${found.toString(16)}`, { expected: what, found: String(found) });
}

/** Writes one value. */
export function writeKeyValue(writer: KeyWriter, value: unknown): void {
  if (value === null || value === undefined) {
    writer.uint8(NULL);
    return;
  }
  switch (typeof value) {
    case 'number':
      writer.uint8(NUMBER).double(value);
      return;
    case 'string':
      writer.uint8(STRING).string(value);
      return;
    case 'boolean':
      writer.uint8(value ? TRUE : FALSE);
      return;
    case 'object':
      if (value instanceof Decimal) {
        writeDecimal(writer, value);
        return;
      }
      if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
        writer.uint8(BYTES).escapedBytes(value);
        return;
      }
      if (Array.isArray(value)) {
        writer.uint8(ARRAY);
        for (const element of value) writeKeyValue(writer, element);
        writer.uint8(END);
        return;
      }
      if (value instanceof Map) {
        const entries: Array<[Buffer, Buffer]> = [];
        for (const [k, v] of value) {
          const keyWriter = new KeyWriter(32);
          writeKeyValue(keyWriter, k);
          const valueWriter = new KeyWriter(32);
          writeKeyValue(valueWriter, v);
          entries.push([keyWriter.finish(), valueWriter.finish()]);
        }
        entries.sort((a, b) => Buffer.compare(a[0], b[0]));
        writer.uint8(MAP);
        for (const [k, v] of entries) writer.raw(k).raw(v);
        writer.uint8(END);
        return;
      }
      writer.uint8(STRUCT);
      for (const name of Object.keys(value)) {
        writer.uint8(FIELD).string(name);
        writeKeyValue(writer, (value as Record<string, unknown>)[name]);
      }
      writer.uint8(END);
      return;
    default:
      throw mismatch('INVALID_ARGUMENT', 'state key value', 'a SQL value', typeof value);
  }
}

/** Reads one value. */
export function readKeyValue(reader: KeyReader, type?: SqlType): unknown {
  const tag = reader.uint8();
  switch (tag) {
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case NUMBER:
      return reader.double();
    case DECIMAL: {
      const decimal = readDecimal(reader);
      return type?.kind === 'DECIMAL' && decimal.scale !== type.scale ? decimal.setScale(type.scale) : decimal;
    }
    case STRING:
      return reader.string();
    case BYTES:
      return Buffer.from(reader.escapedBytes());
    case ARRAY: {
      const out: unknown[] = [];
      const element = type?.kind === 'ARRAY' ? type.element : undefined;
      while (reader.peek() !== END) out.push(readKeyValue(reader, element));
      reader.uint8();
      return out;
    }
    case MAP: {
      const out = new Map<unknown, unknown>();
      while (reader.peek() !== END) {
        const k = readKeyValue(reader, type?.kind === 'MAP' ? type.key : undefined);
        out.set(k, readKeyValue(reader, type?.kind === 'MAP' ? type.value : undefined));
      }
      reader.uint8();
      return out;
    }
    case STRUCT: {
      const out: Record<string, unknown> = {};
      for (;;) {
        const marker = reader.uint8();
        if (marker === END) break;
        if (marker !== FIELD) throw corrupt('struct field', marker);
        const name = reader.string();
        const fieldType = type?.kind === 'STRUCT' ? type.fields.find((field) => field.name === name)?.type : undefined;
        const field = readKeyValue(reader, fieldType);
        if (name === '__proto__') Object.defineProperty(out, name, { value: field, enumerable: true, writable: true, configurable: true });
        else out[name] = field;
      }
      return out;
    }
    default:
      throw corrupt('value tag', tag);
  }
}

/** Writes the columns of a key (nothing for none: callers that need a non-empty key use encodeKey). */
export function writeKeyValues(writer: KeyWriter, values: readonly unknown[]): void {
  for (let index = 0; index < values.length; index++) writeKeyValue(writer, values[index]);
}

/** Reads key columns until `endPosition` (exclusive). */
export function readKeyValues(reader: KeyReader, endPosition: number, types?: readonly SqlType[]): unknown[] {
  const out: unknown[] = [];
  if (endPosition - reader.position === 1 && reader.bytes[reader.position] === END) {
    reader.position++;
    return out;
  }
  while (reader.position < endPosition) out.push(readKeyValue(reader, types?.[out.length]));
  if (reader.position !== endPosition) throw new SluiceError('STATE_CORRUPT', `state key: columns overran their end (${reader.position} > ${endPosition})`);
  return out;
}

/** The sortable bytes of a row key. */
export function encodeKey(values: readonly unknown[]): Buffer {
  if (values.length === 0) return EMPTY_KEY;
  const writer = shared.reset();
  writeKeyValues(writer, values);
  return writer.finish();
}

/** Writes a row key as `encodeKey` does (the 00 byte for no columns), for composite keys. */
export function writeRowKey(writer: KeyWriter, values: readonly unknown[]): void {
  if (values.length === 0) writer.uint8(END);
  else writeKeyValues(writer, values);
}

/** The row key back from `encodeKey` bytes; `types` restore DECIMAL scales. */
export function decodeKey(bytes: Buffer, types?: readonly SqlType[]): unknown[] {
  return readKeyValues(new KeyReader(bytes), bytes.length, types);
}
