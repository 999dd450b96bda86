/**
 * `sluice start --preserve-partitions` (testing only): a re-keyed record stays in its input
 * partition, as in ksqlDB's one-partition test driver; by default it goes to its key's hash
 * partition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startServer, type RunningServer } from '../../server/app.js';
import { testServerConfig } from './server-config.js';

function config(dataDir: string, preservePartitions: boolean) {
  return testServerConfig(dataDir, preservePartitions ? { preservePartitions: true } : {});
}

async function ksql(server: RunningServer, sql: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Runs the same re-keying query on a server and returns the output partition of each record. */
async function outputPartitions(server: RunningServer): Promise<number[]> {
  await ksql(server, "CREATE STREAM S (K STRING KEY, V STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await ksql(server, 'CREATE STREAM OUT AS SELECT V, K FROM S PARTITION BY V;');
  const kafka = new Kafka({ brokers: [`127.0.0.1:${server.kafkaPort}`], clientId: 'preserve-partitions-test', logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 's',
    messages: Array.from({ length: 16 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ V: `v${i}` }), partition: 1 })),
  });
  await producer.disconnect();
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksqlapi.delimited.v1', accept: 'application/json' },
    body: JSON.stringify({ sql: 'SELECT ROWPARTITION FROM OUT EMIT CHANGES LIMIT 16;', properties: { 'auto.offset.reset': 'earliest' } }),
  });
  const body = (await response.json()) as unknown[];
  return body.slice(1).map((row) => (row as number[])[0]!);
}

describe('--preserve-partitions', () => {
  const dirs: string[] = [];
  let preserving: RunningServer;
  let hashing: RunningServer;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(path.join(os.tmpdir(), 'sluice-preserve-partitions-')));
    preserving = await startServer(config(dirs[0]!, true));
    hashing = await startServer(config(dirs[1]!, false));
  }, 60_000);

  afterAll(async () => {
    await preserving?.close();
    await hashing?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the input partition when set, and hashes the new key by default', async () => {
    const kept = await outputPartitions(preserving);
    expect(kept).toHaveLength(16);
    expect(new Set(kept)).toEqual(new Set([1]));
    const hashed = await outputPartitions(hashing);
    expect(hashed).toHaveLength(16);
    expect(new Set(hashed)).toEqual(new Set([0, 1]));
  }, 60_000);
});
