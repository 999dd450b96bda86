/**
 * Crash simulation: the log on a MemoryFileSystem that tears a random write at a random byte and
 * then loses whatever was not fsynced (keeping a random prefix of it, possibly torn). After
 * reopening, each partition must hold a prefix of the batches appended, with every batch that was
 * acknowledged under fsync-on-append, dense offsets, and it must accept appends again.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, isSluiceError } from '../../common/index.js';
import { MemoryFileSystem, seededRandom } from '../../storage/fs/index.js';
import { decodeRecords, encodeRecordBatch, openLog } from '../../storage/log/index.js';
import type { BuiltInLog, Durability } from '../../storage/log/index.js';

interface Stored {
  offset: number;
  key: string | null;
  value: string | null;
}

async function readEverything(log: BuiltInLog, topic: string): Promise<Stored[]> {
  const records: Stored[] = [];
  let offset = log.offsets(topic, 0).logStartOffset;
  const highWatermark = log.offsets(topic, 0).highWatermark;
  while (offset < highWatermark) {
    const result = await log.read(topic, 0, offset, 4096);
    for (const record of decodeRecords(Buffer.concat(result.batches))) {
      if (record.offset >= offset) records.push({ offset: record.offset, key: record.key?.toString() ?? null, value: record.value?.toString() ?? null });
    }
    const last = result.batches[result.batches.length - 1]!;
    offset = Number(last.readBigInt64BE(0)) + last.readInt32BE(23) + 1;
  }
  return records;
}

function isCrash(error: unknown): boolean {
  return isSluiceError(error) && (error.code === 'FS_CRASHED' || error.code === 'LOG_PARTITION_FAILED');
}

async function crashRun(seed: number, durability: Durability): Promise<void> {
  const random = seededRandom(seed * 7919 + 1);
  const fs = new MemoryFileSystem({ random: seededRandom(seed) });
  const clock = new SimulatedClock(1_000_000);
  const segmentBytes = 150 + Math.floor(random() * 1500);
  const open = (): Promise<BuiltInLog> =>
    openLog({ dataDir: '/data', fs, clock, maintenanceIntervalMs: 0, indexIntervalBytes: 1 + Math.floor(random() * 300), defaults: { segmentBytes, durability } });
  const log = await open();
  await log.createTopic('t', { partitions: 1 });
  // Some history that survives a clean close, so recovery also starts from index files.
  const batchRecords = (batch: number): string[] => Array.from({ length: 1 + (batch % 4) }, (_, index) => `b${batch}-r${index}-${'x'.repeat(batch % 23)}`);
  let batch = 0;
  for (; batch < 5; batch++) await log.append('t', 0, encodeRecordBatch(batchRecords(batch).map((value) => ({ value }))));
  await log.close();

  const running = await open();
  fs.crashAtWrite(1 + Math.floor(random() * 80), Math.floor(random() * 250));
  const acknowledged: number[] = [];
  const attempted: number[] = [];
  let crashed = false;
  while (!crashed && batch < 60) {
    const concurrent = 1 + Math.floor(random() * 3);
    const inFlight: Array<Promise<unknown>> = [];
    for (let index = 0; index < concurrent; index++, batch++) {
      const id = batch;
      attempted.push(id);
      inFlight.push(running.append('t', 0, encodeRecordBatch(batchRecords(id).map((value) => ({ value })))).then(() => acknowledged.push(id)));
      if (random() < 0.1) inFlight.push(running.commitOffsets('g', [{ topic: 't', partition: 0, offset: id, metadata: null }]));
    }
    for (const outcome of await Promise.allSettled(inFlight)) {
      if (outcome.status === 'rejected') {
        expect(isCrash(outcome.reason), String(outcome.reason)).toBe(true);
        crashed = true;
      }
    }
  }
  fs.crash(); // power loss (also when the armed write was never reached)

  const recovered = await open();
  const records = await readEverything(recovered, 't');
  expect(records.map((record) => record.offset)).toEqual(records.map((_, index) => index));
  const batches: number[] = [];
  for (const record of records) {
    const id = Number(/^b(\d+)-/.exec(record.value!)![1]);
    if (batches[batches.length - 1] !== id) batches.push(id);
  }
  // A prefix of the batches, in order, each one whole.
  expect(batches).toEqual(batches.map((_, index) => index));
  for (const id of batches) expect(records.filter((record) => record.value!.startsWith(`b${id}-`)).map((record) => record.value)).toEqual(batchRecords(id));
  expect(batches.length).toBeGreaterThanOrEqual(5);
  if (durability.kind === 'every-append') {
    for (const id of acknowledged) expect(batches, `acknowledged batch ${id} lost (seed ${seed})`).toContain(id);
  }
  // Still writable, offsets continue densely.
  const next = await recovered.append('t', 0, encodeRecordBatch([{ value: 'after-crash' }]));
  expect(next.baseOffset).toBe(records.length);
  await recovered.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1, metadata: null }]);
  await recovered.close();
  const again = await open();
  expect((await readEverything(again, 't')).length).toBe(records.length + 1);
  expect(again.fetchOffsets('g')[0]!.offset).toBe(1);
  await again.close();
}

describe('crash recovery', () => {
  it('fsync on every append: no acknowledged batch is lost, the log is a prefix and stays writable', async () => {
    for (let seed = 1; seed <= 120; seed++) await crashRun(seed, { kind: 'every-append' });
  });

  it('OS-managed flushing: the log is still a whole-batch prefix after a crash', async () => {
    for (let seed = 1000; seed <= 1060; seed++) await crashRun(seed, { kind: 'os' });
  });

  it('a crash in the middle of compaction keeps every latest value and every offset', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const fs = new MemoryFileSystem({ random: seededRandom(seed + 500) });
      const clock = new SimulatedClock(1_000_000);
      const open = (): Promise<BuiltInLog> => openLog({ dataDir: '/data', fs, clock, maintenanceIntervalMs: 0, defaults: { segmentBytes: 300, durability: { kind: 'every-append' } } });
      const log = await open();
      await log.createTopic('c', { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
      const latest = new Map<string, { offset: number; value: string }>();
      const all = new Map<number, Stored>();
      for (let index = 0; index < 80; index++) {
        const key = `k${Math.floor(random() * 9)}`;
        const value = `v${index}`;
        const { baseOffset } = await log.append('c', 0, encodeRecordBatch([{ key, value }]));
        latest.set(key, { offset: baseOffset, value });
        all.set(baseOffset, { offset: baseOffset, key, value });
      }
      fs.crashAtWrite(1 + Math.floor(random() * 25), Math.floor(random() * 100));
      await log.compact().catch((error: unknown) => expect(isCrash(error), String(error)).toBe(true));
      fs.crash();
      const recovered = await open();
      const records = await readEverything(recovered, 'c');
      for (const record of records) expect(record).toEqual(all.get(record.offset));
      for (const [key, { offset, value }] of latest) expect(records.find((record) => record.offset === offset), `${key} latest lost`).toEqual({ offset, key, value });
      expect(recovered.offsets('c', 0).highWatermark).toBe(80);
      await recovered.compact();
      const compacted = await readEverything(recovered, 'c');
      for (const [key, { offset }] of latest) expect(compacted.some((record) => record.key === key && record.offset === offset)).toBe(true);
      await recovered.close();
    }
  });

  it('a crash while creating and deleting topics leaves each topic either there or not, and the log opens', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = seededRandom(seed);
      const fs = new MemoryFileSystem({ random: seededRandom(seed + 77) });
      const clock = new SimulatedClock(1_000_000);
      const open = (): Promise<BuiltInLog> => openLog({ dataDir: '/data', fs, clock, maintenanceIntervalMs: 0, defaults: { durability: { kind: 'every-append' } } });
      const log = await open();
      await log.createTopic('keep', { partitions: 2 });
      fs.crashAtWrite(1 + Math.floor(random() * 30), Math.floor(random() * 50));
      try {
        await log.createTopic('new', { partitions: 3, configs: { 'retention.ms': '1000' } });
        await log.append('new', 1, encodeRecordBatch([{ value: 'x' }]));
        await log.alterTopicConfigs('keep', { 'retention.ms': '5000' });
        await log.deleteTopic('keep');
        await log.allocateProducerId();
      } catch (error) {
        expect(isCrash(error), String(error)).toBe(true);
      }
      fs.crash();
      const recovered = await open();
      if (recovered.hasTopic('new')) expect(recovered.describeTopic('new').partitions).toBe(3);
      if (recovered.hasTopic('keep')) expect(['604800000', '5000']).toContain(recovered.describeTopic('keep').configs['retention.ms']);
      await recovered.createTopic('fresh', { partitions: 1 });
      expect((await recovered.append('fresh', 0, encodeRecordBatch([{ value: 'y' }]))).baseOffset).toBe(0);
      await recovered.close();
    }
  });
});
