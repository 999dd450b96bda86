/**
 * The on-disk backends through the query runtime: a CTAS aggregation with its state in lmdb or
 * RocksDB under `<dataDir>/state`, stopped and started again. The restarted query resumes from
 * the local state (it does not bulk-load the changelog, and it does not read its input again);
 * after the state directory is deleted it rebuilds the state from the changelog. The table (pull
 * query) equals the one computed by hand every time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock, withLimits } from '../../../../common/index.js';
import { diskStateEnvironments } from '../../../../engine/runtime/index.js';
import { createQueryEngine, type QueryEngine } from '../../../../queries/index.js';
import { RealFileSystem } from '../../../../storage/fs/index.js';
import { encodeRecordBatch, openLog, type BuiltInLog } from '../../../../storage/log/index.js';
import type { StateEnvironment } from '../../../../storage/state/index.js';

const SOURCE = 'events';
const KEYS = 200;
const STATEMENTS = [
  `CREATE STREAM EVENTS (USER_ID STRING KEY, AMOUNT INT) WITH (KAFKA_TOPIC='${SOURCE}', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=1);`,
  'CREATE TABLE TOTALS AS SELECT USER_ID, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL FROM EVENTS GROUP BY USER_ID EMIT CHANGES;',
];

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

interface Node {
  log: BuiltInLog;
  engine: QueryEngine;
  environments: StateEnvironment[];
  close(): Promise<void>;
}

async function start(dataDir: string, backend: 'lmdb' | 'rocksdb'): Promise<Node> {
  const fs = new RealFileSystem();
  const log = await openLog({ dataDir, fs, clock: systemClock, limits: withLimits(), defaults: { durability: { kind: 'os' } }, maintenanceIntervalMs: 0 });
  const environments: StateEnvironment[] = [];
  const factory = diskStateEnvironments({ backend, dataDir, fs, clock: systemClock, durable: false });
  const engine = await createQueryEngine({
    log,
    clock: systemClock,
    deterministic: true,
    serviceId: 'restart',
    runtime: {
      stateEnvironment: (request) => {
        const environment = factory(request);
        environments.push(environment);
        return environment;
      },
    },
  });
  return {
    log,
    engine,
    environments,
    close: async () => {
      await engine.close();
      await log.close();
    },
  };
}

/** `count` records over KEYS users, amounts from `first` on. */
async function append(log: BuiltInLog, count: number, first: number): Promise<void> {
  if (!log.hasTopic(SOURCE)) await log.createTopic(SOURCE, { partitions: 1 });
  const records = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`user-${(first + i) % KEYS}`),
    value: Buffer.from(JSON.stringify({ AMOUNT: first + i })),
    timestampMs: 1_700_000_000_000 + first + i,
  }));
  await log.append(SOURCE, 0, encodeRecordBatch(records));
}

function handTable(total: number): Map<string, [number, number]> {
  const table = new Map<string, [number, number]>();
  for (let i = 0; i < total; i++) {
    const row = table.get(`user-${i % KEYS}`) ?? [0, 0];
    row[0]++;
    row[1] += i;
    table.set(`user-${i % KEYS}`, row);
  }
  return table;
}

async function pullTable(engine: QueryEngine): Promise<Map<string, [number, number]>> {
  const handle = await engine.startPushQuery('SELECT USER_ID, N, TOTAL FROM TOTALS;');
  const table = new Map<string, [number, number]>();
  for await (const row of handle.rows()) table.set(row[0] as string, [row[1] as number, row[2] as number]);
  return table;
}

/** Drains; returns the state writes committed by this run's environments and the records read. */
async function drain(node: Node): Promise<{ stateWrites: number; recordsIn: number }> {
  await node.engine.runtime.drain();
  const query = node.engine.runtime.list()[0]!;
  expect(query.errors()).toEqual([]);
  let stateWrites = 0;
  for (const environment of node.environments) stateWrites += environment.stats().committedWrites;
  return { stateWrites, recordsIn: query.status().recordsIn };
}

describe.each(['lmdb', 'rocksdb'] as const)('runtime restart with %s state', (backend) => {
  it('resumes from the local state, and rebuilds it from the changelog when the directory is lost', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), `sluice-restart-${backend}-`));
    roots.push(dataDir);

    let node = await start(dataDir, backend);
    await append(node.log, 2000, 0);
    for (const statement of STATEMENTS) await node.engine.execute(statement, { properties: { 'auto.offset.reset': 'earliest' } });
    const first = await drain(node);
    expect(first.recordsIn).toBe(2000);
    expect(node.environments.length).toBeGreaterThan(0);
    expect(node.environments.every((environment) => environment.backend === backend)).toBe(true);
    expect(await pullTable(node.engine)).toEqual(handTable(2000));
    await node.close();

    // Restart: the query comes back from the command log and finds its state in the directory.
    node = await start(dataDir, backend);
    await append(node.log, 10, 2000);
    const resumed = await drain(node);
    expect(resumed.recordsIn).toBe(10);
    // Ten updates (plus offsets), no bulk load of the KEYS rows from the changelog.
    expect(resumed.stateWrites).toBeLessThan(KEYS);
    expect(await pullTable(node.engine)).toEqual(handTable(2010));
    await node.close();

    // The state directory is lost: the state is rebuilt from the changelog, input is not re-read.
    rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
    node = await start(dataDir, backend);
    await append(node.log, 10, 2010);
    const rebuilt = await drain(node);
    expect(rebuilt.recordsIn).toBe(10);
    expect(rebuilt.stateWrites).toBeGreaterThanOrEqual(KEYS);
    expect(await pullTable(node.engine)).toEqual(handTable(2020));
    await node.close();
  });
});
