/**
 * Join sides moved into the join's key format, end to end: a side whose key bytes differ from the
 * join key format's is repartitioned (tables too), so rows of one key meet in one partition; the
 * repartition topics carry ksqlDB's names. And a GROUP BY over a join keeps one copy of the key.
 */
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../../../storage/log/index.js';
import { partitionForKey } from '../../../../engine/operators/index.js';
import { walkSteps, type Step } from '../../../../engine/steps/index.js';
import { engineOver, newEnv, readTopic, type TestEnv } from '../helpers.js';

const PARTITIONS = 4;
const IDS = [1, 2, 3, 4, 5, 6, 7, 8];

function kafkaInt(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Appends each record to the partition its key bytes hash to, as a Kafka producer would. */
async function produceKeyed(env: TestEnv, topic: string, records: Array<{ key: Buffer; value: unknown; timestampMs: number }>): Promise<void> {
  for (const r of records) {
    await env.log.append(topic, partitionForKey(r.key, PARTITIONS), encodeRecordBatch([{ key: r.key, value: Buffer.from(JSON.stringify(r.value)), timestampMs: r.timestampMs }]));
  }
}

/** Ids whose KAFKA and DELIMITED key bytes hash to different partitions (the test needs some). */
function misplaced(): number[] {
  return IDS.filter((id) => partitionForKey(kafkaInt(id), PARTITIONS) !== partitionForKey(Buffer.from(String(id)), PARTITIONS));
}

async function setUp(statements: string[]): Promise<{ env: TestEnv; engine: Awaited<ReturnType<typeof engineOver>> }> {
  const env = await newEnv();
  for (const topic of ['k', 'd']) await env.log.createTopic(topic, { partitions: PARTITIONS });
  const engine = await engineOver(env);
  for (const sql of statements) await engine.execute(sql);
  return { env, engine };
}

function internalTopics(env: TestEnv): string[] {
  return env.log
    .listTopics()
    .filter((t) => t.endsWith('-repartition'))
    .map((t) => t.replace(/^_confluent-ksql-test_query_[A-Z]+_[A-Z]+_\d+-/, ''))
    .sort();
}

describe('join sides in another key format are repartitioned into the join key format', () => {
  it('table-table: the DELIMITED-keyed right table moves to KAFKA keys, and every key joins', async () => {
    expect(misplaced().length).toBeGreaterThan(0);
    const { env, engine } = await setUp([
      "CREATE TABLE TK (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='k', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');",
      "CREATE TABLE TD (ID INT PRIMARY KEY, N INT) WITH (KAFKA_TOPIC='d', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
      'CREATE TABLE OUT AS SELECT TK.ID, NAME, N FROM TK JOIN TD ON TK.ID = TD.ID;',
    ]);
    await produceKeyed(env, 'k', IDS.map((id) => ({ key: kafkaInt(id), value: { NAME: `n${id}` }, timestampMs: id })));
    await produceKeyed(env, 'd', IDS.map((id) => ({ key: Buffer.from(String(id)), value: { N: id * 10 }, timestampMs: 100 + id })));
    await engine.runtime.drain();
    const out = (await readTopic(env.log, 'OUT')).map((r) => r.value as { NAME: string; N: number });
    expect(out.sort((a, b) => a.N - b.N)).toEqual(IDS.map((id) => ({ NAME: `n${id}`, N: id * 10 })));
    expect(internalTopics(env)).toEqual(['RightSourceKeyed-SelectKey-repartition']);
    await engine.close();
  });

  it('stream-stream and stream-table: the topics ksqlDB names (Join-right-repartition, Join-repartition)', async () => {
    const { env, engine } = await setUp([
      "CREATE STREAM SK (ID INT KEY, NAME STRING, R INT) WITH (KAFKA_TOPIC='k', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');",
      "CREATE STREAM SD (ID INT KEY, N INT) WITH (KAFKA_TOPIC='d', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
      "CREATE TABLE TD (ID INT PRIMARY KEY, N INT) WITH (KAFKA_TOPIC='d', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
      'CREATE STREAM SS AS SELECT SK.ID, NAME, N FROM SK JOIN SD WITHIN 1 MINUTE ON SK.ID = SD.ID;',
      'CREATE STREAM ST AS SELECT SK.R, NAME, N FROM SK JOIN TD ON SK.R = TD.ID;',
    ]);
    await produceKeyed(env, 'd', IDS.map((id) => ({ key: Buffer.from(String(id)), value: { N: id * 10 }, timestampMs: id })));
    await produceKeyed(env, 'k', IDS.map((id) => ({ key: kafkaInt(id), value: { NAME: `${id}`, R: id }, timestampMs: 100 + id })));
    await engine.runtime.drain();
    const ss = (await readTopic(env.log, 'SS')).map((r) => r.value as { NAME: string; N: number });
    expect(ss.sort((a, b) => a.N - b.N)).toEqual(IDS.map((id) => ({ NAME: `${id}`, N: id * 10 })));
    const st = (await readTopic(env.log, 'ST')).map((r) => r.value as { NAME: string; N: number });
    expect(st.sort((a, b) => a.N - b.N)).toEqual(IDS.map((id) => ({ NAME: `${id}`, N: id * 10 })));
    // The stream-table join re-keys its stream into the table's DELIMITED format: the table stays.
    expect(internalTopics(env)).toEqual(['Join-repartition', 'Join-right-repartition']);
    await engine.close();
  });
});

describe('GROUP BY over a join', () => {
  it('keeps one copy of the join key in the grouped rows (Avro refuses two fields of one name)', async () => {
    const { engine } = await setUp([
      "CREATE TABLE T1 (ID BIGINT PRIMARY KEY, TOTAL INT) WITH (KAFKA_TOPIC='k', VALUE_FORMAT='JSON');",
      "CREATE TABLE T2 (ID BIGINT PRIMARY KEY, TOTAL INT) WITH (KAFKA_TOPIC='d', VALUE_FORMAT='JSON');",
      'CREATE TABLE OUT AS SELECT T1.ID, SUM(T1.TOTAL + T2.TOTAL) AS S FROM T1 LEFT JOIN T2 ON T1.ID = T2.ID GROUP BY T1.ID;',
    ]);
    const values: string[][] = [];
    for (const q of engine.runtime.list()) {
      walkSteps(q.plan.sink, (step: Step) => {
        if (step.kind === 'groupBy@1') values.push(step.schema.value.map((c) => c.name));
      });
    }
    expect(values).toHaveLength(1);
    expect(values[0]).toContain('T1_ID');
    expect(new Set(values[0]).size).toBe(values[0]!.length);
    await engine.close();
  });
});
