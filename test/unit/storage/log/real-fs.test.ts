/** The log on the real file system: the same contract as on the in-memory one. */
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../common/index.js';
import { RealFileSystem } from '../../../../storage/fs/index.js';
import { encodeRecordBatch, openLog } from '../../../../storage/log/index.js';
import type { BuiltInLog } from '../../../../storage/log/index.js';
import { readAll } from './helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'sluice-log-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('log on RealFileSystem', () => {
  it('appends, rolls, reads, survives reopen, and cuts a torn tail', async () => {
    const dataDir = path.join(root, 'one');
    const clock = new SimulatedClock(1_700_000_000_000);
    const open = (): Promise<BuiltInLog> => openLog({ dataDir, fs: new RealFileSystem(), clock, maintenanceIntervalMs: 0, defaults: { segmentBytes: 4096, durability: { kind: 'every-append' } } });
    let log = await open();
    await log.createTopic('events', { partitions: 2 });
    for (let index = 0; index < 100; index++) {
      await log.append('events', index % 2, encodeRecordBatch([{ key: `k${index}`, value: `value-${index}`.repeat(5), timestampMs: clock.nowMs() + index }]));
    }
    await log.commitOffsets('group', [{ topic: 'events', partition: 0, offset: 10, metadata: null }]);
    expect(log.segmentBaseOffsets('events', 0).length).toBeGreaterThan(1);
    const before = await readAll(log, 'events', 0);
    expect(before.map((record) => record.offset)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    await log.close();

    // Tear the last batch of partition 0 as a crash would.
    const partitionDir = path.join(dataDir, 'topics', 'events', '0');
    const lastSegment = readdirSync(partitionDir).filter((name) => name.endsWith('.log')).sort().pop()!;
    const segmentPath = path.join(partitionDir, lastSegment);
    truncateSync(segmentPath, statSync(segmentPath).size - 7);

    log = await open();
    const after = await readAll(log, 'events', 0);
    expect(after).toEqual(before.slice(0, -1));
    expect((await log.append('events', 0, encodeRecordBatch([{ value: 'again' }]))).baseOffset).toBe(49);
    expect((await readAll(log, 'events', 1)).length).toBe(50);
    expect(log.fetchOffsets('group').map((entry) => entry.offset)).toEqual([10]);
    expect(await log.waitForData('events', 1, 49, 1)).toBe(true);
    await log.deleteTopic('events');
    expect(readdirSync(path.join(dataDir, 'topics'))).toEqual(['__consumer_offsets']);
    await log.close();
  });
});
