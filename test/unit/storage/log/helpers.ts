/** Shared helpers for the log tests: a log on the in-memory file system and simulated time. */
import { SimulatedClock, isSluiceError, withLimits } from '../../../../common/index.js';
import type { Limits } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { decodeRecords, encodeRecordBatch, openLog } from '../../../../storage/log/index.js';
import type { BuiltInLog, EncodeOptions, OpenLogOptions, RecordToEncode, TopicConfig } from '../../../../storage/log/index.js';

export interface Harness {
  fs: MemoryFileSystem;
  clock: SimulatedClock;
  open: (overrides?: Partial<OpenLogOptions>) => Promise<BuiltInLog>;
}

export const START_MS = 1_700_000_000_000;

export function harness(defaults: Partial<TopicConfig> = {}, limits: Partial<Limits> = {}): Harness {
  const fs = new MemoryFileSystem();
  const clock = new SimulatedClock(START_MS);
  return {
    fs,
    clock,
    open: (overrides = {}) => openLog({ dataDir: '/data', fs, clock, limits: withLimits(limits), defaults, maintenanceIntervalMs: 0, indexIntervalBytes: 256, ...overrides }),
  };
}

/** One batch of string records. */
export function batchOf(values: Array<string | [key: string | null, value: string | null]>, options: EncodeOptions = {}): Buffer {
  const records: RecordToEncode[] = values.map((entry) => (typeof entry === 'string' ? { key: null, value: entry } : { key: entry[0], value: entry[1] }));
  return encodeRecordBatch(records, { timestampMs: START_MS, ...options });
}

export interface SimpleRecord {
  offset: number;
  key: string | null;
  value: string | null;
  timestampMs: number;
}

/** Every record from `fromOffset` to the high watermark, decoded, skipping records before `fromOffset`. */
export async function readAll(log: BuiltInLog, topic: string, partition = 0, fromOffset?: number, maxBytes = 1000): Promise<SimpleRecord[]> {
  const records: SimpleRecord[] = [];
  let offset = fromOffset ?? log.offsets(topic, partition).logStartOffset;
  const start = offset;
  for (;;) {
    const result = await log.read(topic, partition, offset, maxBytes);
    if (result.batches.length === 0) break;
    for (const record of decodeRecords(Buffer.concat(result.batches))) {
      if (record.offset < start) continue;
      records.push({ offset: record.offset, key: record.key?.toString() ?? null, value: record.value?.toString() ?? null, timestampMs: record.timestampMs });
    }
    const last = result.batches[result.batches.length - 1]!;
    offset = Number(last.readBigInt64BE(0)) + last.readInt32BE(23) + 1;
    if (offset >= result.highWatermark) break;
  }
  return records;
}

export async function expectRejection(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!isSluiceError(error)) throw new Error(`expected SluiceError ${code}, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${message}`);
    return;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

export function expectThrows(action: () => unknown, code: string, message?: RegExp): void {
  try {
    action();
  } catch (error) {
    if (!isSluiceError(error)) throw new Error(`expected SluiceError ${code}, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${message}`);
    return;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}
