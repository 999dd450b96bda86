/**
 * Kafka protocol primitives and a tiny schema combinator library: every request and response
 * body is described once (`struct({...})`) and that description both reads and writes it, so
 * the listener decodes requests / encodes responses and tests do the reverse with the same code.
 *
 * Only the non-flexible encodings are here (int16-length strings, int32-length bytes and arrays,
 * no tagged fields): every version kafkajs 2.2.4 speaks is non-flexible.
 *
 * Reading never trusts a length: every read is bounds-checked against the frame, array counts are
 * checked against the bytes left, and a violation throws KAFKA_FRAME_INVALID.
 */
import { SluiceError } from '../../../common/index.js';

export class Reader {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (bytes < 0 || this.offset + bytes > this.buffer.length) {
      throw new SluiceError(
        'KAFKA_FRAME_INVALID',
        `malformed request: expected ${bytes} bytes for ${what} at offset ${this.offset}, found ${this.buffer.length - this.offset}`,
        { expected: `${bytes} bytes`, found: `${this.buffer.length - this.offset} bytes` },
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buffer.readInt8(this.offset++);
  }
  int16(): number {
    this.need(2, 'int16');
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    this.need(4, 'int32');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint32(): number {
    this.need(4, 'uint32');
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  /** int64 as a JS number: offsets, timestamps and producer ids stay far below 2^53. */
  int64(): number {
    this.need(8, 'int64');
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return Number(value);
  }
  boolean(): boolean {
    return this.int8() !== 0;
  }
  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < -1) throw invalid(`string length ${length}`);
    this.need(length, 'string');
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  string(): string {
    const value = this.nullableString();
    if (value === null) throw invalid('null string where a string is required');
    return value;
  }
  /** A view into the frame (no copy). */
  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < -1) throw invalid(`bytes length ${length}`);
    this.need(length, 'bytes');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }
  /** Array count, checked against the bytes left (each element takes at least `minElementBytes`). */
  arrayLength(minElementBytes: number): number {
    const count = this.int32();
    if (count < -1) throw invalid(`array length ${count}`);
    if (count > 0 && count * Math.max(1, minElementBytes) > this.remaining) {
      throw invalid(`array of ${count} elements in ${this.remaining} bytes`);
    }
    return count;
  }
}

function invalid(what: string): SluiceError {
  return new SluiceError('KAFKA_FRAME_INVALID', `malformed request: ${what}`, { found: what });
}

const FIRST_SCRATCH_BYTES = 1024;
const SCRATCH_BYTES = 16 * 1024;
/** Buffers at least this large are kept as separate parts instead of being copied. */
const ZERO_COPY_BYTES = 4 * 1024;

/**
 * Writes a message as a list of buffers: small fields go into a scratch buffer, large byte
 * blobs (record batches) are appended as they are, without copying.
 */
export class Writer {
  private parts: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(FIRST_SCRATCH_BYTES);
  private position = 0;
  private flushedBytes = 0;

  get length(): number {
    return this.flushedBytes + this.position;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.scratch.length) return;
    this.flush();
    if (bytes > this.scratch.length) this.scratch = Buffer.allocUnsafe(bytes);
  }
  private flush(): void {
    if (this.position === 0) return;
    this.parts.push(this.scratch.subarray(0, this.position));
    this.flushedBytes += this.position;
    this.scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
    this.position = 0;
  }

  int8(value: number): this {
    this.ensure(1);
    this.scratch.writeInt8(value, this.position);
    this.position += 1;
    return this;
  }
  int16(value: number): this {
    this.ensure(2);
    this.scratch.writeInt16BE(value, this.position);
    this.position += 2;
    return this;
  }
  int32(value: number): this {
    this.ensure(4);
    this.scratch.writeInt32BE(value, this.position);
    this.position += 4;
    return this;
  }
  uint32(value: number): this {
    this.ensure(4);
    this.scratch.writeUInt32BE(value, this.position);
    this.position += 4;
    return this;
  }
  int64(value: number): this {
    this.ensure(8);
    this.scratch.writeBigInt64BE(BigInt(value), this.position);
    this.position += 8;
    return this;
  }
  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }
  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    if (length > 0x7fff) throw new SluiceError('INVALID_ARGUMENT', `string of ${length} bytes does not fit a Kafka string (max 32767)`);
    this.int16(length);
    this.ensure(length);
    this.scratch.write(value, this.position, 'utf8');
    this.position += length;
    return this;
  }
  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }
  /** Bytes written as they are, with no length prefix. */
  raw(value: Buffer): this {
    if (value.length >= ZERO_COPY_BYTES) {
      this.flush();
      this.parts.push(value);
      this.flushedBytes += value.length;
    } else {
      this.ensure(value.length);
      value.copy(this.scratch, this.position);
      this.position += value.length;
    }
    return this;
  }
  /** The message as a list of buffers (for `socket.write` of each, or `Buffer.concat`). */
  toBuffers(): Buffer[] {
    this.flush();
    return this.parts;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.toBuffers());
  }
}

// ---------------------------------------------------------------------------------------------
// Schema combinators

export interface Type<T> {
  read(reader: Reader): T;
  write(writer: Writer, value: T): void;
  /** Fewest bytes one value takes on the wire (bounds array counts while reading). */
  readonly minBytes: number;
}

export type Infer<S> = S extends Type<infer T> ? T : never;

function primitive<T>(minBytes: number, read: (r: Reader) => T, write: (w: Writer, v: T) => void): Type<T> {
  return { read, write, minBytes };
}

export const int8 = primitive(1, (r) => r.int8(), (w, v: number) => w.int8(v));
export const int16 = primitive(2, (r) => r.int16(), (w, v: number) => w.int16(v));
export const int32 = primitive(4, (r) => r.int32(), (w, v: number) => w.int32(v));
export const int64 = primitive(8, (r) => r.int64(), (w, v: number) => w.int64(v));
export const boolean = primitive(1, (r) => r.boolean(), (w, v: boolean) => w.boolean(v));
export const string = primitive(2, (r) => r.string(), (w, v: string) => w.nullableString(v));
export const nullableString = primitive(2, (r) => r.nullableString(), (w, v: string | null) => w.nullableString(v));
export const bytes = primitive(4, (r) => r.bytes(), (w, v: Buffer) => w.nullableBytes(v));
export const nullableBytes = primitive(4, (r) => r.nullableBytes(), (w, v: Buffer | null) => w.nullableBytes(v));

/**
 * Record sets: nullable bytes on the wire. Written from a list of stored batches (no copy, no
 * concatenation); read back as one buffer.
 */
export const records: Type<Buffer[] | Buffer | null> = {
  minBytes: 4,
  read: (r) => r.nullableBytes(),
  write: (w, v) => {
    if (v === null) {
      w.int32(-1);
      return;
    }
    const list = Array.isArray(v) ? v : [v];
    let total = 0;
    for (const part of list) total += part.length;
    w.int32(total);
    for (const part of list) w.raw(part);
  },
};

export function array<T>(element: Type<T>): Type<T[]> {
  return {
    minBytes: 4,
    read(r) {
      const count = r.arrayLength(element.minBytes);
      if (count === -1) throw invalid('null array where an array is required');
      const out: T[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = element.read(r);
      return out;
    },
    write(w, v) {
      w.int32(v.length);
      for (const item of v) element.write(w, item);
    },
  };
}

export function nullableArray<T>(element: Type<T>): Type<T[] | null> {
  return {
    minBytes: 4,
    read(r) {
      const count = r.arrayLength(element.minBytes);
      if (count === -1) return null;
      const out: T[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = element.read(r);
      return out;
    },
    write(w, v) {
      if (v === null) {
        w.int32(-1);
        return;
      }
      w.int32(v.length);
      for (const item of v) element.write(w, item);
    },
  };
}

type Fields = Record<string, Type<any>>;
export type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** Fields in declaration order (JS keeps string keys in insertion order). */
export function struct<F extends Fields>(fields: F): Type<StructOf<F>> & { fields: F } {
  const entries = Object.entries(fields);
  let minBytes = 0;
  for (const [, type] of entries) minBytes += type.minBytes;
  return {
    fields,
    minBytes,
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [name, type] of entries) out[name] = type.read(r);
      return out as StructOf<F>;
    },
    write(w, v) {
      const value = v as Record<string, unknown>;
      for (const [name, type] of entries) {
        const field = value[name];
        if (field === undefined) throw new SluiceError('INTERNAL_ASSERTION', `Kafka message field ${name} is missing`);
        type.write(w, field);
      }
    },
  };
}

export function encode<T>(type: Type<T>, value: T): Buffer {
  const writer = new Writer();
  type.write(writer, value);
  return writer.toBuffer();
}

export function decode<T>(type: Type<T>, buffer: Buffer): T {
  return type.read(new Reader(buffer));
}
