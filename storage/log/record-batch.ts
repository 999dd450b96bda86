/**
 * The one codec for Kafka RecordBatch v2 (magic 2), shared by the log, the Kafka listener and the
 * engine. Layout (big-endian), 61 header bytes then the records:
 *
 *   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32
 *   16 magic int8 | 17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16
 *   23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64
 *   51 producerEpoch int16 | 53 baseSequence int32 | 57 recordCount int32 | 61 records
 *
 * A record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key
 * (varint length, -1 = null), value (same), header count varint, headers (varint-length key
 * string, varint-length value, -1 = null). All varints are zigzag. When the codec bits (0-2 of the
 * attributes) are not 0 the records section is one compressed block; gzip is read and written
 * with node:zlib, other codecs are refused.
 *
 * The base offset and the leader epoch are outside the CRC, so the log assigns offsets in place.
 * Decoding is the engine's per-record cost: keys and values are views into the batch (no copy),
 * and the record walk uses a module-level cursor instead of allocating.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { SluiceError, mismatch } from '../../common/index.js';
import { crc32c } from './crc32c.js';

export const RECORD_BATCH_MAGIC = 2;
/** Bytes before the first record. */
export const RECORD_BATCH_HEADER_BYTES = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const RECORD_BATCH_LOG_OVERHEAD_BYTES = 12;
/** Where the CRC-covered part starts. */
const CRC_START = 21;
/** Bound on a gzip batch's inflated size, so a small batch cannot inflate into an exhausted heap. */
export const DECOMPRESSED_BATCH_BYTES_MAX = 256 * 1024 * 1024;

export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
const codecByBits: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const bitsByCodec: Record<CompressionCodec, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export type TimestampType = 'create-time' | 'log-append-time';

export interface RecordBatchHeader {
  baseOffset: number;
  /** Whole batch in bytes, batchLength + 12. */
  sizeBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: CompressionCodec;
  timestampType: TimestampType;
  transactional: boolean;
  control: boolean;
  lastOffsetDelta: number;
  baseTimestampMs: number;
  maxTimestampMs: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A decoded record. `key`, `value` and header values are views into the batch: copy to keep. */
export interface LogRecord {
  offset: number;
  timestampMs: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Shared empty array when the record has none: do not mutate. */
  headers: readonly RecordHeader[];
}

export type Bytes = Uint8Array | string;

export interface RecordToEncode {
  key?: Bytes | null;
  value?: Bytes | null;
  headers?: ReadonlyArray<{ key: string; value: Bytes | null }>;
  /** Defaults to the batch's `timestampMs` option. */
  timestampMs?: number;
  /** Offset relative to the batch base; defaults to the record's index. Must increase. */
  offsetDelta?: number;
}

export interface EncodeOptions {
  baseOffset?: number;
  /** Timestamp of records that carry none (a Kafka producer stamps the send time). Default 0. */
  timestampMs?: number;
  compression?: 'none' | 'gzip';
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
  partitionLeaderEpoch?: number;
  /** -1 unless the producer is idempotent. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Defaults to the last record's offset delta; compaction keeps the original one. */
  lastOffsetDelta?: number;
  /** Defaults to the smallest record timestamp. */
  baseTimestampMs?: number;
  /** Defaults to the largest record timestamp. */
  maxTimestampMs?: number;
}

export interface DecodedRecordBatch {
  header: RecordBatchHeader;
  records: LogRecord[];
}

/** What validateBatch learned while walking the records. */
export interface BatchValidation {
  header: RecordBatchHeader;
  /** Largest record timestamp (-1 for an empty batch). */
  recordMaxTimestampMs: number;
  /** Largest record (its encoded length) in bytes. */
  recordBytesLargest: number;
}

export interface ValidateOptions {
  /** Refuse a record whose encoded size is larger (LOG_RECORD_TOO_LARGE). */
  recordBytesMax?: number;
  /** Refuse records without a key (compacted topics). */
  requireKeys?: boolean;
  /** Producer batches: offset deltas are exactly 0..count-1 and lastOffsetDelta is count-1. Default true. */
  requireDenseOffsets?: boolean;
}

const EMPTY_HEADERS: readonly RecordHeader[] = Object.freeze([]);
const EMPTY_BYTES = Buffer.alloc(0);
const TWO_POW_32 = 4294967296;

// ---------------------------------------------------------------------------------------------
// Fixed-width and variable-length integers.

export function readInt64(buffer: Uint8Array, position: number): number {
  const high = (buffer[position]! << 24) | (buffer[position + 1]! << 16) | (buffer[position + 2]! << 8) | buffer[position + 3]!;
  const low = ((buffer[position + 4]! << 24) | (buffer[position + 5]! << 16) | (buffer[position + 6]! << 8) | buffer[position + 7]!) >>> 0;
  return high * TWO_POW_32 + low;
}

export function writeInt64(buffer: Uint8Array, position: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  const low = value - high * TWO_POW_32;
  writeInt32(buffer, position, high | 0);
  writeInt32(buffer, position + 4, low >>> 0);
}

export function readInt32(buffer: Uint8Array, position: number): number {
  return (buffer[position]! << 24) | (buffer[position + 1]! << 16) | (buffer[position + 2]! << 8) | buffer[position + 3]!;
}

function writeInt32(buffer: Uint8Array, position: number, value: number): void {
  buffer[position] = value >>> 24;
  buffer[position + 1] = value >>> 16;
  buffer[position + 2] = value >>> 8;
  buffer[position + 3] = value;
}

function readInt16(buffer: Uint8Array, position: number): number {
  return (((buffer[position]! << 8) | buffer[position + 1]!) << 16) >> 16;
}

function writeInt16(buffer: Uint8Array, position: number, value: number): void {
  buffer[position] = value >>> 8;
  buffer[position + 1] = value;
}

/** Read position shared by the varint readers below (single-threaded, never held across calls). */
let cursor = 0;
/** End of the bytes the varint readers may touch. */
let limit = 0;

function corrupt(what: string, detail = ''): SluiceError {
  return new SluiceError('LOG_BATCH_CORRUPT', `corrupt record batch: ${what}${detail ? ` (${detail})` : ''}`, { what });
}

/** Zigzag varint (int32). */
function readVarint(buffer: Uint8Array): number {
  let byte = cursor < limit ? buffer[cursor++]! : -1;
  if (byte < 0) throw corrupt('varint runs past the end of the records');
  if (byte < 0x80) return (byte >>> 1) ^ -(byte & 1);
  let value = byte & 0x7f;
  for (let shift = 7; shift <= 28; shift += 7) {
    if (cursor >= limit) throw corrupt('varint runs past the end of the records');
    byte = buffer[cursor++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return (value >>> 1) ^ -(value & 1);
  }
  throw corrupt('varint longer than 5 bytes');
}

/** Zigzag varlong (int64), exact while |value| < 2^53. */
function readVarlong(buffer: Uint8Array): number {
  if (cursor >= limit) throw corrupt('varlong runs past the end of the records');
  let byte = buffer[cursor++]!;
  if (byte < 0x80) return (byte >>> 1) ^ -(byte & 1);
  let value = byte & 0x7f;
  let multiplier = 128;
  for (let index = 1; index < 10; index++) {
    if (cursor >= limit) throw corrupt('varlong runs past the end of the records');
    byte = buffer[cursor++]!;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    multiplier *= 128;
  }
  throw corrupt('varlong longer than 10 bytes');
}

function varintBytes(value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  let count = 1;
  while (zigzag >= 0x80) {
    zigzag >>>= 7;
    count++;
  }
  return count;
}

function writeVarint(buffer: Uint8Array, position: number, value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag >= 0x80) {
    buffer[position++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buffer[position++] = zigzag;
  return position;
}

function varlongZigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varlongBytes(value: number): number {
  let zigzag = varlongZigzag(value);
  let count = 1;
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128);
    count++;
  }
  return count;
}

function writeVarlong(buffer: Uint8Array, position: number, value: number): number {
  let zigzag = varlongZigzag(value);
  while (zigzag >= 128) {
    buffer[position++] = (zigzag % 128) | 0x80;
    zigzag = Math.floor(zigzag / 128);
  }
  buffer[position++] = zigzag;
  return position;
}

// ---------------------------------------------------------------------------------------------
// Header.

/**
 * Total size of the batch starting at `position` (batchLength + 12), or -1 when fewer than 12
 * bytes are available. Does not check that the whole batch is present.
 */
export function batchSizeAt(buffer: Uint8Array, position = 0): number {
  if (buffer.length - position < RECORD_BATCH_LOG_OVERHEAD_BYTES) return -1;
  return readInt32(buffer, position + 8) + RECORD_BATCH_LOG_OVERHEAD_BYTES;
}

/** Offset of the batch's last record (baseOffset + lastOffsetDelta). */
export function batchLastOffset(buffer: Uint8Array, position = 0): number {
  return readInt64(buffer, position) + readInt32(buffer, position + 23);
}

export function batchMaxTimestampMs(buffer: Uint8Array, position = 0): number {
  return readInt64(buffer, position + 35);
}

export function readBatchHeader(buffer: Uint8Array, position = 0): RecordBatchHeader {
  if (buffer.length - position < RECORD_BATCH_HEADER_BYTES) {
    throw mismatch('LOG_BATCH_CORRUPT', 'record batch header', `${RECORD_BATCH_HEADER_BYTES} bytes`, `${buffer.length - position}`);
  }
  const attributes = readInt16(buffer, position + 21);
  return {
    baseOffset: readInt64(buffer, position),
    sizeBytes: readInt32(buffer, position + 8) + RECORD_BATCH_LOG_OVERHEAD_BYTES,
    partitionLeaderEpoch: readInt32(buffer, position + 12),
    magic: (buffer[position + 16]! << 24) >> 24,
    crc: readInt32(buffer, position + 17) >>> 0,
    attributes,
    compression: codecByBits[attributes & 0x07] ?? 'none',
    timestampType: attributes & 0x08 ? 'log-append-time' : 'create-time',
    transactional: (attributes & 0x10) !== 0,
    control: (attributes & 0x20) !== 0,
    lastOffsetDelta: readInt32(buffer, position + 23),
    baseTimestampMs: readInt64(buffer, position + 27),
    maxTimestampMs: readInt64(buffer, position + 35),
    producerId: readInt64(buffer, position + 43),
    producerEpoch: readInt16(buffer, position + 51),
    baseSequence: readInt32(buffer, position + 53),
    recordCount: readInt32(buffer, position + 57),
  };
}

/** Rewrites the base offset in place (outside the CRC). */
export function setBaseOffset(buffer: Uint8Array, baseOffset: number, position = 0): void {
  writeInt64(buffer, position, baseOffset);
}

/** Rewrites the partition leader epoch in place (outside the CRC). */
export function setPartitionLeaderEpoch(buffer: Uint8Array, epoch: number, position = 0): void {
  writeInt32(buffer, position + 12, epoch);
}

/** Checks the CRC of the batch at `position` (of `sizeBytes` bytes). */
export function batchCrcMatches(buffer: Uint8Array, position: number, sizeBytes: number): boolean {
  return crc32c(buffer, position + CRC_START, position + sizeBytes) === readInt32(buffer, position + 17) >>> 0;
}

/**
 * Every batch in `buffer` (back to back, as a Fetch response or a segment holds them), as views.
 * Stops before an incomplete trailing batch (Kafka clients do the same with partial fetches).
 */
export function* iterateBatches(buffer: Buffer): Generator<Buffer> {
  let position = 0;
  for (;;) {
    const sizeBytes = batchSizeAt(buffer, position);
    if (sizeBytes < RECORD_BATCH_HEADER_BYTES || position + sizeBytes > buffer.length) return;
    yield buffer.subarray(position, position + sizeBytes);
    position += sizeBytes;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation.

function recordsSection(buffer: Buffer, header: RecordBatchHeader, position: number): { bytes: Buffer; start: number; end: number } {
  const start = position + RECORD_BATCH_HEADER_BYTES;
  const end = position + header.sizeBytes;
  switch (header.compression) {
    case 'none':
      return { bytes: buffer, start, end };
    case 'gzip': {
      let inflated: Buffer;
      try {
        inflated = gunzipSync(buffer.subarray(start, end), { maxOutputLength: DECOMPRESSED_BATCH_BYTES_MAX });
      } catch (error) {
        throw corrupt('gzip records do not inflate', (error as Error).message);
      }
      return { bytes: inflated, start: 0, end: inflated.length };
    }
    case 'snappy':
    case 'lz4':
    case 'zstd':
      throw mismatch('LOG_UNSUPPORTED_COMPRESSION', 'record batch compression', 'none or gzip', header.compression);
  }
}

/**
 * Checks the batch at `position` that is exactly `buffer.length - position` bytes long: length,
 * magic, CRC-32C, compression, and a full walk of the records (count, each record's length and
 * fields inside it, offset deltas, timestamps). Throws LOG_BATCH_CORRUPT naming what is wrong.
 */
export function validateBatch(buffer: Buffer, options: ValidateOptions = {}, position = 0): BatchValidation {
  const available = buffer.length - position;
  if (available < RECORD_BATCH_HEADER_BYTES) {
    throw mismatch('LOG_BATCH_CORRUPT', 'record batch length', `at least ${RECORD_BATCH_HEADER_BYTES} bytes`, `${available}`);
  }
  const header = readBatchHeader(buffer, position);
  if (header.sizeBytes !== available) {
    throw mismatch('LOG_BATCH_CORRUPT', 'record batch length', `batchLength + 12 = ${available} (the bytes received)`, `batchLength + 12 = ${header.sizeBytes}`);
  }
  if (header.magic !== RECORD_BATCH_MAGIC) {
    throw mismatch('LOG_BATCH_CORRUPT', 'record batch magic', String(RECORD_BATCH_MAGIC), String(header.magic));
  }
  const computedCrc = crc32c(buffer, position + CRC_START, position + header.sizeBytes);
  if (computedCrc !== header.crc) {
    throw mismatch('LOG_BATCH_CORRUPT', 'record batch CRC-32C', `0x${computedCrc.toString(16)} (computed)`, `0x${header.crc.toString(16)} (stored)`);
  }
  if (header.recordCount < 0) throw mismatch('LOG_BATCH_CORRUPT', 'record count', '>= 0', String(header.recordCount));
  const requireDense = options.requireDenseOffsets ?? true;
  if (requireDense && header.recordCount > 0 && header.lastOffsetDelta !== header.recordCount - 1) {
    throw mismatch('LOG_BATCH_CORRUPT', 'lastOffsetDelta', `record count - 1 = ${header.recordCount - 1}`, String(header.lastOffsetDelta));
  }
  const section = recordsSection(buffer, header, position);
  const bytes = section.bytes;
  cursor = section.start;
  limit = section.end;
  const recordBytesMax = options.recordBytesMax ?? Number.MAX_SAFE_INTEGER;
  let recordMaxTimestampMs = -1;
  let recordBytesLargest = 0;
  let previousOffsetDelta = -1;
  for (let index = 0; index < header.recordCount; index++) {
    const recordLength = readVarint(bytes);
    const recordStart = cursor;
    const recordEnd = recordStart + recordLength;
    if (recordLength < 1 || recordEnd > section.end) {
      throw corrupt(`record ${index} length`, `length ${recordLength}, ${section.end - recordStart} bytes left`);
    }
    if (recordLength > recordBytesMax) {
      throw mismatch('LOG_RECORD_TOO_LARGE', `record ${index} size`, `at most ${recordBytesMax} bytes`, `${recordLength}`);
    }
    if (recordLength > recordBytesLargest) recordBytesLargest = recordLength;
    limit = recordEnd;
    cursor++; // attributes
    const timestampMs = header.baseTimestampMs + readVarlong(bytes);
    const offsetDelta = readVarint(bytes);
    if (requireDense ? offsetDelta !== index : offsetDelta <= previousOffsetDelta) {
      throw mismatch('LOG_BATCH_CORRUPT', `record ${index} offset delta`, requireDense ? String(index) : `> ${previousOffsetDelta}`, String(offsetDelta));
    }
    previousOffsetDelta = offsetDelta;
    if (timestampMs > recordMaxTimestampMs) recordMaxTimestampMs = timestampMs;
    const keyLength = readVarint(bytes);
    if (keyLength < -1 || cursor + Math.max(0, keyLength) > recordEnd) throw corrupt(`record ${index} key length`, String(keyLength));
    if (keyLength === -1 && options.requireKeys) {
      throw new SluiceError('LOG_RECORD_KEY_REQUIRED', `record ${index} has a null key: a compacted topic needs a key on every record`, { record: index });
    }
    cursor += Math.max(0, keyLength);
    const valueLength = readVarint(bytes);
    if (valueLength < -1 || cursor + Math.max(0, valueLength) > recordEnd) throw corrupt(`record ${index} value length`, String(valueLength));
    cursor += Math.max(0, valueLength);
    const headerCount = readVarint(bytes);
    if (headerCount < 0) throw corrupt(`record ${index} header count`, String(headerCount));
    for (let headerIndex = 0; headerIndex < headerCount; headerIndex++) {
      const headerKeyLength = readVarint(bytes);
      if (headerKeyLength < 0 || cursor + headerKeyLength > recordEnd) throw corrupt(`record ${index} header ${headerIndex} key length`, String(headerKeyLength));
      cursor += headerKeyLength;
      const headerValueLength = readVarint(bytes);
      if (headerValueLength < -1 || cursor + Math.max(0, headerValueLength) > recordEnd) {
        throw corrupt(`record ${index} header ${headerIndex} value length`, String(headerValueLength));
      }
      cursor += Math.max(0, headerValueLength);
    }
    if (cursor !== recordEnd) throw corrupt(`record ${index} length`, `declared ${recordLength} bytes, fields use ${cursor - recordStart}`);
    limit = section.end;
  }
  if (cursor !== section.end) {
    throw mismatch('LOG_BATCH_CORRUPT', 'record count', `${header.recordCount} records filling the batch`, `${section.end - cursor} bytes after the last record`);
  }
  if (!requireDense && header.recordCount > 0 && previousOffsetDelta > header.lastOffsetDelta) {
    throw mismatch('LOG_BATCH_CORRUPT', 'lastOffsetDelta', `>= ${previousOffsetDelta}`, String(header.lastOffsetDelta));
  }
  if (header.recordCount > 0 && header.timestampType === 'create-time' && header.maxTimestampMs < recordMaxTimestampMs) {
    throw mismatch('LOG_BATCH_CORRUPT', 'maxTimestamp', `>= ${recordMaxTimestampMs} (largest record timestamp)`, String(header.maxTimestampMs));
  }
  return { header, recordMaxTimestampMs, recordBytesLargest };
}

// ---------------------------------------------------------------------------------------------
// Decoding.

/**
 * A reusable cursor over the records of one batch, for hot paths that want no object per record:
 * `open` checks the framing (as decodeRecordBatch: not the CRC) and inflates a gzip batch; each
 * `next()` moves to the next record and sets the public fields; `key()` / `value()` make views on
 * demand. Corruption found while walking throws LOG_BATCH_CORRUPT, as decodeRecordBatch does.
 */
export class RecordBatchReader {
  header: RecordBatchHeader | null = null;
  /** The bytes holding the records: the batch, or the inflated records of a gzip batch. */
  bytes: Buffer = EMPTY_BYTES;
  offset = 0;
  timestampMs = 0;
  keyStart = 0;
  /** -1 for a null key. */
  keyLength = -1;
  valueStart = 0;
  /** -1 for a null value. */
  valueLength = -1;
  /** Shared empty array when the record has none: do not mutate. */
  headers: readonly RecordHeader[] = EMPTY_HEADERS;
  private position = 0;
  private end = 0;
  private index = 0;
  private count = 0;
  private baseOffset = 0;
  private baseTimestampMs = 0;
  private appendTimeMs = -1;

  /** Positions the reader before the first record of the batch at `position`; returns its header. */
  open(buffer: Buffer, position = 0, checkFraming = true): RecordBatchHeader {
    const header = readBatchHeader(buffer, position);
    if (checkFraming) {
      if (header.magic !== RECORD_BATCH_MAGIC) throw mismatch('LOG_BATCH_CORRUPT', 'record batch magic', String(RECORD_BATCH_MAGIC), String(header.magic));
      if (position + header.sizeBytes > buffer.length || header.sizeBytes < RECORD_BATCH_HEADER_BYTES) {
        throw mismatch('LOG_BATCH_CORRUPT', 'record batch length', `<= ${buffer.length - position} bytes`, String(header.sizeBytes));
      }
    }
    this.header = header;
    this.index = 0;
    this.count = Math.max(0, header.recordCount);
    this.baseOffset = header.baseOffset;
    this.baseTimestampMs = header.baseTimestampMs;
    this.appendTimeMs = header.timestampType === 'log-append-time' ? header.maxTimestampMs : -1;
    if (this.count > 0) {
      const section = recordsSection(buffer, header, position);
      this.bytes = section.bytes;
      this.position = section.start;
      this.end = section.end;
    } else {
      this.bytes = EMPTY_BYTES;
      this.position = this.end = 0;
    }
    return header;
  }

  /** Moves to the next record; false after the last one. */
  next(): boolean {
    const index = this.index;
    if (index >= this.count) return false;
    const bytes = this.bytes;
    const end = this.end;
    cursor = this.position;
    limit = end;
    const recordLength = readVarint(bytes);
    const recordEnd = cursor + recordLength;
    if (recordLength < 1 || recordEnd > end) throw corrupt(`record ${index} length`, String(recordLength));
    cursor++; // attributes
    const timestampDelta = readVarlong(bytes);
    const offsetDelta = readVarint(bytes);
    const keyLength = readVarint(bytes);
    this.keyStart = cursor;
    this.keyLength = keyLength < 0 ? -1 : keyLength;
    if (keyLength > 0) cursor += keyLength;
    const valueLength = readVarint(bytes);
    this.valueStart = cursor;
    this.valueLength = valueLength < 0 ? -1 : valueLength;
    if (valueLength > 0) cursor += valueLength;
    const headerCount = readVarint(bytes);
    let headers = EMPTY_HEADERS;
    if (headerCount > 0) {
      const list: RecordHeader[] = [];
      for (let headerIndex = 0; headerIndex < headerCount; headerIndex++) {
        const headerKeyLength = readVarint(bytes);
        const headerKey = bytes.toString('utf8', cursor, cursor + headerKeyLength);
        cursor += headerKeyLength;
        const headerValueLength = readVarint(bytes);
        let headerValue: Buffer | null = null;
        if (headerValueLength >= 0) {
          headerValue = bytes.subarray(cursor, cursor + headerValueLength);
          cursor += headerValueLength;
        }
        list.push({ key: headerKey, value: headerValue });
      }
      headers = list;
    }
    if (cursor > recordEnd) throw corrupt(`record ${index} fields overrun its length`, String(recordLength));
    this.headers = headers;
    this.offset = this.baseOffset + offsetDelta;
    this.timestampMs = this.appendTimeMs >= 0 ? this.appendTimeMs : this.baseTimestampMs + timestampDelta;
    this.position = recordEnd;
    this.index = index + 1;
    return true;
  }

  /** A view of the current record's key (null for none). */
  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.bytes.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  /** A view of the current record's value (null for none). */
  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.bytes.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** The current record as a LogRecord (views into the batch). */
  record(): LogRecord {
    return { offset: this.offset, timestampMs: this.timestampMs, key: this.key(), value: this.value(), headers: this.headers };
  }
}

const sharedReader = new RecordBatchReader();

function decodeWith(reader: RecordBatchReader, records: LogRecord[]): void {
  while (reader.next()) records.push(reader.record());
}

/** Header and records of the batch at `position`. Checks framing, not the CRC (see validateBatch). */
export function decodeRecordBatch(buffer: Buffer, position = 0): DecodedRecordBatch {
  const records: LogRecord[] = [];
  const header = sharedReader.open(buffer, position);
  decodeWith(sharedReader, records);
  return { header, records };
}

/** Records of every whole batch in `buffer` (a read result or a Fetch payload), in order. */
export function decodeRecords(buffer: Buffer): LogRecord[] {
  const records: LogRecord[] = [];
  let position = 0;
  for (;;) {
    const sizeBytes = batchSizeAt(buffer, position);
    if (sizeBytes < RECORD_BATCH_HEADER_BYTES || position + sizeBytes > buffer.length) break;
    sharedReader.open(buffer, position, false);
    decodeWith(sharedReader, records);
    position += sizeBytes;
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Encoding.

function toBuffer(bytes: Bytes | null | undefined): Buffer | null {
  if (bytes === null || bytes === undefined) return null;
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const NO_PREPARED_HEADERS: Array<{ key: Buffer; value: Buffer | null }> = [];

interface PreparedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: Buffer; value: Buffer | null }>;
  timestampDelta: number;
  offsetDelta: number;
  bodyBytes: number;
}

/** Writes the records at `start` of `out`; returns the end position. */
function writeRecords(out: Buffer, start: number, prepared: PreparedRecord[]): number {
  let position = start;
  for (const record of prepared) {
    position = writeVarint(out, position, record.bodyBytes);
    out[position++] = 0;
    position = writeVarlong(out, position, record.timestampDelta);
    position = writeVarint(out, position, record.offsetDelta);
    if (record.key === null) position = writeVarint(out, position, -1);
    else {
      position = writeVarint(out, position, record.key.length);
      out.set(record.key, position);
      position += record.key.length;
    }
    if (record.value === null) position = writeVarint(out, position, -1);
    else {
      position = writeVarint(out, position, record.value.length);
      out.set(record.value, position);
      position += record.value.length;
    }
    position = writeVarint(out, position, record.headers.length);
    for (const header of record.headers) {
      position = writeVarint(out, position, header.key.length);
      out.set(header.key, position);
      position += header.key.length;
      if (header.value === null) position = writeVarint(out, position, -1);
      else {
        position = writeVarint(out, position, header.value.length);
        out.set(header.value, position);
        position += header.value.length;
      }
    }
  }
  return position;
}

function writeRecordsExactly(out: Buffer, start: number, prepared: PreparedRecord[]): void {
  const end = writeRecords(out, start, prepared);
  if (end !== out.length) throw new SluiceError('INTERNAL_ASSERTION', `record encoder wrote ${end - start} bytes, sized ${out.length - start}`);
}

/** Encodes records into one RecordBatch v2 (CRC included). */
export function encodeRecordBatch(records: readonly RecordToEncode[], options: EncodeOptions = {}): Buffer {
  const defaultTimestampMs = options.timestampMs ?? 0;
  let minimumTimestampMs = Number.POSITIVE_INFINITY;
  let maximumTimestampMs = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    const timestampMs = record.timestampMs ?? defaultTimestampMs;
    if (timestampMs < minimumTimestampMs) minimumTimestampMs = timestampMs;
    if (timestampMs > maximumTimestampMs) maximumTimestampMs = timestampMs;
  }
  if (records.length === 0) minimumTimestampMs = maximumTimestampMs = defaultTimestampMs;
  const baseTimestampMs = options.baseTimestampMs ?? minimumTimestampMs;
  const maxTimestampMs = options.maxTimestampMs ?? maximumTimestampMs;

  const prepared: PreparedRecord[] = new Array(records.length);
  let recordsBytes = 0;
  let previousOffsetDelta = -1;
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const headers =
      record.headers === undefined || record.headers.length === 0
        ? NO_PREPARED_HEADERS
        : record.headers.map((header) => ({ key: Buffer.from(header.key, 'utf8'), value: toBuffer(header.value) }));
    const timestampDelta = (record.timestampMs ?? defaultTimestampMs) - baseTimestampMs;
    const offsetDelta = record.offsetDelta ?? index;
    if (offsetDelta <= previousOffsetDelta) throw mismatch('INVALID_ARGUMENT', `record ${index} offsetDelta`, `> ${previousOffsetDelta}`, String(offsetDelta));
    previousOffsetDelta = offsetDelta;
    let bodyBytes = 1 + varlongBytes(timestampDelta) + varintBytes(offsetDelta);
    bodyBytes += key === null ? 1 : varintBytes(key.length) + key.length;
    bodyBytes += value === null ? 1 : varintBytes(value.length) + value.length;
    bodyBytes += varintBytes(headers.length);
    for (const header of headers) {
      bodyBytes += varintBytes(header.key.length) + header.key.length;
      bodyBytes += header.value === null ? 1 : varintBytes(header.value.length) + header.value.length;
    }
    prepared[index] = { key, value, headers, timestampDelta, offsetDelta, bodyBytes };
    recordsBytes += varintBytes(bodyBytes) + bodyBytes;
  }

  const compression = options.compression ?? 'none';
  let section: Buffer | null = null;
  let sectionBytes = recordsBytes;
  if (compression === 'gzip') {
    const plain = Buffer.allocUnsafe(recordsBytes);
    writeRecordsExactly(plain, 0, prepared);
    section = gzipSync(plain);
    sectionBytes = section.length;
  }
  const sizeBytes = RECORD_BATCH_HEADER_BYTES + sectionBytes;
  const out = Buffer.allocUnsafe(sizeBytes);
  writeInt64(out, 0, options.baseOffset ?? 0);
  writeInt32(out, 8, sizeBytes - RECORD_BATCH_LOG_OVERHEAD_BYTES);
  writeInt32(out, 12, options.partitionLeaderEpoch ?? 0);
  out[16] = RECORD_BATCH_MAGIC;
  const attributes =
    bitsByCodec[compression] |
    (options.timestampType === 'log-append-time' ? 0x08 : 0) |
    (options.transactional ? 0x10 : 0) |
    (options.control ? 0x20 : 0);
  writeInt16(out, 21, attributes);
  writeInt32(out, 23, options.lastOffsetDelta ?? (records.length === 0 ? 0 : previousOffsetDelta));
  writeInt64(out, 27, baseTimestampMs);
  writeInt64(out, 35, maxTimestampMs);
  writeInt64(out, 43, options.producerId ?? -1);
  writeInt16(out, 51, options.producerEpoch ?? -1);
  writeInt32(out, 53, options.baseSequence ?? -1);
  writeInt32(out, 57, records.length);
  if (section) out.set(section, RECORD_BATCH_HEADER_BYTES);
  else writeRecordsExactly(out, RECORD_BATCH_HEADER_BYTES, prepared);
  writeInt32(out, 17, crc32c(out, CRC_START, sizeBytes));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building a batch record by record.

/** A header as the builder takes it (the value bytes are copied when the batch is finished). */
export interface HeaderToEncode {
  key: string;
  value: Uint8Array | null;
}

const BUILDER_ARENA_BYTES = 64 * 1024;

/**
 * Builds one RecordBatch v2 a record at a time without an object per record: each `add` writes
 * the record, in its final encoding, into a growing arena (so the caller's key and value buffers
 * can be dropped at once), and `finish` copies it behind the batch header — byte for byte what
 * `encodeRecordBatch` writes for the same records with default options (offset deltas 0..n-1, the
 * smallest timestamp as the base) — and empties the builder for the next batch. Records are
 * written with the first record's timestamp as the base; when a later one is older, `finish`
 * re-encodes the batch around the smallest. Synchronous, so one builder can serve callers in turn.
 */
export class RecordBatchBuilder {
  private arena = Buffer.allocUnsafe(BUILDER_ARENA_BYTES);
  private used = 0;
  private baseTimestampMs = 0;
  private minTimestampMs = 0;
  private maxTimestampMs = 0;
  /** Records added since the last finish. */
  count = 0;
  /** What the caller chooses to track (a size estimate): reset by finish and clear. */
  estimate = 0;

  private reserve(bytes: number): Buffer {
    const needed = this.used + bytes;
    if (needed <= this.arena.length) return this.arena;
    let size = this.arena.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.arena.copy(grown, 0, 0, this.used);
    this.arena = grown;
    return grown;
  }

  add(key: Uint8Array | null, value: Uint8Array | null, headers: readonly HeaderToEncode[], timestampMs: number): void {
    const index = this.count;
    if (index === 0) {
      this.baseTimestampMs = this.minTimestampMs = this.maxTimestampMs = timestampMs;
    } else if (timestampMs < this.minTimestampMs) {
      this.minTimestampMs = timestampMs;
    } else if (timestampMs > this.maxTimestampMs) {
      this.maxTimestampMs = timestampMs;
    }
    const timestampDelta = timestampMs - this.baseTimestampMs;
    const keyLength = key === null ? -1 : key.length;
    const valueLength = value === null ? -1 : value.length;
    let bodyBytes = 1 + varlongBytes(timestampDelta) + varintBytes(index);
    bodyBytes += keyLength < 0 ? 1 : varintBytes(keyLength) + keyLength;
    bodyBytes += valueLength < 0 ? 1 : varintBytes(valueLength) + valueLength;
    bodyBytes += varintBytes(headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const headerKeyBytes = Buffer.byteLength(header.key, 'utf8');
      bodyBytes += varintBytes(headerKeyBytes) + headerKeyBytes;
      bodyBytes += header.value === null ? 1 : varintBytes(header.value.length) + header.value.length;
    }
    const arena = this.reserve(5 + bodyBytes);
    let position = writeVarint(arena, this.used, bodyBytes);
    arena[position++] = 0;
    position = writeVarlong(arena, position, timestampDelta);
    position = writeVarint(arena, position, index);
    position = writeVarint(arena, position, keyLength);
    if (keyLength > 0) {
      arena.set(key!, position);
      position += keyLength;
    }
    position = writeVarint(arena, position, valueLength);
    if (valueLength > 0) {
      arena.set(value!, position);
      position += valueLength;
    }
    position = writeVarint(arena, position, headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const headerKeyBytes = Buffer.byteLength(header.key, 'utf8');
      position = writeVarint(arena, position, headerKeyBytes);
      position += arena.write(header.key, position, headerKeyBytes, 'utf8');
      if (header.value === null) position = writeVarint(arena, position, -1);
      else {
        position = writeVarint(arena, position, header.value.length);
        arena.set(header.value, position);
        position += header.value.length;
      }
    }
    this.used = position;
    this.count = index + 1;
  }

  /** Drops the records added since the last finish. */
  clear(): void {
    this.count = 0;
    this.used = 0;
    this.estimate = 0;
  }

  /** The batch of the records added since the last finish (at least one), CRC included. */
  finish(): Buffer {
    const count = this.count;
    if (count === 0) throw new SluiceError('INTERNAL_ASSERTION', 'a record batch needs at least one record');
    const sizeBytes = RECORD_BATCH_HEADER_BYTES + this.used;
    const out = Buffer.allocUnsafe(sizeBytes);
    writeInt64(out, 0, 0);
    writeInt32(out, 8, sizeBytes - RECORD_BATCH_LOG_OVERHEAD_BYTES);
    writeInt32(out, 12, 0);
    out[16] = RECORD_BATCH_MAGIC;
    writeInt16(out, 21, 0);
    writeInt32(out, 23, count - 1);
    writeInt64(out, 27, this.baseTimestampMs);
    writeInt64(out, 35, this.maxTimestampMs);
    writeInt64(out, 43, -1);
    writeInt16(out, 51, -1);
    writeInt32(out, 53, -1);
    writeInt32(out, 57, count);
    this.arena.copy(out, RECORD_BATCH_HEADER_BYTES, 0, this.used);
    const rebase = this.minTimestampMs !== this.baseTimestampMs;
    this.clear();
    if (rebase) {
      // an older record came later: the base must be the smallest timestamp, as encodeRecordBatch has it
      const records = decodeRecordBatch(out).records;
      return encodeRecordBatch(records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestampMs: r.timestampMs })));
    }
    writeInt32(out, 17, crc32c(out, CRC_START, sizeBytes));
    return out;
  }
}
