import { describe, expect, it } from 'vitest';
import { withLimits } from '../../../../common/index.js';
import { createQueryEngine, type QueryEngine } from '../../../../queries/index.js';
import type { PushQueryOptions, Session } from '../../../../queries/commands/engine.js';
import { statementShape } from '../../../../queries/commands/pull-cache.js';
import { newEnv, produceJson } from '../helpers.js';

/** Two engines over equal data: `plain` prepares every pull query, `cached` uses the cache. */
async function engines(): Promise<{ plain: QueryEngine; cached: QueryEngine; close: () => Promise<void> }> {
  const make = async (pullCacheSize: number | undefined): Promise<QueryEngine> => {
    const env = await newEnv();
    await env.log.createTopic('input', { partitions: 2 });
    const engine = await createQueryEngine({
      log: env.log,
      clock: env.clock,
      limits: withLimits(),
      serviceId: 'test_',
      deterministic: true,
      properties: { 'auto.offset.reset': 'earliest' },
      ...(pullCacheSize !== undefined ? { pullCacheSize } : {}),
    });
    await engine.execute(
      "CREATE STREAM INPUT (ID STRING KEY, V INT, B BIGINT, S STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');" +
        'CREATE TABLE AGG AS SELECT ID, COUNT(1) AS CNT, SUM(V) AS TOTAL, SUM(B) AS BT, LATEST_BY_OFFSET(S) AS S FROM INPUT GROUP BY ID;' +
        'CREATE TABLE WAGG AS SELECT ID, COUNT(1) AS CNT FROM INPUT WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;' +
        'CREATE TABLE IAGG AS SELECT V, COUNT(1) AS CNT FROM INPUT GROUP BY V;' +
        'CREATE TABLE BAGG AS SELECT B, COUNT(1) AS CNT FROM INPUT GROUP BY B;' +
        "CREATE SOURCE TABLE ST (K STRING PRIMARY KEY, N BIGINT) WITH (KAFKA_TOPIC='st', VALUE_FORMAT='JSON', PARTITIONS=1);",
    );
    await produceJson(env.log, 'input', [
      { key: 'a', value: { V: 1, B: 3_000_000_000, S: 'x' }, timestampMs: 1000, partition: 0 },
      { key: 'b', value: { V: 2, B: 5, S: "it's" }, timestampMs: 1500, partition: 1 },
      { key: "it's", value: { V: 3, B: 7, S: 'y' }, timestampMs: 2200, partition: 1 },
      { key: 'a', value: { V: 3, B: 1, S: 'z' }, timestampMs: 2500, partition: 0 },
      { key: 'ünï', value: { V: -4, B: -9, S: '' }, timestampMs: 3100, partition: 0 },
    ]);
    await produceJson(env.log, 'st', [
      { key: 'a', value: { N: 10 } },
      { key: 'b', value: { N: 20 } },
    ]);
    await engine.runtime.drain();
    return engine;
  };
  const plain = await make(0);
  const cached = await make(undefined);
  return {
    plain,
    cached,
    close: async () => {
      await plain.close();
      await cached.close();
    },
  };
}

/** Everything a pull query answers (its id only by form: the two engines share one id counter). */
async function outcome(engine: QueryEngine, sql: string, options: PushQueryOptions = {}): Promise<unknown> {
  try {
    const handle = await engine.startPushQuery(sql, options);
    const rows: unknown[] = [];
    for await (const r of handle.records()) rows.push({ key: r.key, value: r.value, window: r.window, timestampMs: r.timestampMs });
    await handle.close();
    return {
      ok: true,
      queryId: handle.queryId.replace(/\d+/g, 'N'),
      schema: handle.schemaText,
      columns: handle.columns,
      rows,
      pullSource: (handle as unknown as { pullSource?: string }).pullSource,
      limitReached: (handle as unknown as { limitReached?: boolean }).limitReached,
    };
  } catch (error) {
    const e = error as { code?: string; message: string; details?: Record<string, unknown> };
    return { ok: false, code: e.code, message: e.message, statementText: e.details?.statementText, statementIndex: e.details?.statementIndex };
  }
}

const STATEMENTS: string[] = [
  // key lookups
  "SELECT * FROM AGG WHERE ID = 'a';",
  "SELECT * FROM AGG WHERE ID = 'b';",
  "SELECT * FROM AGG WHERE ID = 'it''s';",
  "SELECT * FROM AGG WHERE ID = 'ünï';",
  "SELECT * FROM AGG WHERE ID = 'missing';",
  "SELECT * FROM AGG WHERE ID = '';",
  "select * from AGG where ID='a'",
  "SELECT * FROM AGG WHERE 'b' = ID;",
  "SELECT ID, TOTAL, ROWTIME FROM AGG WHERE ID IN ('a', 'b', 'zz');",
  "SELECT ID, TOTAL, ROWTIME FROM AGG WHERE ID IN ('a', 'a', 'b');",
  "SELECT ID, TOTAL, ROWTIME FROM AGG WHERE ID IN ('it''s', 'q', 'ünï');",
  "SELECT * FROM AGG WHERE ID = 'a' OR ID = 'b';",
  "SELECT * FROM AGG WHERE ID = 'b' OR ID = 'missing';",
  "SELECT * FROM AGG WHERE ID = 'a' AND TOTAL > 2;",
  "SELECT * FROM AGG WHERE ID = 'a' AND TOTAL > 100;",
  "SELECT * FROM AGG WHERE ID = 'b' AND S = 'it''s';",
  "SELECT * FROM AGG WHERE ID = 'b' AND S = 'nope';",
  // scans and ranges
  'SELECT * FROM AGG WHERE TOTAL = 4;',
  'SELECT * FROM AGG WHERE TOTAL = 2;',
  'SELECT * FROM AGG WHERE TOTAL IN (2, 3);',
  'SELECT * FROM AGG WHERE TOTAL IN (4, 9);',
  'SELECT * FROM AGG WHERE BT = 3000000001;',
  'SELECT * FROM AGG WHERE BT = 3000000002;',
  'SELECT * FROM AGG WHERE BT = 5;',
  "SELECT * FROM AGG WHERE ID > 'a';",
  "SELECT * FROM AGG WHERE ID > 'b';",
  "SELECT * FROM AGG WHERE ID >= 'a' AND ID < 'c';",
  "SELECT * FROM AGG WHERE ID >= 'b' AND ID < 'j';",
  'SELECT * FROM AGG WHERE TOTAL = -4;',
  'SELECT * FROM AGG WHERE TOTAL = -2;',
  'SELECT ID FROM AGG LIMIT 1;',
  'SELECT ID FROM AGG LIMIT 2;',
  "SELECT * FROM AGG WHERE ID = 'a' LIMIT 1;",
  "SELECT * FROM AGG WHERE ID = 'b' LIMIT 0;",
  // literals the analyzer looks at: not cacheable, answered as before
  "SELECT ID, TOTAL + 1 AS T1 FROM AGG WHERE ID = 'a';",
  "SELECT ID, TOTAL + 2 AS T1 FROM AGG WHERE ID = 'b';",
  "SELECT ID, SUBSTRING(S, 1, 1) AS S1 FROM AGG WHERE ID = 'b';",
  "SELECT ID, SUBSTRING(S, 2, 1) AS S1 FROM AGG WHERE ID = 'b';",
  "SELECT ID, ID = 'a' AS IS_A FROM AGG WHERE ID = 'a';",
  "SELECT ID, ID = 'b' AS IS_A FROM AGG WHERE ID = 'a';",
  "SELECT * FROM AGG WHERE ID = 'a' AND TOTAL = '4';",
  "SELECT * FROM AGG WHERE ID = 'a' AND TOTAL = 'x';",
  "SELECT * FROM AGG WHERE ID LIKE 'a%';",
  "SELECT * FROM AGG WHERE ID LIKE 'b%';",
  "SELECT * FROM AGG WHERE ID = 'a' AND ROWTIME > '1970-01-01T00:00:02';",
  "SELECT * FROM AGG WHERE ID = 'a' AND ROWTIME > '1970-01-01T00:00:03';",
  "SELECT * FROM AGG WHERE ID = 'a' AND ROWTIME > 'garbage';",
  // windowed
  "SELECT * FROM WAGG WHERE ID = 'a';",
  "SELECT * FROM WAGG WHERE ID = 'b';",
  "SELECT * FROM WAGG WHERE ID = 'a' AND WINDOWSTART >= 2000;",
  "SELECT * FROM WAGG WHERE ID = 'a' AND WINDOWSTART >= 1000;",
  "SELECT * FROM WAGG WHERE ID = 'a' AND WINDOWSTART = 2000;",
  "SELECT * FROM WAGG WHERE ID = 'a' AND WINDOWSTART = 1000 AND WINDOWEND = 2000;",
  "SELECT * FROM WAGG WHERE ID = 'a' AND WINDOWSTART >= '1970-01-01T00:00:02';",
  // INT and BIGINT keys
  'SELECT * FROM IAGG WHERE V = 1;',
  'SELECT * FROM IAGG WHERE V = 3;',
  'SELECT * FROM IAGG WHERE V = -4;',
  'SELECT * FROM IAGG WHERE V = 2147483648;',
  'SELECT * FROM IAGG WHERE V IN (1, 2, 9);',
  'SELECT * FROM IAGG WHERE V IN (3, 3);',
  "SELECT * FROM IAGG WHERE V IN ('1', '2');",
  "SELECT * FROM IAGG WHERE V = '1';",
  'SELECT * FROM BAGG WHERE B = 3000000000;',
  'SELECT * FROM BAGG WHERE B = 5;',
  'SELECT * FROM BAGG WHERE B = 7;',
  'SELECT * FROM BAGG WHERE B = 99999999999;',
  // source tables and streams
  "SELECT * FROM ST WHERE K = 'a';",
  "SELECT * FROM ST WHERE K = 'b';",
  'SELECT * FROM ST;',
  "SELECT * FROM INPUT WHERE S = 'x';",
  "SELECT * FROM INPUT WHERE S = 'y';",
  'SELECT ID, V FROM INPUT WHERE V = 3;',
  'SELECT ID, V FROM INPUT WHERE V = 1;',
  'SELECT * FROM INPUT LIMIT 2;',
  // errors
  "SELECT * FROM NOPE WHERE ID = 'a';",
  "SELECT * FROM NOPE WHERE ID = 'b';",
  'SELECT * FROM AGG WHERE ID = 1;',
  'SELECT * FROM AGG WHERE ID = 2;',
  "SELECT * FROM AGG WHERE NOPE = 'a';",
  "SELECT * FROM AGG WHERE ID = 'a' GROUP BY ID;",
  "SELECT * FROM AGG WHERE ID = NULL;",
  "SELECT * FROM AGG WHERE ID = 'a'",
  "SELECT * FROM AGG WHERE ID = 'a' EXTRA;",
  "SELECT * FROM AGG WHERE ID = 'a'; SELECT 1;",
  "SELECT ROWPARTITION FROM AGG WHERE ID = 'a';",
  "SELECT * FROM AGG WHERE ID = 99999999999999999999999;",
];

/** Statements of STATEMENTS that answer rows but whose shapes are not cached. */
const NOT_CACHEABLE = [
  "SELECT ID, TOTAL + 1 AS T1 FROM AGG WHERE ID = 'a';",
  "SELECT ID, TOTAL + 2 AS T1 FROM AGG WHERE ID = 'b';",
  "SELECT ID, SUBSTRING(S, 1, 1) AS S1 FROM AGG WHERE ID = 'b';",
  "SELECT ID, SUBSTRING(S, 2, 1) AS S1 FROM AGG WHERE ID = 'b';",
  "SELECT * FROM AGG WHERE ID LIKE 'a%';",
  "SELECT * FROM AGG WHERE ID LIKE 'b%';",
  "SELECT * FROM AGG WHERE ID = 'a' AND ROWTIME > '1970-01-01T00:00:02';",
  "SELECT * FROM AGG WHERE ID = 'a' AND ROWTIME > '1970-01-01T00:00:03';",
  "SELECT * FROM WAGG WHERE ID = 'a' AND WINDOWSTART >= '1970-01-01T00:00:02';",
];

describe('prepared pull queries', () => {
  it('give the same rows and errors as preparing every statement, and are reused', async () => {
    const { plain, cached, close } = await engines();
    for (let pass = 0; pass < 2; pass++) {
      const prepared: string[] = [];
      for (const sql of STATEMENTS) {
        const hits = cached.pullCacheStats().hits;
        const expected = await outcome(plain, sql);
        expect(await outcome(cached, sql), `pass ${pass}: ${sql}`).toEqual(expected);
        const hit = cached.pullCacheStats().hits > hits;
        if (!(expected as { ok: boolean }).ok) expect(hit, `an error from a template: ${sql}`).toBe(false);
        else if (!hit) prepared.push(sql);
      }
      // Once each shape has been seen, only the statements whose literals matter are prepared.
      if (pass === 1) expect(prepared).toEqual(NOT_CACHEABLE);
    }
    expect(cached.pullCacheStats().notCacheable).toBe(5);
    expect(plain.pullCacheStats()).toEqual({ hits: 0, misses: 0, notCacheable: 0, entries: 0 });
    await close();
  });

  it('binds any key literal', async () => {
    const { plain, cached, close } = await engines();
    const keys = ['a', 'b', "it's", "''", 'ünï', '%', '\\', 'a b', "'a'", '\u0001sluice-probe-0\u0001', 'x'.repeat(200)];
    for (const key of keys) {
      const sql = `SELECT ID, CNT, TOTAL FROM AGG WHERE ID = '${key.replaceAll("'", "''")}';`;
      expect(await outcome(cached, sql), sql).toEqual(await outcome(plain, sql));
      const inList = `SELECT ID FROM AGG WHERE ID IN ('${key.replaceAll("'", "''")}', 'a');`;
      expect(await outcome(cached, inList), inList).toEqual(await outcome(plain, inList));
    }
    for (const v of [0, 1, 2, 3, -4, 2147483647, -2147483648]) {
      const sql = `SELECT * FROM IAGG WHERE V = ${v};`;
      expect(await outcome(cached, sql), sql).toEqual(await outcome(plain, sql));
    }
    // The first of each shape is prepared, and statements with -2147483648 or -4 (a sign) are
    // shapes of their own.
    expect(cached.pullCacheStats().hits).toBe(2 * (keys.length - 1) + 4);
    await close();
  });

  it('is keyed on request and session properties and variables', async () => {
    const { plain, cached, close } = await engines();
    const noScan = { 'ksql.query.pull.table.scan.enabled': false };
    const runs: Array<[string, PushQueryOptions]> = [
      ['SELECT * FROM AGG WHERE TOTAL = 4;', {}],
      ['SELECT * FROM AGG WHERE TOTAL = 4;', { properties: noScan }],
      ['SELECT * FROM AGG WHERE TOTAL = 2;', { properties: noScan }],
      ['SELECT * FROM AGG WHERE TOTAL = 2;', {}],
      ["SELECT * FROM AGG WHERE ID = 'a' LIMIT 1;", { properties: { 'ksql.query.pull.limit.clause.enabled': false } }],
      ["SELECT * FROM AGG WHERE ID = 'a' LIMIT 1;", {}],
      ["SELECT * FROM AGG WHERE ID = '${k}';", { sessionVariables: { k: 'a' } }],
      ["SELECT * FROM AGG WHERE ID = '${k}';", { sessionVariables: { k: 'b' } }],
      ['SELECT * FROM AGG WHERE ID = ${k};', { sessionVariables: { k: "'b'" } }],
      ['SELECT * FROM AGG WHERE ID = ${k};', { sessionVariables: { k: "'a' OR ID = 'b'" } }],
      ['SELECT * FROM INPUT;', { properties: { 'ksql.query.pull.stream.enabled': false } }],
      ['SELECT * FROM INPUT WHERE V = 1;', {}],
    ];
    for (let pass = 0; pass < 2; pass++) {
      for (const [sql, options] of runs) expect(await outcome(cached, sql, options), `${sql} ${JSON.stringify(options)}`).toEqual(await outcome(plain, sql, options));
    }
    // A session's SET properties count as well.
    const sessions = new Map<QueryEngine, Session>([
      [plain, plain.createSession()],
      [cached, cached.createSession()],
    ]);
    for (const value of [undefined, false, true, false]) {
      for (const [engine, session] of sessions) {
        if (value === undefined) delete session.properties['ksql.query.pull.table.scan.enabled'];
        else session.properties['ksql.query.pull.table.scan.enabled'] = value;
      }
      const sql = 'SELECT * FROM AGG WHERE TOTAL = 4;';
      expect(await outcome(cached, sql, { session: sessions.get(cached)! }), `scan ${value}`).toEqual(await outcome(plain, sql, { session: sessions.get(plain)! }));
    }
    await close();
  });

  it('forgets every template when the catalog or a server property changes', async () => {
    const { plain, cached, close } = await engines();
    /** Runs `step` on both engines; a SELECT must answer alike, from a template or not as `expected`. */
    const both = async (step: string, expected?: 'hit' | 'prepared' | 'error'): Promise<void> => {
      if (!step.startsWith('SELECT')) {
        const [a, b] = await Promise.all([plain.execute(step), cached.execute(step)]);
        expect(b.length).toBe(a.length);
        return;
      }
      const before = cached.pullCacheStats();
      const answer = await outcome(cached, step);
      expect(answer, step).toEqual(await outcome(plain, step));
      const after = cached.pullCacheStats();
      const got = after.hits > before.hits ? 'hit' : after.misses > before.misses ? 'prepared' : 'error';
      expect(got, step).toBe(expected);
      if (expected === 'error') expect(answer).toMatchObject({ ok: false });
    };
    await both("SELECT * FROM ST WHERE K = 'a';", 'prepared');
    await both("SELECT * FROM ST WHERE K = 'b';", 'hit');
    // DROP, then the same name with other columns.
    await both('DROP TABLE ST;');
    await both("SELECT * FROM ST WHERE K = 'a';", 'error');
    await both("CREATE SOURCE TABLE ST (K STRING PRIMARY KEY, M STRING, N INT) WITH (KAFKA_TOPIC='st2', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await both("SELECT * FROM ST WHERE K = 'a';", 'prepared');
    await both("SELECT * FROM ST WHERE K = 'b';", 'hit');
    expect((await outcome(cached, "SELECT * FROM ST WHERE K = 'c';")) as { schema: string }).toMatchObject({ schema: '`K` STRING KEY, `M` STRING, `N` INTEGER' });
    // Any other DDL.
    await both("SELECT * FROM AGG WHERE ID = 'a';", 'prepared');
    await both("CREATE STREAM OTHER (K STRING KEY, V INT) WITH (KAFKA_TOPIC='other', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await both("SELECT * FROM AGG WHERE ID = 'b';", 'prepared');
    await both("SELECT * FROM AGG WHERE ID = 'a';", 'hit');
    // A query stopped: the table it wrote is no longer queryable.
    const writer = cached.catalog().source('AGG')!.writerQueryId!;
    expect(plain.catalog().source('AGG')!.writerQueryId).toBe(writer);
    await both(`TERMINATE ${writer};`);
    await both("SELECT * FROM AGG WHERE ID = 'a';", 'error');
    await both("SELECT * FROM AGG WHERE ID = 'b';", 'error');
    // A server property.
    await both('SELECT * FROM IAGG WHERE CNT = 1;', 'prepared');
    await both('SELECT * FROM IAGG WHERE CNT = 2;', 'hit');
    await both("ALTER SYSTEM 'ksql.query.pull.table.scan.enabled'='false';");
    await both('SELECT * FROM IAGG WHERE CNT = 1;', 'error');
    expect((await outcome(cached, 'SELECT * FROM IAGG WHERE CNT = 3;')) as { message: string }).toMatchObject({
      ok: false,
      message: expect.stringContaining('WHERE clause missing key column for disjunct: (CNT = 3)'),
    });
    await both("ALTER SYSTEM 'ksql.query.pull.table.scan.enabled'='true';");
    await both('SELECT * FROM IAGG WHERE CNT = 1;', 'prepared');
    await both('SELECT * FROM IAGG WHERE CNT = 2;', 'hit');
    await close();
  });

  it('keeps a bounded number of templates', async () => {
    const env = await newEnv();
    const engine = await createQueryEngine({ log: env.log, clock: env.clock, limits: withLimits(), serviceId: 'test_', deterministic: true, pullCacheSize: 3 });
    await engine.execute("CREATE SOURCE TABLE ST (K STRING PRIMARY KEY, N BIGINT) WITH (KAFKA_TOPIC='st', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await produceJson(env.log, 'st', [{ key: 'a', value: { N: 1 } }]);
    for (const column of ['K', 'N', 'K, N', 'N, K', '*']) {
      const rows = await outcome(engine, `SELECT ${column} FROM ST WHERE K = 'a';`);
      expect(rows).toMatchObject({ ok: true, rows: [{}] });
    }
    expect(engine.pullCacheStats().entries).toBe(3);
    await engine.close();
  });
});

describe('statement shapes', () => {
  it('replace string and integer literals, keeping LIMIT, signed numbers and the INT / BIGINT class', () => {
    const a = statementShape("SELECT * FROM T WHERE ID = 'a' AND V = 1 LIMIT 5;")!;
    const b = statementShape("SELECT  *  FROM T WHERE ID='it''s' AND V=2 LIMIT 5;")!;
    expect(a.key).toBe(b.key);
    expect(b.literals.map((l) => [l.kind, l.value])).toEqual([
      ['string', "it's"],
      ['int', 2],
    ]);
    expect(statementShape("SELECT * FROM T WHERE ID = 'a' AND V = 1 LIMIT 6;")!.key).not.toBe(a.key);
    expect(statementShape("SELECT * FROM T WHERE ID = 'a' AND V = 3000000000 LIMIT 5;")!.key).not.toBe(a.key);
    expect(statementShape("SELECT * FROM T WHERE ID = 'a' AND V = -1 LIMIT 5;")!.key).not.toBe(a.key);
    expect(statementShape("SELECT * FROM t WHERE ID = 'a' AND V = 1 LIMIT 5;")!.key).not.toBe(a.key);
    expect(statementShape('SELECT * FROM T WHERE V = -1;')!.literals).toEqual([]);
    expect(statementShape("SELECT * FROM T WHERE ID = 'a' EMIT CHANGES;")).toBeNull();
    expect(statementShape("INSERT INTO T VALUES ('a');")).toBeNull();
    expect(statementShape("SELECT * FROM T WHERE ID = '${x}';")).toBeNull();
    expect(statementShape('SELECT * FROM T WHERE V = 1.5;')!.literals).toEqual([]);
  });
});

describe('completed pull results', () => {
  it('hands over the rows of a table lookup at once', async () => {
    const { cached, close } = await engines();
    const handle = (await cached.startPushQuery("SELECT ID, TOTAL FROM AGG WHERE ID IN ('a', 'b');")) as unknown as {
      completedRecords(): Array<{ value: unknown[] | null }> | null;
      records(): AsyncIterable<unknown>;
      close(): Promise<void>;
    };
    const rows = handle.completedRecords();
    expect(rows?.map((r) => r.value)).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
    // Taken: nothing left to stream.
    const rest: unknown[] = [];
    for await (const r of handle.records()) rest.push(r);
    expect(rest).toEqual([]);
    await handle.close();
    await close();
  });
});
