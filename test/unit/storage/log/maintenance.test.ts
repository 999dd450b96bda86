import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../../../storage/log/index.js';
import { START_MS, batchOf, expectRejection, harness, readAll } from './helpers.js';

const DAY_MS = 86_400_000;

describe('retention', () => {
  it('deletes whole segments older than retention.ms, by their newest timestamp', async () => {
    const { open, clock } = harness({ segmentBytes: 400, retentionMs: 10_000 });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    for (let index = 0; index < 30; index++) {
      await log.append('t', 0, batchOf([`value-${index}`], { timestampMs: clock.nowMs() }));
      clock.advance(1000);
    }
    const before = log.segmentBaseOffsets('t', 0);
    const outcome = log.enforceRetention();
    expect(outcome.deletedSegments).toBeGreaterThan(0);
    const after = log.segmentBaseOffsets('t', 0);
    expect(after).toEqual(before.slice(outcome.deletedSegments));
    const start = log.offsets('t', 0).logStartOffset;
    expect(start).toBe(after[0]);
    // every record older than the retention is gone, except those sharing a segment with newer ones
    const records = await readAll(log, 't');
    expect(records[0]!.offset).toBe(start);
    expect(records[records.length - 1]!.offset).toBe(29);
    expect(records.every((record) => clock.nowMs() - record.timestampMs <= 10_000 + 4000)).toBe(true);
    await expectRejection(log.read('t', 0, 0, 100), 'LOG_OFFSET_OUT_OF_RANGE');
    await log.close();
  });

  it('when every segment has expired, keeps an empty active segment at the log end', async () => {
    const { open, clock } = harness({ retentionMs: 1000 });
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    await log.append('t', 0, batchOf(['a', 'b'], { timestampMs: clock.nowMs() }));
    clock.advance(5000);
    expect(log.enforceRetention().deletedSegments).toBe(1);
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 2, highWatermark: 2 });
    expect((await log.append('t', 0, batchOf(['c']))).baseOffset).toBe(2);
    await log.close();
    const reopened = await open();
    expect(reopened.offsets('t', 0)).toEqual({ logStartOffset: 2, highWatermark: 3 });
    await reopened.close();
  });

  it('deletes the oldest segments beyond retention.bytes', async () => {
    const { open } = harness({ segmentBytes: 300, retentionMs: -1 });
    const log = await open();
    await log.createTopic('t', { partitions: 1, configs: { 'retention.bytes': '1000' } });
    for (let index = 0; index < 40; index++) await log.append('t', 0, batchOf([`value-${index}`]));
    log.enforceRetention();
    const remainingBytes = (await log.read('t', 0, log.offsets('t', 0).logStartOffset, 1 << 20)).bytes;
    // As Kafka: a segment goes only if what remains is still at least retention.bytes.
    expect(remainingBytes).toBeGreaterThanOrEqual(1000);
    expect(remainingBytes).toBeLessThan(1000 + 300 + 100);
    expect(log.offsets('t', 0).highWatermark).toBe(40);
    await log.close();
  });

  it('leaves compact-only topics alone and runs on the maintenance timer', async () => {
    const { open, clock } = harness({ segmentBytes: 200, retentionMs: 1000 });
    const log = await open({ maintenanceIntervalMs: 5000 });
    await log.createTopic('compacted', { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    await log.createTopic('plain', { partitions: 1 });
    for (let index = 0; index < 10; index++) {
      await log.append('compacted', 0, batchOf([[`k${index}`, 'v']], { timestampMs: clock.nowMs() }));
      await log.append('plain', 0, batchOf([`v${index}`], { timestampMs: clock.nowMs() }));
    }
    clock.advance(5000);
    await new Promise((resolve) => setImmediate(resolve));
    await log.runMaintenance();
    expect(log.offsets('compacted', 0).logStartOffset).toBe(0);
    expect(log.offsets('plain', 0).logStartOffset).toBe(10);
    await log.close();
  });
});

describe('compaction', () => {
  it('keeps the latest value per key with the original offsets; the active segment is untouched', async () => {
    const { open } = harness({ segmentBytes: 400 });
    const log = await open();
    await log.createTopic('c', { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    const latest = new Map<string, { offset: number; value: string }>();
    for (let index = 0; index < 60; index++) {
      const key = `key-${index % 7}`;
      const value = `value-${index}`;
      const { baseOffset } = await log.append('c', 0, batchOf([[key, value]]));
      latest.set(key, { offset: baseOffset, value });
    }
    const before = await readAll(log, 'c');
    const segments = log.segmentBaseOffsets('c', 0);
    const outcome = await log.compact();
    expect(outcome.segmentsRewritten).toBeGreaterThan(0);
    expect(outcome.recordsRemoved).toBeGreaterThan(0);
    expect(log.segmentBaseOffsets('c', 0)).toEqual(segments);
    const after = await readAll(log, 'c');
    const activeBase = segments[segments.length - 1]!;
    // every record still there is one of the originals with its offset
    const original = new Map(before.map((record) => [record.offset, record]));
    for (const record of after) expect(original.get(record.offset)).toEqual(record);
    // latest value per key survives; older ones outside the active segment are gone
    const lastByKey = new Map<string, string>();
    for (const record of after) lastByKey.set(record.key!, record.value!);
    for (const [key, { value }] of latest) expect(lastByKey.get(key)).toBe(value);
    const olderOutsideActive = after.filter((record) => record.offset < activeBase && latest.get(record.key!)!.offset !== record.offset);
    const duplicatesBeforeActive = new Set(olderOutsideActive.map((record) => record.key));
    for (const key of duplicatesBeforeActive) {
      const copies = after.filter((record) => record.key === key && record.offset < activeBase);
      expect(copies.length).toBe(1); // at most one copy per key survives in the compacted part
    }
    expect(log.offsets('c', 0).highWatermark).toBe(60);
    expect((await log.append('c', 0, batchOf([['key-0', 'new']]))).baseOffset).toBe(60);
    // survives a reopen
    await log.close();
    const reopened = await open();
    expect((await readAll(reopened, 'c')).slice(0, -1)).toEqual(after);
    await reopened.close();
  });

  it('removes tombstones only after delete.retention.ms, and respects min.compaction.lag.ms', async () => {
    const { open, clock } = harness({ segmentBytes: 300 });
    const log = await open();
    await log.createTopic('c', { partitions: 1, configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(DAY_MS), 'min.compaction.lag.ms': '60000' } });
    await log.append('c', 0, batchOf([['a', '1'], ['b', '1']], { timestampMs: clock.nowMs() }));
    await log.append('c', 0, batchOf([['a', null]], { timestampMs: clock.nowMs() }));
    await log.append('c', 0, batchOf([['b', '2']], { timestampMs: clock.nowMs() }));
    log.rollSegment('c', 0);
    await log.append('c', 0, batchOf([['c', 'active']], { timestampMs: clock.nowMs() }));
    expect((await log.compact()).segmentsRewritten).toBe(0); // younger than min.compaction.lag.ms
    clock.advance(60_000);
    await log.compact();
    expect((await readAll(log, 'c')).map((record) => [record.offset, record.key, record.value])).toEqual([
      [2, 'a', null],
      [3, 'b', '2'],
      [4, 'c', 'active'],
    ]);
    clock.advance(DAY_MS);
    await log.compact();
    expect((await readAll(log, 'c')).map((record) => [record.offset, record.key, record.value])).toEqual([
      [3, 'b', '2'],
      [4, 'c', 'active'],
    ]);
    expect(log.offsets('c', 0)).toEqual({ logStartOffset: 0, highWatermark: 5 });
    await log.close();
  });

  it('rewrites gzip batches as gzip and keeps producer fields', async () => {
    const { open } = harness();
    const log = await open();
    await log.createTopic('c', { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    await log.append('c', 0, encodeRecordBatch([{ key: 'a', value: '1' }, { key: 'b', value: '1' }], { compression: 'gzip', timestampMs: START_MS }));
    await log.append('c', 0, encodeRecordBatch([{ key: 'a', value: '2' }], { timestampMs: START_MS }));
    log.rollSegment('c', 0);
    await log.compact();
    const result = await log.read('c', 0, 0, 1 << 20);
    expect(result.batches[0]!.readInt16BE(21) & 7).toBe(1);
    expect((await readAll(log, 'c')).map((record) => [record.offset, record.key, record.value])).toEqual([
      [1, 'b', '1'],
      [2, 'a', '2'],
    ]);
    await log.close();
  });

  it('does not block appends while it runs', async () => {
    const { open } = harness({ segmentBytes: 2000 });
    const log = await open();
    await log.createTopic('c', { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    for (let index = 0; index < 400; index++) await log.append('c', 0, batchOf([[`k${index % 10}`, `v${index}`]]));
    const compaction = log.compact();
    const appended = await log.append('c', 0, batchOf([['k0', 'during']]));
    expect(appended.baseOffset).toBe(400);
    await compaction;
    const records = await readAll(log, 'c');
    expect(records[records.length - 1]).toMatchObject({ offset: 400, key: 'k0', value: 'during' });
    await log.close();
  });
});

describe('consumer-group offsets', () => {
  it('commits, fetches, survives reopen and deletion', async () => {
    const { open } = harness();
    let log = await open();
    await log.createTopic('t', { partitions: 2 });
    await log.commitOffsets('g1', [
      { topic: 't', partition: 0, offset: 5, metadata: null },
      { topic: 't', partition: 1, offset: 7, metadata: 'meta' },
    ]);
    await log.commitOffsets('g1', [{ topic: 't', partition: 0, offset: 9, metadata: null }]);
    await log.commitOffsets('g2', [{ topic: 't', partition: 0, offset: 1, metadata: null }]);
    expect(log.fetchOffsets('g1').map((entry) => [entry.partition, entry.offset, entry.metadata])).toEqual([
      [0, 9, null],
      [1, 7, 'meta'],
    ]);
    expect(log.fetchOffsets('unknown')).toEqual([]);
    await log.close();
    log = await open();
    expect(log.listOffsetGroups()).toEqual(['g1', 'g2']);
    expect(log.fetchOffsets('g1').map((entry) => entry.offset)).toEqual([9, 7]);
    await log.deleteOffsetGroup('g2');
    await log.compact();
    await log.close();
    log = await open();
    expect(log.listOffsetGroups()).toEqual(['g1']);
    await expectRejection(log.commitOffsets('g1', [{ topic: 't', partition: 0, offset: 1, metadata: 'x'.repeat(5000) }]), 'LOG_OFFSET_METADATA_TOO_LARGE');
    await expectRejection(log.commitOffsets('', [{ topic: 't', partition: 0, offset: 1, metadata: null }]), 'INVALID_ARGUMENT');
    await log.deleteTopic('t');
    expect(log.fetchOffsets('g1')).toEqual([]);
    await log.close();
  });
});

describe('producer ids and idempotent producers', () => {
  it('allocates unique producer ids across restarts', async () => {
    const { open } = harness();
    let log = await open();
    const first = [await log.allocateProducerId(), await log.allocateProducerId()];
    await log.close();
    log = await open();
    const next = await log.allocateProducerId();
    expect(first).toEqual([0, 1]);
    expect(next).toBeGreaterThan(1);
    await log.close();
  });

  it('dedupes retries, refuses gaps and stale epochs, and remembers after reopen', async () => {
    const { open } = harness();
    let log = await open();
    await log.createTopic('t', { partitions: 1 });
    const producer = (epoch: number, sequence: number, values: string[]): Buffer => batchOf(values, { producerId: 42, producerEpoch: epoch, baseSequence: sequence });
    expect((await log.append('t', 0, producer(0, 0, ['a', 'b']))).baseOffset).toBe(0);
    expect((await log.append('t', 0, producer(0, 2, ['c']))).baseOffset).toBe(2);
    expect(await log.append('t', 0, producer(0, 0, ['a', 'b']))).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: true });
    await expectRejection(log.append('t', 0, producer(0, 5, ['gap'])), 'LOG_OUT_OF_ORDER_SEQUENCE', /expected 3, found 5/);
    await log.close();
    log = await open();
    expect(await log.append('t', 0, producer(0, 2, ['c']))).toMatchObject({ baseOffset: 2, duplicate: true });
    expect((await log.append('t', 0, producer(0, 3, ['d']))).baseOffset).toBe(3);
    await expectRejection(log.append('t', 0, producer(1, 7, ['x'])), 'LOG_OUT_OF_ORDER_SEQUENCE');
    expect((await log.append('t', 0, producer(1, 0, ['e']))).baseOffset).toBe(4);
    await expectRejection(log.append('t', 0, producer(0, 4, ['stale'])), 'LOG_PRODUCER_FENCED');
    expect((await readAll(log, 't')).map((record) => record.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
    await log.close();
  });
});
