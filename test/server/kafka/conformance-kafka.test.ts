/**
 * The conformance runner's Kafka plumbing (../shared/conformance/lib/kafka.mjs, imported as is)
 * against the listener: create topics like ksqlDB's runner, produce inputs one at a time to
 * partition 0 with timestamps and headers, read outputs from the earliest offset with a fresh
 * group per read. Skipped when ../shared is not next to the repository.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestBroker, type TestBroker } from './helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const libPath = path.resolve(repoRoot, '../shared/conformance/lib/kafka.mjs');
const present = existsSync(libPath);
if (!present) console.warn(`conformance Kafka plumbing test skipped: ${libPath} not found`);

interface ConformanceKafka {
  connect(broker: string): Promise<{ kafka: unknown; admin: { listTopics(): Promise<string[]>; deleteTopics(o: { topics: string[] }): Promise<void> }; producer: unknown; close(): Promise<void> }>;
  createTopics(admin: unknown, topics: Array<{ name: string; partitions: number }>): Promise<void>;
  produce(producer: unknown, records: unknown[]): Promise<void>;
  consume(kafka: unknown, admin: unknown, want: Map<string, number>, options?: object): Promise<Map<string, Array<Record<string, unknown>>>>;
  waitQuiet(admin: unknown, quietMs?: number, maxMs?: number): Promise<void>;
  partitionCount(admin: unknown, topic: string): Promise<number | null>;
}

describe.skipIf(!present)(`conformance runner Kafka path${present ? '' : ' (skipped: ../shared/conformance absent)'}`, () => {
  let broker: TestBroker;
  let lib: ConformanceKafka;
  beforeAll(async () => {
    broker = await startTestBroker();
    lib = (await import(pathToFileURL(libPath).href)) as ConformanceKafka;
  });
  afterAll(async () => {
    await broker.close();
  });

  it('creates topics, produces inputs in order to partition 0 and reads them back', async () => {
    const client = await lib.connect(broker.bootstrap);
    try {
      await lib.createTopics(client.admin, [
        { name: 'test_topic', partitions: 1 },
        { name: 'OUTPUT', partitions: 4 },
      ]);
      // Existing topics are left alone (the runner creates some twice).
      await lib.createTopics(client.admin, [{ name: 'test_topic', partitions: 1 }]);
      expect(await lib.partitionCount(client.admin, 'OUTPUT')).toBe(4);

      const inputs = Array.from({ length: 20 }, (_, i) => ({
        topic: 'test_topic',
        partition: 0,
        key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
        value: i === 7 ? null : Buffer.from(JSON.stringify({ ID: i })),
        timestamp: i === 0 ? 0 : 1_000 * i,
        headers: i % 4 === 0 ? [{ key: 'h', value: Buffer.from([i]) }] : [],
      }));
      await lib.produce(client.producer, inputs);
      await lib.waitQuiet(client.admin, 200, 5_000);

      const out = await lib.consume(client.kafka, client.admin, new Map([['test_topic', inputs.length], ['OUTPUT', 0]]), { idleMs: 1_500, settleMs: 100, timeoutMs: 15_000 });
      const records = out.get('test_topic')!;
      expect(records).toHaveLength(inputs.length);
      expect(out.get('OUTPUT')).toEqual([]);
      records.forEach((r, i) => {
        const sent = inputs[i]!;
        expect(r).toMatchObject({ topic: 'test_topic', partition: 0, offset: i, timestamp: sent.timestamp });
        expect(r.key).toEqual(sent.key);
        expect(r.value).toEqual(sent.value);
        expect(r.headers).toEqual(sent.headers);
      });

      // The runner's --reuse mode deletes topics between cases.
      await client.admin.deleteTopics({ topics: ['OUTPUT'] });
      expect(await client.admin.listTopics()).not.toContain('OUTPUT');
    } finally {
      await client.close();
    }
  });
});
