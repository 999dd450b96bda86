import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import {
  RECORD_BATCH_HEADER_BYTES,
  RecordBatchBuilder,
  RecordBatchReader,
  batchCrcMatches,
  crc32c,
  decodeRecordBatch,
  decodeRecords,
  encodeRecordBatch,
  iterateBatches,
  readBatchHeader,
  setBaseOffset,
  validateBatch,
} from '../../../../storage/log/index.js';
import type { RecordToEncode } from '../../../../storage/log/index.js';

const require = createRequire(import.meta.url);

function expectCode(action: () => unknown, code: string, messagePart?: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(isSluiceError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    if (messagePart) expect((error as Error).message).toMatch(messagePart);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('crc32c', () => {
  it('matches the standard check value and kafkajs', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;
    const bytes = Buffer.alloc(1000);
    for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 7919) & 0xff;
    for (const length of [0, 1, 15, 16, 17, 100, 1000]) {
      expect(crc32c(bytes.subarray(0, length))).toBe(kafkajsCrc(bytes.subarray(0, length)) >>> 0);
    }
  });
});

describe('encode / decode', () => {
  it('round-trips keys, values, nulls, headers and timestamps', () => {
    const records: RecordToEncode[] = [
      { key: 'a', value: 'one', timestampMs: 1_700_000_000_000 },
      { key: null, value: Buffer.from([0, 1, 2]), timestampMs: 1_700_000_000_500 },
      { key: 'tomb', value: null, timestampMs: 1_699_999_999_000, headers: [{ key: 'h1', value: 'x' }, { key: 'h2', value: null }] },
    ];
    const batch = encodeRecordBatch(records, { baseOffset: 42, producerId: 7, producerEpoch: 3, baseSequence: 11 });
    const validation = validateBatch(batch);
    expect(validation.header.recordCount).toBe(3);
    const { header, records: decoded } = decodeRecordBatch(batch);
    expect(header).toMatchObject({
      baseOffset: 42,
      sizeBytes: batch.length,
      magic: 2,
      compression: 'none',
      lastOffsetDelta: 2,
      baseTimestampMs: 1_699_999_999_000,
      maxTimestampMs: 1_700_000_000_500,
      producerId: 7,
      producerEpoch: 3,
      baseSequence: 11,
      recordCount: 3,
    });
    expect(decoded.map((record) => record.offset)).toEqual([42, 43, 44]);
    expect(decoded[0]!.key!.toString()).toBe('a');
    expect(decoded[0]!.value!.toString()).toBe('one');
    expect(decoded[0]!.timestampMs).toBe(1_700_000_000_000);
    expect(decoded[1]!.key).toBeNull();
    expect([...decoded[1]!.value!]).toEqual([0, 1, 2]);
    expect(decoded[2]!.value).toBeNull();
    expect(decoded[2]!.timestampMs).toBe(1_699_999_999_000);
    expect(decoded[2]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['h1', 'x'],
      ['h2', null],
    ]);
  });

  it('writes gzip batches and reads them back', () => {
    const records = Array.from({ length: 50 }, (_, index) => ({ key: `k${index}`, value: 'v'.repeat(100), timestampMs: 1000 + index }));
    const batch = encodeRecordBatch(records, { compression: 'gzip' });
    expect(readBatchHeader(batch).compression).toBe('gzip');
    expect(batch.length).toBeLessThan(2000);
    validateBatch(batch);
    const decoded = decodeRecordBatch(batch).records;
    expect(decoded.map((record) => record.key!.toString())).toEqual(records.map((record) => record.key));
  });

  it('setBaseOffset changes offsets without invalidating the CRC', () => {
    const batch = encodeRecordBatch([{ value: 'x' }, { value: 'y' }]);
    setBaseOffset(batch, 2 ** 40 + 5);
    validateBatch(batch);
    expect(decodeRecordBatch(batch).records.map((record) => record.offset)).toEqual([2 ** 40 + 5, 2 ** 40 + 6]);
  });

  it('keeps offset deltas and lastOffsetDelta given explicitly (compaction)', () => {
    const batch = encodeRecordBatch([{ key: 'a', value: '1', offsetDelta: 1 }, { key: 'b', value: '2', offsetDelta: 4 }], { baseOffset: 10, lastOffsetDelta: 6 });
    expect(() => validateBatch(batch)).toThrow(/lastOffsetDelta/);
    validateBatch(batch, { requireDenseOffsets: false });
    expect(decodeRecordBatch(batch).records.map((record) => record.offset)).toEqual([11, 14]);
    expect(readBatchHeader(batch).lastOffsetDelta).toBe(6);
  });

  it('iterates and decodes back-to-back batches, ignoring a partial tail', () => {
    const first = encodeRecordBatch([{ value: 'a' }], { baseOffset: 0 });
    const second = encodeRecordBatch([{ value: 'b' }, { value: 'c' }], { baseOffset: 1 });
    const joined = Buffer.concat([first, second, second.subarray(0, 30)]);
    expect([...iterateBatches(joined)].map((batch) => batch.length)).toEqual([first.length, second.length]);
    expect(decodeRecords(joined).map((record) => record.value!.toString())).toEqual(['a', 'b', 'c']);
  });

  it('round-trips arbitrary records (property)', () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null });
    const record = fc.record({
      key: bytes,
      value: bytes,
      timestampMs: fc.integer({ min: 0, max: 2 ** 45 }),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytes }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 50 }), (records, gzip, baseOffset) => {
        const batch = encodeRecordBatch(records, { compression: gzip ? 'gzip' : 'none', baseOffset });
        validateBatch(batch);
        const decoded = decodeRecordBatch(batch).records;
        expect(decoded.length).toBe(records.length);
        decoded.forEach((got, index) => {
          const want = records[index]!;
          expect(got.offset).toBe(baseOffset + index);
          expect(got.timestampMs).toBe(want.timestampMs);
          expect(got.key === null ? null : [...got.key]).toEqual(want.key === null ? null : [...want.key]);
          expect(got.value === null ? null : [...got.value]).toEqual(want.value === null ? null : [...want.value]);
          expect(got.headers.map((h) => [h.key, h.value === null ? null : [...h.value]])).toEqual(want.headers.map((h) => [h.key, h.value === null ? null : [...h.value]]));
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe('RecordBatchBuilder and RecordBatchReader', () => {
  const bytes = fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null });
  const record = fc.record({
    key: bytes,
    value: bytes,
    timestampMs: fc.integer({ min: 0, max: 2 ** 45 }),
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: bytes }), { maxLength: 3 }),
  });

  it('builds exactly the bytes encodeRecordBatch writes, in and out of timestamp order (property)', () => {
    const builder = new RecordBatchBuilder();
    fc.assert(
      fc.property(fc.array(fc.array(record, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (batches, sorted) => {
        // one builder across batches, as a sink uses it
        for (const records of batches) {
          if (sorted) records.sort((a, b) => a.timestampMs - b.timestampMs);
          for (const r of records) builder.add(r.key, r.value, r.headers, r.timestampMs);
          expect(builder.count).toBe(records.length);
          const built = builder.finish();
          expect(builder.count).toBe(0);
          expect(built.equals(encodeRecordBatch(records))).toBe(true);
          validateBatch(built);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grows its arena for large records and forgets cleared records', () => {
    const builder = new RecordBatchBuilder();
    builder.add(Buffer.from('dropped'), null, [], 1);
    builder.clear();
    const big = Buffer.alloc(200_000, 7);
    builder.add(null, big, [], 5);
    builder.add(Buffer.from('k'), Buffer.from('v'), [{ key: 'h\u00e9', value: null }], 6);
    const built = builder.finish();
    expect(built.equals(encodeRecordBatch([{ key: null, value: big, timestampMs: 5 }, { key: 'k', value: 'v', headers: [{ key: 'h\u00e9', value: null }], timestampMs: 6 }]))).toBe(true);
    expect(() => builder.finish()).toThrow(/at least one record/);
  });

  it('reads what decodeRecordBatch decodes, gzip and log-append-time included', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 0, maxLength: 20 }), fc.boolean(), fc.boolean(), (records, gzip, appendTime) => {
        const batch = encodeRecordBatch(records, { compression: gzip ? 'gzip' : 'none', baseOffset: 7, timestampType: appendTime ? 'log-append-time' : 'create-time' });
        const want = decodeRecordBatch(batch).records;
        const reader = new RecordBatchReader();
        expect(reader.open(batch).recordCount).toBe(records.length);
        const got = [];
        while (reader.next()) got.push(reader.record());
        expect(reader.next()).toBe(false);
        expect(got).toEqual(want);
        if (appendTime && records.length > 0) expect(new Set(got.map((r) => r.timestampMs))).toEqual(new Set([readBatchHeader(batch).maxTimestampMs]));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a batch whose records overrun it', () => {
    const batch = encodeRecordBatch([{ key: 'a', value: 'b' }]);
    batch[RECORD_BATCH_HEADER_BYTES] = 0x7e; // record length 63: past the end
    const reader = new RecordBatchReader();
    reader.open(batch);
    expectCode(() => reader.next(), 'LOG_BATCH_CORRUPT', /record 0 length/);
    const wrongMagic = encodeRecordBatch([{ value: 'x' }]);
    wrongMagic[16] = 1;
    expectCode(() => reader.open(wrongMagic), 'LOG_BATCH_CORRUPT', /magic/);
  });
});

describe('validateBatch', () => {
  const good = (): Buffer => encodeRecordBatch([{ key: 'k', value: 'value' }, { key: 'k2', value: 'value2' }]);

  it('names a length that disagrees with the bytes received', () => {
    expectCode(() => validateBatch(good().subarray(0, 70)), 'LOG_BATCH_CORRUPT', /length.*expected/);
    expectCode(() => validateBatch(Buffer.concat([good(), Buffer.alloc(3)])), 'LOG_BATCH_CORRUPT', /length/);
    expectCode(() => validateBatch(Buffer.alloc(20)), 'LOG_BATCH_CORRUPT', /at least 61/);
  });

  it('names a wrong magic', () => {
    const batch = good();
    batch[16] = 1;
    expectCode(() => validateBatch(batch), 'LOG_BATCH_CORRUPT', /magic: expected 2, found 1/);
  });

  it('names the CRC computed and stored', () => {
    const batch = good();
    batch[batch.length - 1] ^= 0xff;
    expect(batchCrcMatches(batch, 0, batch.length)).toBe(false);
    expectCode(() => validateBatch(batch), 'LOG_BATCH_CORRUPT', /CRC-32C: expected 0x[0-9a-f]+ \(computed\), found 0x[0-9a-f]+ \(stored\)/);
  });

  it('catches a record count that does not match the records (CRC fixed up)', () => {
    const batch = good();
    batch.writeInt32BE(3, 57);
    batch.writeInt32BE(2, 23);
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
    expectCode(() => validateBatch(batch), 'LOG_BATCH_CORRUPT', /record 2|varint/);
    batch.writeInt32BE(1, 57);
    batch.writeInt32BE(0, 23);
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
    expectCode(() => validateBatch(batch), 'LOG_BATCH_CORRUPT', /record count: expected 1 records filling the batch/);
  });

  it('refuses records over the size limit, null keys when keys are required, and unknown codecs', () => {
    const batch = encodeRecordBatch([{ key: null, value: 'x'.repeat(200) }]);
    expectCode(() => validateBatch(batch, { recordBytesMax: 100 }), 'LOG_RECORD_TOO_LARGE', /at most 100 bytes/);
    expectCode(() => validateBatch(batch, { requireKeys: true }), 'LOG_RECORD_KEY_REQUIRED');
    const snappy = encodeRecordBatch([{ value: 'x' }]);
    snappy.writeInt16BE(2, 21);
    snappy.writeUInt32BE(crc32c(snappy, 21, snappy.length), 17);
    expectCode(() => validateBatch(snappy), 'LOG_UNSUPPORTED_COMPRESSION', /snappy/);
  });
});

describe('kafkajs interoperability', () => {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
    RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
  };
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (options: Record<string, unknown>) => unknown;
  const Long = require('kafkajs/src/utils/long.js') as { fromValue: (value: number) => unknown };
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
  const decodeKafkajs = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<{ records: Array<{ key: Buffer | null; value: Buffer | null; offset: string; headers: Record<string, Buffer> }> }>;

  for (const compression of [0, 1]) {
    it(`decodes a batch written by kafkajs's encoder (${compression ? 'gzip' : 'uncompressed'})`, async () => {
      const firstTimestamp = 1_700_000_000_000;
      const records = [
        Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k1'), value: Buffer.from('v1'), headers: { trace: 'abc' } }),
        Record({ offsetDelta: 1, timestampDelta: 5, key: null, value: Buffer.from('v2') }),
        Record({ offsetDelta: 2, timestampDelta: 9, key: Buffer.from('k3'), value: null }),
      ];
      const encoded = await RecordBatch({ compression, firstTimestamp, maxTimestamp: firstTimestamp + 9, lastOffsetDelta: 2, records, producerId: Long.fromValue(-1) });
      const batch = Buffer.from(encoded.buffer);
      const { header } = validateBatch(batch);
      expect(header).toMatchObject({ recordCount: 3, producerId: -1, producerEpoch: 0, compression: compression ? 'gzip' : 'none' });
      const decoded = decodeRecordBatch(batch).records;
      expect(decoded.map((record) => [record.offset, record.timestampMs, record.key?.toString() ?? null, record.value?.toString() ?? null])).toEqual([
        [0, firstTimestamp, 'k1', 'v1'],
        [1, firstTimestamp + 5, null, 'v2'],
        [2, firstTimestamp + 9, 'k3', null],
      ]);
      expect(decoded[0]!.headers[0]!.key).toBe('trace');
      expect(decoded[0]!.headers[0]!.value!.toString()).toBe('abc');
    });
  }

  it('writes batches kafkajs decodes', async () => {
    const batch = encodeRecordBatch([{ key: 'a', value: 'b', headers: [{ key: 'h', value: 'v' }] }, { key: null, value: 'c' }], { baseOffset: 100, compression: 'gzip', timestampMs: 5 });
    const decoded = await decodeKafkajs(new Decoder(batch));
    expect(decoded.records.map((record) => [record.offset, record.key?.toString() ?? null, record.value?.toString() ?? null])).toEqual([
      ['100', 'a', 'b'],
      ['101', null, 'c'],
    ]);
    expect(decoded.records[0]!.headers.h!.toString()).toBe('v');
    expect(RECORD_BATCH_HEADER_BYTES).toBe(61);
  });
});
