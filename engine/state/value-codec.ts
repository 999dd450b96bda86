/**
 * How store values become bytes (in the local store and in the changelog).
 *
 * `engineValueCodec` writes any engine value — null, booleans, numbers (-0, NaN and infinities
 * kept), strings, Buffers, Decimals (scale kept), arrays, Maps, structs (plain objects), and
 * bigints for accumulators that need them — in a compact tagged binary form. It is the default
 * for aggregate state (accumulators need not be SQL rows). `rowSerdeCodec(serde)` stores rows
 * with one of ksqlDB's formats instead (engine/formats), so the changelog holds exactly what
 * ksqlDB would write for that schema.
 */
import { SluiceError, mismatch } from '../../common/index.js';
import { Decimal } from '../types/index.js';
import type { RowSerde } from '../formats/index.js';

export interface ValueCodec<T> {
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
}

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_INT32 = 3;
const T_DOUBLE = 4;
const T_STRING = 5;
const T_BYTES = 6;
const T_DECIMAL = 7;
const T_ARRAY = 8;
const T_MAP = 9;
const T_STRUCT = 10;
const T_BIGINT = 11;

class Writer {
  buffer = Buffer.allocUnsafe(1024);
  position = 0;

  ensure(extra: number): void {
    const needed = this.position + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.position);
    this.buffer = next;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.position++] = value;
  }

  varint(value: number): void {
    this.ensure(5);
    let remaining = value >>> 0;
    while (remaining >= 0x80) {
      this.buffer[this.position++] = (remaining & 0x7f) | 0x80;
      remaining >>>= 7;
    }
    this.buffer[this.position++] = remaining;
  }

  string(value: string): void {
    if (value.length < 43) {
      // At most 126 UTF-8 bytes: a one-byte length, written after the text.
      this.ensure(1 + value.length * 3);
      // ASCII (field names, most keys): byte by byte, cheaper than a native write for short text.
      const buffer = this.buffer;
      const start = this.position + 1;
      let index = 0;
      for (; index < value.length; index++) {
        const code = value.charCodeAt(index);
        if (code >= 0x80) break;
        buffer[start + index] = code;
      }
      if (index === value.length) {
        buffer[this.position] = index;
        this.position = start + index;
        return;
      }
      const written = this.buffer.write(value, start, 'utf8');
      this.buffer[this.position] = written;
      this.position = start + written;
      return;
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.position += this.buffer.write(value, this.position, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.position);
    this.position += value.length;
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.position);
    this.buffer.copy(out, 0, 0, this.position);
    return out;
  }
}

const writer = new Writer();

function write(value: unknown, depth: number): void {
  if (depth > 200) throw mismatch('LIMIT_EXCEEDED', 'state value nesting', 'at most 200 levels', `${depth}`);
  if (value === null || value === undefined) {
    writer.byte(T_NULL);
    return;
  }
  switch (typeof value) {
    case 'number':
      if ((value | 0) === value && !Object.is(value, -0)) {
        writer.ensure(5);
        writer.buffer[writer.position++] = T_INT32;
        writer.buffer.writeInt32LE(value, writer.position);
        writer.position += 4;
      } else {
        writer.ensure(9);
        writer.buffer[writer.position++] = T_DOUBLE;
        writer.buffer.writeDoubleLE(value, writer.position);
        writer.position += 8;
      }
      return;
    case 'string':
      writer.byte(T_STRING);
      writer.string(value);
      return;
    case 'boolean':
      writer.byte(value ? T_TRUE : T_FALSE);
      return;
    case 'bigint':
      writer.byte(T_BIGINT);
      writer.string(value.toString());
      return;
    case 'object':
      if (value instanceof Decimal) {
        writer.byte(T_DECIMAL);
        writer.varint(value.scale + 0x8000);
        writer.string(value.unscaled.toString());
        return;
      }
      if (value instanceof Uint8Array) {
        writer.byte(T_BYTES);
        writer.bytes(value);
        return;
      }
      if (Array.isArray(value)) {
        writer.byte(T_ARRAY);
        writer.varint(value.length);
        for (let index = 0; index < value.length; index++) write(value[index], depth + 1);
        return;
      }
      if (value instanceof Map) {
        writer.byte(T_MAP);
        writer.varint(value.size);
        for (const [k, v] of value) {
          write(k, depth + 1);
          write(v, depth + 1);
        }
        return;
      }
      {
        const record = value as Record<string, unknown>;
        const names = Object.keys(record);
        writer.byte(T_STRUCT);
        writer.varint(names.length);
        for (const name of names) {
          writer.string(name);
          write(record[name], depth + 1);
        }
      }
      return;
    default:
      throw mismatch('INVALID_ARGUMENT', 'state value', 'an engine value', typeof value);
  }
}

class Reader {
  position = 0;
  constructor(readonly bytes: Buffer) {}

  need(count: number): void {
    if (this.position + count > this.bytes.length) {
      throw new SluiceError('STATE_CORRUPT', `state value: expected ${count} more bytes at ${this.position}, found ${this.bytes.length - this.position}`);
    }
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.position++]!;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
      if (shift > 28) throw new SluiceError('STATE_CORRUPT', `state value: varint too long at ${this.position}`);
    }
  }

  string(): string {
    const length = this.varint();
    this.need(length);
    const out = this.bytes.toString('utf8', this.position, this.position + length);
    this.position += length;
    return out;
  }

  value(): unknown {
    const tag = this.byte();
    switch (tag) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT32: {
        this.need(4);
        const out = this.bytes.readInt32LE(this.position);
        this.position += 4;
        return out;
      }
      case T_DOUBLE: {
        this.need(8);
        const out = this.bytes.readDoubleLE(this.position);
        this.position += 8;
        return out;
      }
      case T_STRING:
        return this.string();
      case T_BYTES: {
        const length = this.varint();
        this.need(length);
        const out = Buffer.from(this.bytes.subarray(this.position, this.position + length));
        this.position += length;
        return out;
      }
      case T_DECIMAL: {
        const scale = this.varint() - 0x8000;
        return new Decimal(BigInt(this.string()), scale);
      }
      case T_BIGINT:
        return BigInt(this.string());
      case T_ARRAY: {
        const length = this.varint();
        const out: unknown[] = new Array(length);
        for (let index = 0; index < length; index++) out[index] = this.value();
        return out;
      }
      case T_MAP: {
        const size = this.varint();
        const out = new Map<unknown, unknown>();
        for (let index = 0; index < size; index++) {
          const k = this.value();
          out.set(k, this.value());
        }
        return out;
      }
      case T_STRUCT: {
        const size = this.varint();
        const out: Record<string, unknown> = {};
        for (let index = 0; index < size; index++) {
          const name = this.string();
          const field = this.value();
          if (name === '__proto__') Object.defineProperty(out, name, { value: field, enumerable: true, writable: true, configurable: true });
          else out[name] = field;
        }
        return out;
      }
      default:
        throw new SluiceError('STATE_CORRUPT', `state value: unknown tag ${tag} at ${this.position - 1}`);
    }
  }
}

/** Any engine value (see the header). */
export const engineValueCodec: ValueCodec<unknown> = {
  encode(value: unknown): Buffer {
    writer.position = 0;
    write(value, 0);
    return writer.finish();
  },
  decode(bytes: Buffer): unknown {
    const reader = new Reader(bytes);
    const value = reader.value();
    if (reader.position !== bytes.length) throw new SluiceError('STATE_CORRUPT', `state value: ${bytes.length - reader.position} bytes left over`);
    return value;
  },
};

/** Rows (arrays of column values), the default value type of the stores. */
export const rowCodec = engineValueCodec as ValueCodec<unknown[]>;

/** Rows through one of ksqlDB's formats (JSON, AVRO...): the changelog then holds that format's bytes. */
export function rowSerdeCodec(serde: RowSerde): ValueCodec<unknown[]> {
  return {
    encode(values) {
      const bytes = serde.serialize(values);
      if (bytes === null) throw new SluiceError('ENGINE_STATE', `${serde.format} serde gave no bytes for a stored row`);
      return bytes;
    },
    decode(bytes) {
      const values = serde.deserialize(bytes);
      if (values === null) throw new SluiceError('STATE_CORRUPT', `${serde.format} serde gave no row for stored bytes`);
      return values;
    },
  };
}
