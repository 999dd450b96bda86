import { describe, expect, it } from 'vitest';
import { PushQueue, PushSinkOperator, SinkOperator, absentKey, makeRecord, murmur2, partitionForKey, type SinkOptions } from '../../../../engine/operators/index.js';
import type { SqlType } from '../../../../engine/types/index.js';
import { openTestLog, readTopic, serdes, testProcessingLog } from './helpers.js';

const STRING: SqlType = { kind: 'STRING' };
const INT: SqlType = { kind: 'INTEGER' };

describe('Kafka partitioner', () => {
  it("matches Kafka's murmur2", () => {
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
    expect(partitionForKey(Buffer.from('21'), 4)).toBe((-973932308 & 0x7fffffff) % 4);
  });
});

async function sinkFixture(partitions: number, overrides: Partial<SinkOptions> = {}) {
  const { log } = await openTestLog();
  await log.createTopic('out', { partitions });
  const processing = testProcessingLog();
  const sink = new SinkOperator({
    log,
    topic: 'out',
    partitions,
    keySerde: serdes.create({ topic: 'out', target: 'key', format: 'KAFKA', properties: {}, columns: [{ name: 'K', type: STRING }] }),
    valueSerde: serdes.create({ topic: 'out', target: 'value', format: 'JSON', properties: {}, columns: [{ name: 'V', type: INT }] }),
    windowed: null,
    timestamp: null,
    limits: { batchBytesMax: 1_048_588, recordBytesMax: 1_048_576 },
    processingLog: processing.log.forStep('KsqlTopic/Sink'),
    ...overrides,
  });
  return { log, sink, processing };
}

describe('sink', () => {
  it('writes one batch per partition per input batch, keyed by murmur2, keeping timestamps and headers', async () => {
    const { log, sink } = await sinkFixture(4);
    const headers = [{ key: 'h', value: Buffer.from('x') }];
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    await sink.write(keys.map((key, i) => makeRecord([key], [i], { timestampMs: 100 + i, headers })));
    const { records, batches } = await readTopic(log, 'out');
    const used = new Set(keys.map((key) => partitionForKey(Buffer.from(key), 4)));
    expect(batches).toBe(used.size);
    for (const key of keys) {
      const record = records.find((r) => r.key === key)!;
      expect(record.partition).toBe(partitionForKey(Buffer.from(key), 4));
      expect(record.value).toBe(`{"V":${keys.indexOf(key)}}`);
      expect(record.timestampMs).toBe(100 + keys.indexOf(key));
      expect(record.headers).toEqual([{ key: 'h', value: 'x' }]);
    }
    // order within a partition is the input order
    for (let p = 0; p < 4; p++) {
      const inPartition = records.filter((r) => r.partition === p).map((r) => keys.indexOf(r.key!));
      expect(inPartition).toEqual([...inPartition].sort((a, b) => a - b));
    }
  });

  it('writes tombstones and splits batches at the size limit', async () => {
    const { log, sink } = await sinkFixture(1, { limits: { batchBytesMax: 300, recordBytesMax: 1000 } });
    await sink.write(Array.from({ length: 20 }, (_, i) => makeRecord(['k'], i % 2 === 0 ? [i] : null)));
    const { records, batches } = await readTopic(log, 'out');
    expect(records).toHaveLength(20);
    expect(records[1]!.value).toBe(null);
    expect(batches).toBeGreaterThan(1);
  });

  it('writes a key read without bytes as no key, but serializes a key computed to nulls', async () => {
    const delimitedKey = serdes.create({ topic: 'out', target: 'key', format: 'DELIMITED', properties: {}, columns: [{ name: 'K', type: STRING }] });
    const { log, sink } = await sinkFixture(1, { keySerde: delimitedKey });
    await sink.write([makeRecord(absentKey(1), [1]), makeRecord([null], [2])]);
    const { records } = await readTopic(log, 'out');
    expect(records.map((r) => r.key)).toEqual([null, '']);
  });

  it('skips and logs a row whose extracted timestamp is negative (timestamp-extractor.json)', async () => {
    const { log, sink, processing } = await sinkFixture(1, { timestamp: (record) => record.value![0] as number });
    await sink.write([makeRecord(['a'], [1]), makeRecord(['b'], [-2]), makeRecord(['c'], [3])]);
    const { records } = await readTopic(log, 'out');
    expect(records.map((r) => [r.key, r.timestampMs])).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(processing.sink.entries[0]!.message.recordProcessingError?.errorMessage).toBe(
      'Error writing row with extracted timestamp: Malformed Record: timestamp may not be negative. Got: -2',
    );
  });

  it('appends the window to windowed keys', async () => {
    const { log, sink } = await sinkFixture(1, { windowed: { kind: 'TUMBLING' } });
    await sink.write([makeRecord(['k'], [1], { window: { startMs: 1000, endMs: 2000 } })]);
    const read = await log.read('out', 0, 0, 1 << 20);
    const { decodeRecordBatch } = await import('../../../../storage/log/index.js');
    const key = decodeRecordBatch(read.batches[0]!).records[0]!.key!;
    expect(key.length).toBe(9);
    expect(key.subarray(0, 1).toString()).toBe('k');
    expect(key.readBigInt64BE(1)).toBe(1000n);
  });

  it('fails on a row that does not serialize, after logging it', async () => {
    const failing = {
      serialize(): Buffer | null {
        throw new Error('cannot write this');
      },
      deserialize: () => null,
    };
    const { sink, processing } = await sinkFixture(1, { valueSerde: failing });
    await expect(sink.write([makeRecord(['k'], [1])])).rejects.toThrow('Unable to serialize record value: cannot write this');
    expect(processing.sink.entries[0]!.message.type).toBe(3);
  });
});

describe('push queue', () => {
  const row = (i: number) => makeRecord([i], [i]);

  it('completes at the LIMIT', async () => {
    const queue = new PushQueue(100, 3);
    const sink = new PushSinkOperator(queue);
    await sink.write([row(1), row(2)]);
    expect(sink.isDone()).toBe(false);
    await sink.write([row(3), row(4)]);
    expect(sink.isDone()).toBe(true);
    const seen: unknown[] = [];
    for await (const r of queue) seen.push(r.key[0]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('blocks when full and unblocks when the consumer takes rows', async () => {
    const queue = new PushQueue(2);
    const sink = new PushSinkOperator(queue);
    await sink.write([row(1), row(2)]);
    expect(sink.isBlocked()).toBe(true);
    let unblocked = false;
    const wait = sink.whenUnblocked().then(() => (unblocked = true));
    await Promise.resolve();
    expect(unblocked).toBe(false);
    expect(queue.poll(1).map((r) => r.key[0])).toEqual([1]);
    await wait;
    expect(unblocked).toBe(true);
    expect(sink.isBlocked()).toBe(false);
  });

  it('hands a failure to the reader', async () => {
    const queue = new PushQueue(2);
    queue.offer([{ key: [1], value: [1], timestampMs: 0, partition: 0, offset: 0, window: null }]);
    const { SluiceError } = await import('../../../../common/index.js');
    queue.fail(new SluiceError('ENGINE_STATE', 'query failed'));
    expect((await queue.next())?.key).toEqual([1]);
    await expect(queue.next()).rejects.toThrow('query failed');
  });
});
