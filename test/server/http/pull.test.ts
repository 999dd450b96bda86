/**
 * Pull queries through the real engine over REST: a table's key lookup and scan on /query (header
 * schema with KEY marks, `query_` id, no final message) and /query-stream; a stream's pull query
 * answers like a push query (no KEY marks, `Query Completed` / `Limit Reached`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueryEngine, type QueryEngine } from '../../../queries/index.js';
import { startHttpServer, type HttpServer } from '../../../server/http/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { encodeRecordBatch, openLog, type Log } from '../../../storage/log/index.js';
import { eventually, h1 } from './helpers.js';

let log: Log;
let engine: QueryEngine;
let server: HttpServer;

beforeAll(async () => {
  log = await openLog({ dataDir: '/data', fs: new MemoryFileSystem(), maintenanceIntervalMs: 0 });
  engine = await createQueryEngine({ log });
  server = await startHttpServer({ engine, log, host: '127.0.0.1', port: 0 });
  await engine.execute(
    "CREATE STREAM S (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');" +
      'CREATE TABLE T AS SELECT ID, SUM(V) AS TOTAL FROM S GROUP BY ID;',
  );
  for (const [id, v] of [
    ['a', 1],
    ['b', 2],
    ['a', 3],
  ] as const) {
    await log.append('s', 0, encodeRecordBatch([{ key: Buffer.from(id), value: Buffer.from(JSON.stringify({ V: v })), timestampMs: 1000 }]));
  }
  await eventually(async () => {
    const handle = await engine.startPushQuery("SELECT * FROM T WHERE ID = 'a';");
    const rows: unknown[] = [];
    for await (const row of handle.rows()) rows.push(row);
    expect(rows).toEqual([['a', 4]]);
  });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
  await log?.close();
});

const query = (ksql: string) => h1(server.url, '/query', { body: { ksql }, headers: { accept: 'application/vnd.ksql.v1+json' } });

describe('pull queries over REST', () => {
  it('a key lookup on /query: KEY-marked header, the row, no final message', async () => {
    const a = await query("SELECT * FROM T WHERE ID = 'a';");
    expect(a.status).toBe(200);
    const body = JSON.parse(a.body) as Array<Record<string, unknown>>;
    expect(body[0]).toEqual({ header: { queryId: expect.stringMatching(/^query_\d+$/), schema: '`ID` STRING KEY, `TOTAL` INTEGER' } });
    expect(body.slice(1)).toEqual([{ row: { columns: ['a', 4] } }]);
  });

  it('a table scan on /query-stream (JSON)', async () => {
    const a = await h1(server.url, '/query-stream', { body: { sql: 'SELECT ID, TOTAL FROM T;' }, headers: { accept: 'application/json' } });
    const body = JSON.parse(a.body) as unknown[];
    expect(body.slice(1)).toEqual(expect.arrayContaining([['a', 4], ['b', 2]]));
    expect(body).toHaveLength(3);
  });

  it('a pull query on a stream reads to the current end and completes like a push query', async () => {
    const all = JSON.parse((await query('SELECT * FROM S;')).body) as Array<Record<string, unknown>>;
    expect(all[0]).toEqual({ header: { queryId: expect.stringMatching(/^query_\d+$/), schema: '`ID` STRING, `V` INTEGER' } });
    expect(all.slice(1, -1)).toHaveLength(3);
    expect(all.at(-1)).toEqual({ finalMessage: 'Query Completed' });
    const limited = JSON.parse((await query('SELECT * FROM S LIMIT 1;')).body) as Array<Record<string, unknown>>;
    expect(limited.at(-1)).toEqual({ finalMessage: 'Limit Reached' });
  });

  it("a table that isn't materialized answers ksqlDB's error", async () => {
    await engine.execute("CREATE TABLE PLAIN (K STRING PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='plain', PARTITIONS=1, VALUE_FORMAT='JSON');");
    const a = await query('SELECT * FROM PLAIN;');
    expect(a.status).toBe(400);
    expect((JSON.parse(a.body) as { message: string }).message).toContain("The `PLAIN` table isn't queryable.");
  });
});
