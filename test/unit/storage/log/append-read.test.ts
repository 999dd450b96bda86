import { describe, expect, it } from 'vitest';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, decodeRecordBatch, encodeRecordBatch, readBatchHeader } from '../../../../storage/log/index.js';
import { START_MS, batchOf, expectRejection, expectThrows, harness, readAll } from './helpers.js';

describe('append and read', () => {
  it('assigns dense offsets and returns whole batches as stored', async () => {
    const { open } = harness();
    const log = await open();
    await log.createTopic('t', { partitions: 2 });
    const first = await log.append('t', 0, batchOf(['a', 'b', 'c']));
    const second = await log.append('t', 0, batchOf(['d']));
    expect(first).toEqual({ baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1, logStartOffset: 0, duplicate: false });
    expect(second.baseOffset).toBe(3);
    expect((await log.append('t', 1, batchOf(['other']))).baseOffset).toBe(0);
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 0, highWatermark: 4 });
    const result = await log.read('t', 0, 1, 1 << 20);
    expect(result.batches.length).toBe(2);
    expect(result.bytes).toBe(result.batches[0]!.length + result.batches[1]!.length);
    expect(readBatchHeader(result.batches[0]!).baseOffset).toBe(0); // the batch holding offset 1
    expect(decodeRecordBatch(result.batches[1]!).records[0]!.value!.toString()).toBe('d');
    expect(result.highWatermark).toBe(4);
    expect((await readAll(log, 't', 0, 1)).map((record) => [record.offset, record.value])).toEqual([
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
    await log.close();
  });

  it('returns at least one batch even above maxBytes, and stops at maxBytes otherwise', async () => {
    const { open } = harness();
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    for (let index = 0; index < 10; index++) await log.append('t', 0, batchOf([`value-${index}`.repeat(10)]));
    const one = await log.read('t', 0, 0, 1);
    expect(one.batches.length).toBe(1);
    const size = one.batches[0]!.length;
    const three = await log.read('t', 0, 0, size * 3 + 5);
    expect(three.batches.length).toBe(3);
    const empty = await log.read('t', 0, 10, 1000);
    expect(empty.batches).toEqual([]);
    await expectRejection(log.read('t', 0, 11, 1000), 'LOG_OFFSET_OUT_OF_RANGE', /\[0, 10\]/);
    await expectRejection(log.read('t', 0, -1, 1000), 'LOG_OFFSET_OUT_OF_RANGE');
    await log.close();
  });

  it('rolls segments by segment.bytes and reads across them, also after reopening', async () => {
    const { open, fs } = harness({ segmentBytes: 500 });
    let log = await open();
    await log.createTopic('t', { partitions: 1 });
    const expected: string[] = [];
    for (let index = 0; index < 40; index++) {
      const values = [`v${index}a`, `v${index}b`];
      expected.push(...values);
      await log.append('t', 0, batchOf(values));
    }
    const segments = log.segmentBaseOffsets('t', 0);
    expect(segments.length).toBeGreaterThan(5);
    expect(segments[0]).toBe(0);
    expect((await readAll(log, 't')).map((record) => record.value)).toEqual(expected);
    await log.close();
    expect(fs.readdir('/data/topics/t/0').filter((name) => name.endsWith('.index')).length).toBe(segments.length);
    log = await open();
    expect(log.segmentBaseOffsets('t', 0)).toEqual(segments);
    expect((await readAll(log, 't', 0, 37)).map((record) => record.offset)).toEqual(Array.from({ length: 43 }, (_, index) => 37 + index));
    await log.append('t', 0, batchOf(['after']));
    expect(log.offsets('t', 0).highWatermark).toBe(81);
    await log.close();
  });

  it('rebuilds missing or corrupt index files on open', async () => {
    const { open, fs } = harness({ segmentBytes: 2000 });
    let log = await open();
    await log.createTopic('t', { partitions: 1 });
    for (let index = 0; index < 60; index++) await log.append('t', 0, batchOf([`value ${index}`], { timestampMs: START_MS + index * 1000 }));
    const before = await readAll(log, 't');
    await log.close();
    const names = fs.readdir('/data/topics/t/0');
    const indexes = names.filter((name) => name.endsWith('.index'));
    fs.unlink(`/data/topics/t/0/${indexes[0]}`);
    const timeIndex = fs.open(`/data/topics/t/0/${names.filter((name) => name.endsWith('.timeindex'))[1]}`, 'read-write');
    timeIndex.write(Buffer.from([1, 2, 3, 4]), 20);
    timeIndex.close();
    log = await open();
    expect(await readAll(log, 't')).toEqual(before);
    expect(await log.offsetForTime('t', 0, START_MS + 30_500)).toEqual({ offset: 31, timestampMs: START_MS + 31_000 });
    await log.close();
  });

  it('finds offsets by timestamp, earliest and latest', async () => {
    const { open } = harness({ segmentBytes: 800 });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    for (let index = 0; index < 50; index++) {
      const records = [0, 1].map((within) => ({ value: `r${index}-${within}`, timestampMs: START_MS + index * 100 + within * 10 }));
      await log.append('t', 0, encodeRecordBatch(records));
    }
    expect(await log.offsetForTime('t', 0, EARLIEST_TIMESTAMP)).toEqual({ offset: 0, timestampMs: -1 });
    expect(await log.offsetForTime('t', 0, LATEST_TIMESTAMP)).toEqual({ offset: 100, timestampMs: -1 });
    expect(await log.offsetForTime('t', 0, 0)).toEqual({ offset: 0, timestampMs: START_MS });
    expect(await log.offsetForTime('t', 0, START_MS + 2005)).toEqual({ offset: 41, timestampMs: START_MS + 2010 });
    expect(await log.offsetForTime('t', 0, START_MS + 2010)).toEqual({ offset: 41, timestampMs: START_MS + 2010 });
    expect(await log.offsetForTime('t', 0, START_MS + 4911)).toEqual({ offset: -1, timestampMs: -1 });
    await log.close();
  });

  it('rejects corrupt and oversized batches and stores nothing', async () => {
    const { open } = harness({}, { recordBytesMax: 300, batchBytesMax: 2000 });
    const log = await open();
    await log.createTopic('t', { partitions: 1, configs: { 'max.message.bytes': '1000' } });
    const corrupt = batchOf(['fine']);
    corrupt[corrupt.length - 2] ^= 1;
    await expectRejection(log.append('t', 0, corrupt), 'LOG_BATCH_CORRUPT', /CRC-32C/);
    await expectRejection(log.append('t', 0, batchOf(['x'.repeat(400)])), 'LOG_RECORD_TOO_LARGE', /at most 300/);
    await expectRejection(log.append('t', 0, batchOf(Array.from({ length: 10 }, () => 'y'.repeat(150)))), 'LOG_BATCH_TOO_LARGE', /at most 1000 bytes/);
    await expectRejection(log.append('t', 0, encodeRecordBatch([])), 'LOG_BATCH_CORRUPT', /at least 1/);
    expect(log.offsets('t', 0).highWatermark).toBe(0);
    await log.append('t', 0, batchOf(['ok']));
    expect((await readAll(log, 't')).map((record) => record.value)).toEqual(['ok']);
    await log.close();
  });

  it('refuses keyless records on compacted topics', async () => {
    const { open } = harness();
    const log = await open();
    await log.createTopic('c', { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    await expectRejection(log.append('c', 0, batchOf(['no key'])), 'LOG_RECORD_KEY_REQUIRED');
    await log.close();
  });
});

describe('waitForData', () => {
  it('wakes a reader when an append passes its offset, without spinning', async () => {
    const { open, clock } = harness({ durability: { kind: 'os' } });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    const waiting = log.waitForData('t', 0, 0, 10_000);
    let settled = false;
    void waiting.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(clock.pendingTimers()).toBe(1);
    await log.append('t', 0, batchOf(['x']));
    expect(await waiting).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
    expect(await log.waitForData('t', 0, 0, 10)).toBe(true); // already there
    await log.close();
  });

  it('times out on the clock and honours an abort signal', async () => {
    const { open, clock } = harness();
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    const timedOut = log.waitForData('t', 0, 0, 500);
    clock.advance(499);
    let settled = false;
    void timedOut.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await timedOut).toBe(false);
    const controller = new AbortController();
    const aborted = log.waitForData('t', 0, 0, 60_000, controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
    const closing = log.waitForData('t', 0, 0, 60_000);
    await log.close();
    expect(await closing).toBe(false);
  });
});

describe('durability', () => {
  it('every-append fsyncs before acknowledging; interval flushes on the clock; os leaves it', async () => {
    const { open, fs, clock } = harness();
    const log = await open();
    await log.createTopic('sync', { partitions: 1, configs: { 'flush.messages': '1' } });
    await log.createTopic('timed', { partitions: 1, configs: { 'flush.ms': '100' } });
    await log.createTopic('lazy', { partitions: 1, configs: { 'flush.ms': '9223372036854775807' } });
    let syncs = fs.syncCount;
    await log.append('sync', 0, batchOf(['a']));
    expect(fs.syncCount).toBe(syncs + 1);
    syncs = fs.syncCount;
    await log.append('timed', 0, batchOf(['b']));
    await log.append('timed', 0, batchOf(['c']));
    await log.append('lazy', 0, batchOf(['d']));
    expect(fs.syncCount).toBe(syncs);
    clock.advance(100);
    await Promise.resolve();
    expect(fs.syncCount).toBe(syncs + 1);
    fs.crash({ unsynced: 'none' });
    const reopened = await open();
    expect((await readAll(reopened, 'sync')).map((record) => record.value)).toEqual(['a']);
    expect((await readAll(reopened, 'timed')).map((record) => record.value)).toEqual(['b', 'c']);
    expect(await readAll(reopened, 'lazy')).toEqual([]);
    await reopened.close();
  });

  it('group commit: concurrent appends share fsyncs and all become durable', async () => {
    const { open, fs } = harness({ durability: { kind: 'every-append' } });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    const syncsBefore = fs.syncCount;
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => log.append('t', 0, batchOf([`v${index}`]))));
    expect(results.map((result) => result.baseOffset)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(fs.syncCount - syncsBefore).toBeLessThanOrEqual(20);
    fs.crash({ unsynced: 'none' });
    const reopened = await open();
    expect((await readAll(reopened, 't')).length).toBe(20);
    await reopened.close();
  });

  it('ENOSPC refuses the append, keeps the segment whole, and the log stays writable', async () => {
    const { open, fs } = harness({ durability: { kind: 'every-append' } });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    await log.append('t', 0, batchOf(['before']));
    fs.failWithNoSpaceAfterBytes(10);
    await expectRejection(log.append('t', 0, batchOf(['does not fit'])), 'FS_NO_SPACE');
    fs.clearNoSpace();
    expect((await log.append('t', 0, batchOf(['after']))).baseOffset).toBe(1);
    expect((await readAll(log, 't')).map((record) => record.value)).toEqual(['before', 'after']);
    await log.close();
    const reopened = await open();
    expect((await readAll(reopened, 't')).map((record) => record.value)).toEqual(['before', 'after']);
    await reopened.close();
  });

  it('a failed fsync fails the append and the partition until reopened', async () => {
    const { open, fs } = harness({ durability: { kind: 'every-append' } });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    fs.failNextSyncs(1);
    await expectRejection(log.append('t', 0, batchOf(['x'])), 'FS_IO');
    await expectRejection(log.append('t', 0, batchOf(['y'])), 'LOG_PARTITION_FAILED');
    expectThrows(() => log.offsets('nope', 0), 'LOG_TOPIC_NOT_FOUND');
    await log.close();
  });
});
