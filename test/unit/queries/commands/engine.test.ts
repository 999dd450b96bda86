import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import type { StatementResult } from '../../../../queries/index.js';
import { engineOver, newEnv, produceJson, readTopic, reopen } from '../helpers.js';

function message(result: StatementResult | undefined): string | undefined {
  return result?.kind === 'commandStatus' ? result.message : undefined;
}

describe('QueryEngine end to end', () => {
  it('runs CREATE STREAM, CSAS with WHERE + projection + functions, and survives a restart', async () => {
    let env = await newEnv();
    await env.log.createTopic('input', { partitions: 1 });
    let engine = await engineOver(env);

    const created = await engine.execute(
      "CREATE STREAM S (ID BIGINT KEY, NAME STRING, AMOUNT DOUBLE) WITH (KAFKA_TOPIC='input', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');",
    );
    expect(message(created[0])).toBe('Stream created');

    const csas = await engine.execute("CREATE STREAM BIG AS SELECT ID, UCASE(NAME) AS NAME, AMOUNT * 2 AS DOUBLED FROM S WHERE AMOUNT > 10;");
    expect(message(csas[0])).toBe('Created query with ID CSAS_BIG_1');
    expect(env.log.hasTopic('BIG')).toBe(true);

    await produceJson(env.log, 'input', [
      { key: 1, value: { NAME: 'a', AMOUNT: 5 }, timestampMs: 100 },
      { key: 2, value: { NAME: 'b', AMOUNT: 20.5 }, timestampMs: 200 },
    ]);
    await engine.runtime.drain();
    let out = await readTopic(env.log, 'BIG');
    expect(out.map((r) => [r.key, r.value, r.timestampMs])).toEqual([['2', { NAME: 'B', DOUBLED: 41 }, 200]]);

    // Restart: a new engine over the same log replays the command log.
    await engine.close();
    env = await reopen(env);
    engine = await engineOver(env);
    expect(engine.catalog().source('S')?.kind).toBe('STREAM');
    expect(engine.catalog().source('BIG')?.writerQueryId).toBe('CSAS_BIG_1');
    expect(engine.runtime.list().map((q) => q.plan.queryId)).toEqual(['CSAS_BIG_1']);

    await produceJson(env.log, 'input', [{ key: 3, value: { NAME: 'c', AMOUNT: 11 }, timestampMs: 300 }]);
    await engine.runtime.drain();
    out = await readTopic(env.log, 'BIG');
    expect(out.map((r) => [r.key, r.value])).toEqual([
      ['2', { NAME: 'B', DOUBLED: 41 }],
      ['3', { NAME: 'C', DOUBLED: 22 }],
    ]);
    await engine.close();
  });

  it('describes sources as the REST API does', async () => {
    const env = await newEnv();
    await env.log.createTopic('t', { partitions: 2 });
    const engine = await engineOver(env);
    await engine.execute("CREATE TABLE T (ID INT PRIMARY KEY, D DECIMAL(4, 2), TAGS ARRAY<STRING>, S STRUCT<A INT>) WITH (KAFKA_TOPIC='t', FORMAT='JSON');");
    const [result] = await engine.execute('DESCRIBE T;');
    expect(result?.kind).toBe('sourceDescription');
    if (result?.kind !== 'sourceDescription') return;
    const d = result.sourceDescription;
    expect(d.type).toBe('TABLE');
    expect(d.keyFormat).toBe('JSON');
    expect(d.partitions).toBe(2);
    expect(d.fields).toEqual([
      { name: 'ID', schema: { type: 'INTEGER', fields: null, memberSchema: null }, type: 'KEY' },
      { name: 'D', schema: { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: 4, scale: 2 } } },
      { name: 'TAGS', schema: { type: 'ARRAY', fields: null, memberSchema: { type: 'STRING', fields: null, memberSchema: null } } },
      {
        name: 'S',
        schema: { type: 'STRUCT', fields: [{ name: 'A', schema: { type: 'INTEGER', fields: null, memberSchema: null } }], memberSchema: null },
      },
    ]);
    const [tables] = await engine.execute('SHOW TABLES;');
    expect(tables).toMatchObject({ kind: 'tables', tables: [{ name: 'T', type: 'TABLE', topic: 't', keyFormat: 'JSON', valueFormat: 'JSON', isWindowed: false }] });
    await engine.close();
  });

  it('INSERT VALUES appends a serialized row; DROP refuses while queries use the source', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    await engine.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);");
    await engine.execute("INSERT INTO S (K, V, ROWTIME) VALUES ('a', 1, 42);");
    const records = await readTopic(env.log, 's');
    expect(records).toEqual([{ partition: 0, offset: 0, key: 'a', value: { V: 1 }, timestampMs: 42 }]);

    await engine.execute('CREATE STREAM C AS SELECT * FROM S;');
    const error = await engine.execute('DROP STREAM S DELETE TOPIC;').catch((e: unknown) => e);
    expect(isSluiceError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Cannot drop S.\nThe following queries read from this source: [CSAS_C_1].\nThe following queries write into this source: [].\nYou need to terminate them before dropping S.',
    );
    expect((error as { details: { statementText: string } }).details.statementText).toBe('DROP STREAM S DELETE TOPIC;');

    // Dropping a CREATE ... AS sink terminates the query that writes it.
    const dropped = await engine.execute('DROP STREAM C DELETE TOPIC;');
    expect(message(dropped[0])).toBe('Source `C` (topic: C) was dropped.');
    expect(env.log.hasTopic('C')).toBe(false);
    expect(engine.runtime.list()).toEqual([]);
    const terminated = await engine.execute('DROP STREAM S;');
    expect(message(terminated[0])).toBe('Source `S` (topic: s) was dropped.');
    await engine.close();
  });

  it('substitutes DEFINEd variables and keeps SET properties in a session', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    const session = engine.createSession();
    await engine.execute("DEFINE topic = 'vars'; CREATE STREAM ${topic} (V INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON', PARTITIONS=1);", {
      session,
    });
    expect(engine.catalog().source('VARS')?.topic).toBe('vars');
    await engine.execute("SET 'ksql.persistence.default.format.value'='DELIMITED';", { session });
    await engine.execute("CREATE STREAM D (V INT) WITH (KAFKA_TOPIC='d', PARTITIONS=1);", { session });
    expect(engine.catalog().source('D')?.valueFormat.format).toBe('DELIMITED');
    const [vars] = await engine.execute('SHOW VARIABLES;', { session });
    expect(vars).toMatchObject({ kind: 'variables', variables: [{ name: 'topic', value: 'vars' }] });
    await engine.close();
  });

  it('reports the first failing statement with its text and the results before it', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    const error = await engine
      .execute("CREATE STREAM A (V INT) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON', PARTITIONS=1); CREATE STREAM B AS SELECT BOB FROM A;")
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("Line: 1, Col: 110: SELECT column 'BOB' cannot be resolved.");
    const details = (error as { details: { statementIndex: number; results: StatementResult[] } }).details;
    expect(details.statementIndex).toBe(1);
    expect(details.results).toHaveLength(1);
    expect(engine.catalog().source('A')).toBeDefined();
    await engine.close();
  });

  it('runs a push query and delivers projected rows', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    await engine.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);");
    const handle = await engine.startPushQuery('SELECT K, V * 10 AS X FROM S EMIT CHANGES LIMIT 2;', { properties: { 'auto.offset.reset': 'earliest' } });
    expect(handle.schemaText).toBe('`K` STRING KEY, `X` INTEGER');
    await produceJson(env.log, 's', [
      { key: 'a', value: { V: 1 } },
      { key: 'b', value: { V: 2 } },
      { key: 'c', value: { V: 3 } },
    ]);
    await engine.runtime.drain();
    const rows: unknown[][] = [];
    for await (const row of handle.rows()) rows.push(row);
    expect(rows).toEqual([
      ['a', 10],
      ['b', 20],
    ]);
    await handle.close();
    await engine.close();
  });
});

describe('QueryEngine statements', () => {
  it('lists, explains, pauses, resumes and terminates queries; restart keeps the paused state', async () => {
    let env = await newEnv();
    let engine = await engineOver(env);
    await engine.execute("CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=2);");
    await engine.execute("CREATE STREAM T WITH (KAFKA_TOPIC='t_out', VALUE_FORMAT='DELIMITED') AS SELECT K, V + 1 AS W FROM S;");
    expect(env.log.describeTopic('t_out').partitions).toBe(2);

    const [queries] = await engine.execute('SHOW QUERIES;');
    expect(queries).toMatchObject({ kind: 'queries', queries: [{ id: 'CSAS_T_1', sinks: ['T'], sinkKafkaTopics: ['t_out'], state: 'RUNNING' }] });

    const [explained] = await engine.execute('EXPLAIN CSAS_T_1;');
    expect(explained?.kind).toBe('queryDescription');
    if (explained?.kind === 'queryDescription') expect(explained.queryDescription.executionPlan).toContain('[ PROJECT ]');

    const [paused] = await engine.execute('PAUSE CSAS_T_1;');
    expect(paused).toMatchObject({ kind: 'commandStatus', message: 'Query paused.' });
    expect(engine.runtime.get('CSAS_T_1')?.state).toBe('PAUSED');

    await engine.close();
    env = await reopen(env);
    engine = await engineOver(env);
    expect(engine.runtime.get('CSAS_T_1')?.state).toBe('PAUSED');
    await engine.execute('RESUME CSAS_T_1;');
    expect(engine.runtime.get('CSAS_T_1')?.state).toBe('RUNNING');

    const [extended] = await engine.execute('SHOW QUERIES EXTENDED;');
    expect(extended).toMatchObject({ kind: 'queryDescriptions', queryDescriptions: [{ id: 'CSAS_T_1', state: 'RUNNING', queryErrors: [] }] });

    const [terminated] = await engine.execute('TERMINATE ALL;');
    expect(terminated).toMatchObject({ kind: 'commandStatus', message: 'All queries terminated.' });
    expect(engine.catalog().allQueries()).toEqual([]);
    expect(engine.catalog().source('T')?.writerQueryId).toBeNull();
    await engine.close();
  });

  it('registers and drops types, and uses them in columns', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    const [created] = await engine.execute('CREATE TYPE ADDRESS AS STRUCT<STREET STRING, NUMBER INT>;');
    expect(created).toMatchObject({ message: "Registered custom type with name 'ADDRESS' and SQL type STRUCT<`STREET` STRING, `NUMBER` INTEGER>" });
    await engine.execute("CREATE STREAM P (A ADDRESS) WITH (KAFKA_TOPIC='p', VALUE_FORMAT='JSON', PARTITIONS=1);");
    expect(engine.catalog().source('P')?.valueColumns[0]?.type).toEqual({
      kind: 'STRUCT',
      fields: [
        { name: 'STREET', type: { kind: 'STRING' } },
        { name: 'NUMBER', type: { kind: 'INTEGER' } },
      ],
    });
    const [types] = await engine.execute('SHOW TYPES;');
    expect(types).toMatchObject({ kind: 'types', types: { ADDRESS: { type: 'STRUCT' } } });
    const [dropped] = await engine.execute('DROP TYPE ADDRESS;');
    expect(dropped).toMatchObject({ message: "Dropped type 'ADDRESS'" });
    await engine.close();
  });

  it('refuses SELECT on execute and reports query processing errors', async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    await engine.execute("CREATE STREAM S (K STRING KEY, A INT, B INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);");
    const error = await engine.execute('SELECT * FROM S EMIT CHANGES;').catch((e: unknown) => e);
    expect((error as Error).message).toContain("should be issued to the websocket endpoint '/query'");
    await engine.execute('CREATE STREAM D AS SELECT K, A / B AS Q FROM S;');
    await produceJson(env.log, 's', [{ key: 'x', value: { A: 1, B: 0 } }]);
    await engine.runtime.drain();
    const [extended] = await engine.execute('SHOW QUERIES EXTENDED;');
    expect(extended?.kind).toBe('queryDescriptions');
    if (extended?.kind === 'queryDescriptions') {
      expect(extended.queryDescriptions[0]!.queryErrors.map((e) => e.errorMessage).join('\n')).toContain('/ by zero');
    }
    await engine.close();
  });
});

describe('errors of CREATE ... AS SELECT', () => {
  it("carry the statement as ksqlDB's SqlFormatter prints it after sanitizing; statementText stays as sent", async () => {
    const env = await newEnv();
    const engine = await engineOver(env);
    await engine.execute("CREATE STREAM TEST (ID INT KEY, F1 INT, F2 INT) WITH (KAFKA_TOPIC='test_topic', FORMAT='JSON', PARTITIONS=1);");
    const text = 'CREATE TABLE OUTPUT AS SELECT f2, f1, f2+f1, COUNT(*) FROM TEST GROUP BY f1, f2;';
    const error = await engine.execute(text.replace('AS SELECT', "WITH (key_format='KAFKA') AS SELECT")).catch((e: unknown) => e);
    expect(isSluiceError(error)).toBe(true);
    const details = (error as { details: { statementText: string; formattedStatement: string } }).details;
    expect((error as Error).message).toContain("Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`F1` INTEGER KEY, `F2` INTEGER KEY]");
    expect(details.statementText).toBe(text.replace('AS SELECT', "WITH (key_format='KAFKA') AS SELECT"));
    expect(details.formattedStatement).toBe(
      "CREATE TABLE OUTPUT WITH (KEY_FORMAT='KAFKA') AS SELECT\n  TEST.F2 F2,\n  TEST.F1 F1,\n  (TEST.F2 + TEST.F1) KSQL_COL_0,\n  COUNT(*) KSQL_COL_1\nFROM TEST TEST\nGROUP BY TEST.F1, TEST.F2\nEMIT CHANGES",
    );
  });
});
