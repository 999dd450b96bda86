/**
 * Keys that sort correctly as bytes. Every backend orders keys by unsigned byte comparison
 * (memcmp, then length), so a composite key built with `KeyWriter` scans in value order:
 *
 * - `int64(n)`:  8 bytes big-endian two's complement with the sign bit flipped (so negatives sort
 *                first); exact for integers up to 2^53 in magnitude.
 * - `double(n)`: the IEEE 754 bits big-endian; positives get the sign bit flipped, negatives get
 *                every bit flipped. -0 is written as 0 and every NaN as one NaN (sorting last).
 * - `string(s)` / `escapedBytes(b)`: the bytes (UTF-8 for strings) with 0x00 written as
 *                0x00 0xFF, then the terminator 0x00 0x01 — so a string sorts before its
 *                extensions, and a field that follows cannot change the order of the one before.
 * - `uint8` / `uint32` / `raw`: fixed-width fields (tags, sequence numbers).
 *
 * `KeyReader` reads the same fields back. `prefixEnd(prefix)` is the first key after every key
 * that starts with `prefix` (an exclusive upper bound for prefix scans).
 */
import { SluiceError } from '../../common/index.js';

const TWO_POW_32 = 4_294_967_296;
const ESCAPE = 0x00;
const ESCAPED_ZERO = 0xff;
const TERMINATOR = 0x01;

const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes `n` (an integer, |n| <= 2^53) as 8 sortable bytes at `offset`. */
export function writeSortableInt64(target: Uint8Array, offset: number, n: number): void {
  if (!Number.isSafeInteger(n)) throw new SluiceError('INVALID_ARGUMENT', `sortable int64: expected a safe integer, found ${n}`, { expected: 'a safe integer', found: String(n) });
  const high = Math.floor(n / TWO_POW_32);
  const low = n - high * TWO_POW_32;
  const flippedHigh = (high ^ 0x80000000) >>> 0;
  target[offset] = flippedHigh >>> 24;
  target[offset + 1] = (flippedHigh >>> 16) & 0xff;
  target[offset + 2] = (flippedHigh >>> 8) & 0xff;
  target[offset + 3] = flippedHigh & 0xff;
  target[offset + 4] = low >>> 24;
  target[offset + 5] = (low >>> 16) & 0xff;
  target[offset + 6] = (low >>> 8) & 0xff;
  target[offset + 7] = low & 0xff;
}

export function readSortableInt64(source: Uint8Array, offset: number): number {
  const flippedHigh = ((source[offset]! << 24) | (source[offset + 1]! << 16) | (source[offset + 2]! << 8) | source[offset + 3]!) >>> 0;
  const high = (flippedHigh ^ 0x80000000) | 0;
  const low = ((source[offset + 4]! << 24) | (source[offset + 5]! << 16) | (source[offset + 6]! << 8) | source[offset + 7]!) >>> 0;
  return high * TWO_POW_32 + low;
}

/** 8 sortable bytes for `n`. */
export function sortableInt64(n: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  writeSortableInt64(out, 0, n);
  return out;
}

export function writeSortableDouble(target: Uint8Array, offset: number, n: number): void {
  float[0] = n === 0 ? 0 : n !== n ? Number.NaN : n;
  const negative = (floatBytes[littleEndian ? 7 : 0]! & 0x80) !== 0;
  for (let index = 0; index < 8; index++) {
    const byte = floatBytes[littleEndian ? 7 - index : index]!;
    target[offset + index] = negative ? ~byte & 0xff : index === 0 ? byte ^ 0x80 : byte;
  }
}

export function readSortableDouble(source: Uint8Array, offset: number): number {
  const negative = (source[offset]! & 0x80) === 0;
  for (let index = 0; index < 8; index++) {
    const byte = source[offset + index]!;
    floatBytes[littleEndian ? 7 - index : index] = negative ? ~byte & 0xff : index === 0 ? byte ^ 0x80 : byte;
  }
  return float[0]!;
}

/** The first key after every key that starts with `prefix`; undefined when there is none (all 0xFF). */
export function prefixEnd(prefix: Uint8Array): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1]! += 1;
  return out;
}

/** Byte order, as every backend compares keys. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Builds one composite key. Reuse a writer with `reset()`; `finish()` returns a fresh Buffer. */
export class KeyWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 64) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, initialBytes));
  }

  get lengthBytes(): number {
    return this.length;
  }

  reset(): this {
    this.length = 0;
    return this;
  }

  private ensure(extraBytes: number): void {
    const needed = this.length + extraBytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  uint8(byte: number): this {
    this.ensure(1);
    this.buffer[this.length++] = byte & 0xff;
    return this;
  }

  uint32(n: number): this {
    this.ensure(4);
    this.buffer.writeUInt32BE(n >>> 0, this.length);
    this.length += 4;
    return this;
  }

  int64(n: number): this {
    this.ensure(8);
    writeSortableInt64(this.buffer, this.length, n);
    this.length += 8;
    return this;
  }

  double(n: number): this {
    this.ensure(8);
    writeSortableDouble(this.buffer, this.length, n);
    this.length += 8;
    return this;
  }

  /** Bytes as they are (fixed-width or already self-delimiting fields). */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  string(s: string): this {
    // Worst case: 3 UTF-8 bytes per UTF-16 unit, each of them escaped, plus the terminator.
    this.ensure(s.length * 6 + 2);
    const start = this.length;
    const written = this.buffer.write(s, start, 'utf8');
    this.length = start + written;
    this.escapeFrom(start, written);
    return this;
  }

  escapedBytes(bytes: Uint8Array): this {
    this.ensure(bytes.length * 2 + 2);
    const start = this.length;
    this.buffer.set(bytes, start);
    this.length = start + bytes.length;
    this.escapeFrom(start, bytes.length);
    return this;
  }

  /** Escapes the zeros among the `count` bytes just written at `start`, then terminates them. */
  private escapeFrom(start: number, count: number): void {
    const buffer = this.buffer;
    let zeros = 0;
    for (let index = start; index < start + count; index++) if (buffer[index] === ESCAPE) zeros++;
    if (zeros > 0) {
      // Shift right to left so each zero gains its escape byte.
      let read = start + count - 1;
      let write = start + count + zeros - 1;
      while (read >= start) {
        const byte = buffer[read--]!;
        if (byte === ESCAPE) {
          buffer[write--] = ESCAPED_ZERO;
          buffer[write--] = ESCAPE;
        } else buffer[write--] = byte;
      }
      this.length += zeros;
    }
    buffer[this.length++] = ESCAPE;
    buffer[this.length++] = TERMINATOR;
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    return out;
  }
}

/** Reads fields written by KeyWriter, in the same order. */
export class KeyReader {
  position: number;

  constructor(
    readonly bytes: Buffer,
    position = 0,
  ) {
    this.position = position;
  }

  done(): boolean {
    return this.position >= this.bytes.length;
  }

  peek(): number {
    this.need(1);
    return this.bytes[this.position]!;
  }

  private need(count: number): void {
    if (this.position + count > this.bytes.length) {
      throw new SluiceError('STATE_CORRUPT', `key: expected ${count} more bytes at ${this.position}, found ${this.bytes.length - this.position}`, { expected: `${count} bytes`, found: `${this.bytes.length - this.position}` });
    }
  }

  uint8(): number {
    this.need(1);
    return this.bytes[this.position++]!;
  }

  uint32(): number {
    this.need(4);
    const n = this.bytes.readUInt32BE(this.position);
    this.position += 4;
    return n;
  }

  int64(): number {
    this.need(8);
    const n = readSortableInt64(this.bytes, this.position);
    this.position += 8;
    return n;
  }

  double(): number {
    this.need(8);
    const n = readSortableDouble(this.bytes, this.position);
    this.position += 8;
    return n;
  }

  raw(count: number): Buffer {
    this.need(count);
    const out = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return out;
  }

  escapedBytes(): Buffer {
    const bytes = this.bytes;
    const start = this.position;
    let zeros = 0;
    let index = start;
    for (;;) {
      if (index + 1 >= bytes.length) throw new SluiceError('STATE_CORRUPT', `key: expected an escaped field terminated by 00 01 from ${start}, found the end`, { expected: 'terminator', found: 'end of key' });
      if (bytes[index] === ESCAPE) {
        const next = bytes[index + 1];
        if (next === TERMINATOR) break;
        if (next !== ESCAPED_ZERO) throw new SluiceError('STATE_CORRUPT', `key: expected 01 or ff after 00 at ${index}, found ${next}`, { expected: '01 or ff', found: String(next) });
        zeros++;
        index += 2;
      } else index++;
    }
    this.position = index + 2;
    if (zeros === 0) return bytes.subarray(start, index);
    const out = Buffer.allocUnsafe(index - start - zeros);
    let write = 0;
    for (let read = start; read < index; read++) {
      const byte = bytes[read]!;
      out[write++] = byte;
      if (byte === ESCAPE) read++;
    }
    return out;
  }

  string(): string {
    return this.escapedBytes().toString('utf8');
  }
}
