/** Shared fixtures for operator and runtime tests: an in-memory log, JSON records in and out. */
import { SimulatedClock, withLimits, type Limits } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { decodeRecordBatch, encodeRecordBatch, openLog, type Log } from '../../../../storage/log/index.js';
import { QueryProcessingLog, MemoryProcessingLogSink, type TableFunctionLookup } from '../../../../engine/operators/index.js';
import { formatsSerdeFactory } from '../../../../engine/runtime/index.js';

export const serdes = formatsSerdeFactory();

export async function openTestLog(limits: Partial<Limits> = {}): Promise<{ log: Log; clock: SimulatedClock }> {
  const clock = new SimulatedClock(1_000_000);
  const log = await openLog({ dataDir: '/data', fs: new MemoryFileSystem(), clock, limits: withLimits(limits), maintenanceIntervalMs: 0 });
  return { log, clock };
}

export interface TestRecord {
  key?: string | null;
  value?: string | null;
  timestampMs?: number;
  headers?: Array<{ key: string; value: string | null }>;
}

export async function produce(log: Log, topic: string, partition: number, records: TestRecord[]): Promise<void> {
  await log.append(
    topic,
    partition,
    encodeRecordBatch(
      records.map((r) => ({
        key: r.key ?? null,
        value: r.value ?? null,
        timestampMs: r.timestampMs ?? 0,
        headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
      })),
    ),
  );
}

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestampMs: number;
  headers: Array<{ key: string; value: string | null }>;
}

/** Every record of a topic, partition by partition, with the batches they were written in. */
export async function readTopic(log: Log, topic: string): Promise<{ records: ReadRecord[]; batches: number }> {
  const records: ReadRecord[] = [];
  let batches = 0;
  const partitions = log.describeTopic(topic).partitions;
  for (let partition = 0; partition < partitions; partition++) {
    let offset = 0;
    for (;;) {
      const read = await log.read(topic, partition, offset, 1 << 20);
      if (read.batches.length === 0) break;
      for (const batch of read.batches) {
        batches++;
        const decoded = decodeRecordBatch(batch);
        for (const r of decoded.records) {
          if (r.offset < offset) continue;
          records.push({
            partition,
            offset: r.offset,
            key: r.key === null ? null : r.key.toString(),
            value: r.value === null ? null : r.value.toString(),
            timestampMs: r.timestampMs,
            headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString() })),
          });
        }
        offset = decoded.header.baseOffset + decoded.header.lastOffsetDelta + 1;
      }
    }
  }
  return { records, batches };
}

export function testProcessingLog(clock = new SimulatedClock(0)): { log: QueryProcessingLog; sink: MemoryProcessingLogSink } {
  const sink = new MemoryProcessingLogSink();
  return { log: new QueryProcessingLog({ queryId: 'Q1', clock, sink }), sink };
}

/** EXPLODE and a failing table function. */
export const tableFunctions: TableFunctionLookup = {
  getTable(name) {
    switch (name.toUpperCase()) {
      case 'EXPLODE':
        return { name: 'EXPLODE', overloads: [{ implementation: (list: unknown[] | null) => (list === null ? [] : list) }] };
      case 'BAD_TF':
        return { name: 'BAD_TF', overloads: [{ implementation: () => null }] };
      default:
        return undefined;
    }
  },
};
