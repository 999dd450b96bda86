import { describe, expect, it } from 'vitest';
import type { QueryEngine } from '../../../../queries/index.js';
import { engineOver, newEnv, produceJson } from '../helpers.js';

async function pull(engine: QueryEngine, sql: string, properties: Record<string, unknown> = {}): Promise<{ queryId: string; schema: string; rows: unknown[][] }> {
  const handle = await engine.startPushQuery(sql, { properties });
  const rows: unknown[][] = [];
  for await (const row of handle.rows()) rows.push(row);
  await handle.close();
  return { queryId: handle.queryId, schema: handle.schemaText, rows };
}

async function failure(engine: QueryEngine, sql: string, properties: Record<string, unknown> = {}): Promise<string> {
  try {
    await pull(engine, sql, properties);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${sql} to fail`);
}

async function aggregates(windowed: boolean): Promise<QueryEngine> {
  const env = await newEnv();
  await env.log.createTopic('input', { partitions: 2 });
  const engine = await engineOver(env);
  await engine.execute(
    "CREATE STREAM INPUT (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');" +
      `CREATE TABLE AGG AS SELECT ID, COUNT(1) AS CNT, SUM(V) AS TOTAL FROM INPUT ${windowed ? 'WINDOW TUMBLING (SIZE 1 SECOND) ' : ''}GROUP BY ID;`,
  );
  await produceJson(env.log, 'input', [
    { key: 'a', value: { V: 1 }, timestampMs: 1000, partition: 0 },
    { key: 'b', value: { V: 2 }, timestampMs: 1500, partition: 1 },
    { key: 'a', value: { V: 3 }, timestampMs: 2500, partition: 0 },
  ]);
  await engine.runtime.drain();
  return engine;
}

describe('pull queries over materialized tables', () => {
  it('looks keys up, scans, filters, projects and limits', async () => {
    const engine = await aggregates(false);
    const byKey = await pull(engine, "SELECT * FROM AGG WHERE ID = 'a';");
    expect(byKey.queryId).toMatch(/^query_\d+$/);
    expect(byKey.schema).toBe('`ID` STRING KEY, `CNT` BIGINT, `TOTAL` INTEGER');
    expect(byKey.rows.map((r) => [r[0], Number(r[1]), r[2]])).toEqual([['a', 2, 4]]);
    expect((await pull(engine, "SELECT ID, TOTAL, ROWTIME FROM AGG WHERE ID IN ('a', 'b', 'zz');")).rows.map((r) => [r[0], r[1], Number(r[2])])).toEqual(
      expect.arrayContaining([
        ['a', 4, 2500],
        ['b', 2, 1500],
      ]),
    );
    expect((await pull(engine, 'SELECT ID FROM AGG WHERE TOTAL > 2;')).rows).toEqual([['a']]);
    expect((await pull(engine, 'SELECT ID FROM AGG;')).rows.map((r) => r[0]).sort()).toEqual(['a', 'b']);
    expect((await pull(engine, 'SELECT ID FROM AGG LIMIT 1;')).rows).toHaveLength(1);
    expect((await pull(engine, "SELECT * FROM AGG WHERE ID = 'missing';")).rows).toEqual([]);
    await engine.close();
  });

  it('reads windowed tables with WINDOWSTART bounds, window columns marked KEY', async () => {
    const engine = await aggregates(true);
    const all = await pull(engine, "SELECT * FROM AGG WHERE ID = 'a';");
    expect(all.schema).toBe('`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `CNT` BIGINT, `TOTAL` INTEGER');
    expect(all.rows.map((r) => [r[0], Number(r[1]), Number(r[2])])).toEqual([
      ['a', 1000, 2000],
      ['a', 2000, 3000],
    ]);
    const bounded = await pull(engine, "SELECT ID, WINDOWSTART FROM AGG WHERE ID = 'a' AND WINDOWSTART >= 2000;");
    expect(bounded.rows.map((r) => Number(r[1]))).toEqual([2000]);
    await engine.close();
  });

  it("answers ksqlDB's errors for unsupported forms", async () => {
    const engine = await aggregates(false);
    expect(await failure(engine, "SELECT * FROM AGG WINDOW TUMBLING (SIZE 1 SECOND) WHERE ID='10';")).toContain("Pull queries don't support WINDOW clauses.");
    expect(await failure(engine, "SELECT * FROM AGG WHERE ID='10' GROUP BY ID;")).toContain("Pull queries don't support GROUP BY clauses");
    expect(await failure(engine, 'SELECT ID, ROWPARTITION FROM AGG;')).toContain("Pull queries don't support the following columns in SELECT clauses: `ROWPARTITION`");
    expect(await failure(engine, 'SELECT * FROM AGG WHERE ROWOFFSET > 1;')).toContain("Pull queries don't support the following columns in WHERE clauses: `ROWOFFSET`");
    expect(await failure(engine, 'SELECT * FROM AGG LIMIT 1;', { 'ksql.query.pull.limit.clause.enabled': false })).toContain('LIMIT clause in pull queries is currently disabled.');
    const noScan = { 'ksql.query.pull.table.scan.enabled': false };
    expect(await failure(engine, 'SELECT * FROM AGG WHERE CNT = 100;', noScan)).toContain('WHERE clause missing key column for disjunct: (CNT = 100)');
    expect(await failure(engine, "SELECT * FROM AGG WHERE ID != '1';", noScan)).toContain("Bound on key columns '[`ID` STRING KEY]' must currently be '='.");
    expect(await failure(engine, 'SELECT * FROM AGG WHERE ID = CNT;', noScan)).toMatch(/A comparison must|Cannot compare/);
    expect(await failure(engine, "SELECT * FROM AGG WHERE ID = '1' AND ID IN ('1', '2');", noScan)).toContain(
      'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
    );
    await engine.execute("CREATE TABLE PLAIN (K STRING PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='plain', VALUE_FORMAT='JSON', PARTITIONS=1);");
    expect(await failure(engine, 'SELECT * FROM PLAIN;')).toContain(
      "The `PLAIN` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_PLAIN AS SELECT * FROM PLAIN'.",
    );
    await engine.close();
  });

  it('reads source tables and tables without a store from their topic', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    await engine.execute("CREATE SOURCE TABLE ST (K STRING PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='st', VALUE_FORMAT='JSON', PARTITIONS=2);");
    await produceJson(env.log, 'st', [
      { key: 'a', value: { V: 1 } },
      { key: 'b', value: { V: 2 }, partition: 1 },
      { key: 'a', value: { V: 3 } },
      { key: 'b', value: null, partition: 1 },
    ]);
    expect((await pull(engine, 'SELECT * FROM ST;')).rows).toEqual([['a', 3]]);
    expect((await pull(engine, "SELECT V FROM ST WHERE K = 'a';")).rows).toEqual([[3]]);
    await engine.execute('CREATE TABLE COPY AS SELECT * FROM ST;');
    await engine.runtime.drain();
    expect((await pull(engine, 'SELECT * FROM COPY;')).rows).toEqual([['a', 3]]);
    await engine.close();
  });
});

describe('pull queries over streams', () => {
  it('reads the stream from the start to its current end, then completes', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    await engine.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);");
    expect((await pull(engine, 'SELECT * FROM S;')).rows).toEqual([]);
    await produceJson(env.log, 's', [
      { key: 'a', value: { V: 1 } },
      { key: 'b', value: { V: 2 } },
      { key: 'c', value: { V: 3 } },
    ]);
    expect((await pull(engine, 'SELECT K, V * 10 AS X FROM S WHERE V > 1;')).rows).toEqual([
      ['b', 20],
      ['c', 30],
    ]);
    const limited = await engine.startPushQuery('SELECT * FROM S LIMIT 2;');
    const rows: unknown[][] = [];
    for await (const row of limited.rows()) rows.push(row);
    expect(rows).toHaveLength(2);
    expect((limited as unknown as { limitReached: boolean }).limitReached).toBe(true);
    await limited.close();
    expect(engine.runtime.list().map((q) => q.queryId)).toEqual([]);
    await engine.close();
  });
});

describe('command ids and push query ids', () => {
  it("gives ksqlDB's command ids and scalable push query ids", async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    const [created] = await engine.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);");
    expect(created?.kind === 'commandStatus' && created.commandId).toBe('stream/`S`/create');
    const [csas] = await engine.execute('CREATE STREAM S2 AS SELECT * FROM S;');
    expect(csas?.kind === 'commandStatus' && csas.commandId).toBe('stream/`S2`/create');
    const scalable = await engine.startPushQuery('SELECT * FROM S2 EMIT CHANGES;', { properties: { 'auto.offset.reset': 'latest' } });
    expect(scalable.queryId).toMatch(/^SCALABLE_PUSH_QUERY_/);
    await scalable.close();
    const plain = await engine.startPushQuery('SELECT * FROM S2 EMIT CHANGES;', { properties: { 'auto.offset.reset': 'latest', 'ksql.query.push.v2.enabled': false } });
    expect(plain.queryId).toMatch(/^transient_S2_/);
    await plain.close();
    const [dropped] = await engine.execute('DROP STREAM S2;');
    expect(dropped?.kind === 'commandStatus' && dropped.commandId).toBe('stream/S2/drop');
    await engine.close();
  });
});
