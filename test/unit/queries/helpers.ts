/**
 * Helpers for the queries tests: an engine over an in-memory log with a simulated clock, JSON
 * records in and out of topics, and an analysis context over a catalog built from SQL.
 */
import { SimulatedClock, withLimits } from '../../../common/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { decodeRecords, encodeRecordBatch, openLog, type Log } from '../../../storage/log/index.js';
import { createFunctionRegistry } from '../../../engine/functions/index.js';
import { createQueryEngine, type QueryEngine } from '../../../queries/index.js';
import type { AnalysisContext } from '../../../queries/analyze/index.js';
import type { Catalog } from '../../../queries/catalog/index.js';

export interface TestEnv {
  fs: MemoryFileSystem;
  clock: SimulatedClock;
  log: Log;
}

export async function newEnv(): Promise<TestEnv> {
  const fs = new MemoryFileSystem();
  const clock = new SimulatedClock(0);
  const log = await openLog({ dataDir: '/sluice', fs, clock, limits: withLimits(), maintenanceIntervalMs: 0 });
  return { fs, clock, log };
}

/** Reopens the log of `env` (a restart: the same files). */
export async function reopen(env: TestEnv): Promise<TestEnv> {
  await env.log.close();
  const log = await openLog({ dataDir: '/sluice', fs: env.fs, clock: env.clock, limits: withLimits(), maintenanceIntervalMs: 0 });
  return { ...env, log };
}

export function engineOver(env: TestEnv, properties: Record<string, unknown> = {}): Promise<QueryEngine> {
  return createQueryEngine({
    log: env.log,
    clock: env.clock,
    limits: withLimits(),
    serviceId: 'test_',
    deterministic: true,
    properties: { 'auto.offset.reset': 'earliest', ...properties },
  });
}

export async function produceJson(log: Log, topic: string, records: Array<{ key?: unknown; value: unknown; timestampMs?: number; partition?: number }>): Promise<void> {
  for (const r of records) {
    const key = r.key === undefined || r.key === null ? null : Buffer.from(typeof r.key === 'string' ? r.key : JSON.stringify(r.key));
    const value = r.value === null ? null : Buffer.from(JSON.stringify(r.value));
    await log.append(topic, r.partition ?? 0, encodeRecordBatch([{ key, value, timestampMs: r.timestampMs ?? 0 }]));
  }
}

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: unknown;
  timestampMs: number;
}

/** Every record of `topic`, partition by partition; values parsed as JSON when they parse. */
export async function readTopic(log: Log, topic: string): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  const partitions = log.describeTopic(topic).partitions;
  for (let partition = 0; partition < partitions; partition++) {
    const { logStartOffset, highWatermark } = log.offsets(topic, partition);
    let offset = logStartOffset;
    while (offset < highWatermark) {
      const read = await log.read(topic, partition, offset, 1 << 20);
      if (read.batches.length === 0) break;
      for (const batch of read.batches) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < offset) continue;
          offset = record.offset + 1;
          const text = record.value?.toString('utf8') ?? null;
          let value: unknown = text;
          if (text !== null) {
            try {
              value = JSON.parse(text);
            } catch {
              value = text;
            }
          }
          out.push({ partition, offset: record.offset, key: record.key?.toString('utf8') ?? null, value, timestampMs: record.timestampMs });
        }
      }
    }
  }
  return out;
}

/** An analysis context over a catalog (no topics needed for pure analysis). */
export function contextOf(catalog: Catalog, properties: Record<string, unknown> = {}, topics: Record<string, number> = {}): AnalysisContext {
  return {
    catalog,
    functions: sharedRegistry,
    properties,
    topics: {
      describe: (name) =>
        name in topics ? { partitions: topics[name]! } : Object.keys(topics).length === 0 ? { partitions: 1 } : undefined,
    },
  };
}

export const sharedRegistry = createFunctionRegistry();
