/**
 * The executor and the schema registry: CREATE without columns infers them (key and value,
 * KEY/VALUE_SCHEMA_ID), CREATE and CREATE ... AS SELECT register their schemas before anything is
 * written (an incompatible evolution is refused with the registry's message), INSERT VALUES
 * writes through the registry, and ksqlDB's messages for misuse.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SluiceError, withLimits } from '../../../../common/index.js';
import { openLog, type Log } from '../../../../storage/log/index.js';
import { SchemaRegistry } from '../../../../registry/index.js';
import { createSerdeAsync, type SerdeColumn } from '../../../../engine/formats/index.js';
import { encodeRecordBatch } from '../../../../storage/log/index.js';
import { BIGINT, INTEGER, STRING } from '../../../../engine/types/index.js';
import { createQueryEngine, type QueryEngine } from '../../../../queries/index.js';
import { newEnv, type TestEnv } from '../helpers.js';
import { decodeRecords } from '../../../../storage/log/index.js';

let env: TestEnv;
let registryLog: Log;
let registry: SchemaRegistry;
let engine: QueryEngine;

beforeEach(async () => {
  env = await newEnv();
  registryLog = await openLog({ dataDir: '/registry', fs: env.fs, clock: env.clock, limits: withLimits(), maintenanceIntervalMs: 0 });
  registry = await SchemaRegistry.open({ log: registryLog, clock: env.clock });
  engine = await createQueryEngine({
    log: env.log,
    clock: env.clock,
    limits: withLimits(),
    serviceId: 'test_',
    deterministic: true,
    properties: { 'auto.offset.reset': 'earliest' },
    schemaRegistry: registry,
  });
});

afterEach(async () => {
  await engine.close();
  await registry.close();
  await registryLog.close();
  await env.log.close();
});

async function failure(sql: string): Promise<SluiceError> {
  try {
    await engine.execute(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    return error as SluiceError;
  }
  throw new Error(`expected ${sql} to fail`);
}

const ORDER = JSON.stringify({
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: ['null', 'string'], default: null },
  ],
});

async function values(topic: string, columns: SerdeColumn[]): Promise<unknown[][]> {
  const serde = await createSerdeAsync({ target: 'value', format: 'AVRO', columns, topic }, { registry });
  const out: unknown[][] = [];
  const { highWatermark } = env.log.offsets(topic, 0);
  const read = await env.log.read(topic, 0, 0, 1 << 20);
  for (const batch of read.batches) {
    for (const record of decodeRecords(batch)) {
      if (record.offset >= highWatermark) continue;
      const prepared = serde.prepare?.(record.value);
      if (prepared !== undefined) await prepared;
      out.push(serde.deserialize(record.value)!);
    }
  }
  return out;
}

describe('schema inference (CREATE without columns)', () => {
  it('takes the value columns from the latest schema and the key from the key subject', async () => {
    await registry.register('orders-value', ORDER);
    await registry.register('orders-key', '"string"');
    await engine.execute("CREATE STREAM ORDERS WITH (KAFKA_TOPIC='orders', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    const source = engine.catalog().source('ORDERS')!;
    expect(source.keyColumns).toEqual([{ name: 'ROWKEY', type: STRING }]);
    expect(source.valueColumns).toEqual([
      { name: 'ID', type: BIGINT },
      { name: 'ITEM', type: STRING },
    ]);
    // nothing new was registered: the subjects had schemas
    expect(await registry.listVersions('orders-value')).toEqual([1]);
  });

  it('uses the schema VALUE_SCHEMA_ID names, keeping its field names', async () => {
    const id = await registry.register('elsewhere-value', ORDER);
    await engine.execute(`CREATE STREAM S WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=${id}, PARTITIONS=1);`);
    expect(engine.catalog().source('S')!.valueColumns.map((c) => c.name)).toEqual(['id', 'item']);
    // the schema is registered under the source's subject with the same id
    expect((await registry.getLatest('s-value')).id).toBe(id);
  });

  it("refuses with ksqlDB's messages: no schema, a schema id on a format without a registry, no columns at all", async () => {
    const absent = await failure("CREATE STREAM S WITH (KAFKA_TOPIC='nothing', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    expect(absent.message).toContain("Schema for message values on topic 'nothing' does not exist in the Schema Registry.\nSubject: nothing-value");
    const wrongFormat = await failure("CREATE STREAM S WITH (KAFKA_TOPIC='t', KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO', KEY_SCHEMA_ID=1, PARTITIONS=1);");
    expect(wrongFormat.message).toBe('KEY_FORMAT should support schema inference when KEY_SCHEMA_ID is provided. Current format is KAFKA.');
    const both = await failure("CREATE STREAM S (V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=1, PARTITIONS=1);");
    expect(both.message).toBe('Table elements and VALUE_SCHEMA_ID cannot both exist for create statement.');
    const none = await failure("CREATE STREAM S WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED', PARTITIONS=1);");
    expect(none.message).toBe('No columns supplied.');
    await registry.register('p-value', 'syntax = "proto3"; message A { int32 x = 1; } message B { string y = 1; }', 'PROTOBUF');
    const multiple = await failure("CREATE STREAM P WITH (KAFKA_TOPIC='p', VALUE_FORMAT='PROTOBUF', PARTITIONS=1);");
    expect(multiple.message).toBe('Value schema has multiple schema definitions. \n\n- A\n- B\n\nPlease specify a schema full name in the WITH clause using VALUE_SCHEMA_FULL_NAME');
    await engine.execute("CREATE STREAM P WITH (KAFKA_TOPIC='p', VALUE_FORMAT='PROTOBUF', VALUE_SCHEMA_FULL_NAME='B', PARTITIONS=1);");
    expect(engine.catalog().source('P')!.valueColumns).toEqual([{ name: 'Y', type: STRING }]);
  });
});

describe('schema registration', () => {
  it('CREATE registers the columns where the subject has no schema; AVRO keys are named after the source', async () => {
    await engine.execute("CREATE STREAM USERS (K STRUCT<A INT> KEY, NAME STRING) WITH (KAFKA_TOPIC='users', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    const key = JSON.parse((await registry.getLatest('users-key')).schema);
    expect(key).toMatchObject({ type: 'record', name: 'UsersKey', namespace: 'io.confluent.ksql.avro_schemas' });
    const value = JSON.parse((await registry.getLatest('users-value')).schema);
    expect(value).toMatchObject({ type: 'record', name: 'KsqlDataSourceSchema', fields: [{ name: 'NAME' }] });
    await engine.execute("CREATE STREAM RENAMED (K STRUCT<A INT> KEY, NAME STRING) WITH (KAFKA_TOPIC='renamed', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', KEY_SCHEMA_FULL_NAME='com.example.UserKey', PARTITIONS=1);");
    expect(JSON.parse((await registry.getLatest('renamed-key')).schema)).toMatchObject({ name: 'UserKey', namespace: 'com.example' });
  });

  it('CREATE ... AS SELECT registers the sink schema before the query writes, and the records carry its id', async () => {
    const orderId = await registry.register('orders-value', ORDER);
    await engine.execute("CREATE STREAM ORDERS WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    await engine.execute("CREATE STREAM BIG WITH (KAFKA_TOPIC='big', VALUE_FORMAT='AVRO') AS SELECT ID, UCASE(ITEM) AS ITEM FROM ORDERS WHERE ID > 1;");
    const sinkId = (await registry.getLatest('big-value')).id;
    const input = await createSerdeAsync({ target: 'value', format: 'AVRO', columns: [{ name: 'id', type: BIGINT }, { name: 'item', type: STRING }], topic: 'orders', properties: { schemaId: String(orderId) } }, { registry });
    for (const row of [[1, 'a'], [2, 'b'], [3, null]]) {
      await env.log.append('orders', 0, encodeRecordBatch([{ key: null, value: input.serialize(row), timestampMs: 0 }]));
    }
    await engine.runtime.drain();
    expect(await values('big', [{ name: 'ID', type: BIGINT }, { name: 'ITEM', type: STRING }])).toEqual([
      [2, 'B'],
      [3, null],
    ]);
    const read = await env.log.read('big', 0, 0, 1 << 20);
    const first = [...decodeRecords(read.batches[0]!)][0]!;
    expect(first.value!.readInt32BE(1)).toBe(sinkId);
  });

  it('an incompatible change of a sink schema is refused with the registry message; nothing is created', async () => {
    await registry.setCompatibility('out-value', 'BACKWARD');
    await registry.register('out-value', JSON.stringify({ type: 'record', name: 'KsqlDataSourceSchema', namespace: 'io.confluent.ksql.avro_schemas', fields: [{ name: 'X', type: 'string' }] }));
    await engine.execute("CREATE STREAM SRC (X INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    const refused = await failure("CREATE STREAM OUT WITH (KAFKA_TOPIC='out') AS SELECT X FROM SRC;");
    expect(refused.message).toMatch(/^Could not register schema for topic: Schema being registered is incompatible with an earlier schema for subject "out-value"/);
    expect(refused.message).toContain("errorType:'MISSING_UNION_BRANCH'");
    expect(engine.catalog().source('OUT')).toBeUndefined();
    expect(engine.catalog().allQueries()).toEqual([]);
    // a compatible evolution goes through as a new version
    await engine.execute("CREATE STREAM OUT2 WITH (KAFKA_TOPIC='out2') AS SELECT X FROM SRC;");
    expect(await registry.listVersions('out2-value')).toEqual([1]);
  });

  it('checks VALUE_SCHEMA_ID of a CREATE ... AS SELECT against the columns', async () => {
    await engine.execute("CREATE STREAM SRC (ID INT KEY, `c1` INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    const id = await registry.register('other-value', JSON.stringify({ type: 'record', name: 'blah', fields: [{ name: 'c1', type: 'string' }, { name: 'c2', type: 'double' }] }));
    const refused = await failure(`CREATE STREAM OUT WITH (VALUE_SCHEMA_ID=${id}) AS SELECT * FROM SRC;`);
    expect(refused.message).toBe('The following value columns are changed, missing or reordered: [`c1` INTEGER]. Schema from schema registry is [`c1` STRING, `c2` DOUBLE]');
  });
});

describe('INSERT INTO ... VALUES', () => {
  it('writes AVRO through the registry', async () => {
    await engine.execute("CREATE STREAM S (K STRING KEY, N INT) WITH (KAFKA_TOPIC='s', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    await engine.execute("INSERT INTO S (K, N) VALUES ('a', 5);");
    expect(await values('s', [{ name: 'N', type: INTEGER }])).toEqual([[5]]);
    const read = await env.log.read('s', 0, 0, 1 << 20);
    const record = [...decodeRecords(read.batches[0]!)][0]!;
    expect(record.key!.readInt32BE(1)).toBe((await registry.getLatest('s-key')).id);
  });

  it("refuses a key whose schema would overwrite the subject's", async () => {
    await engine.execute("CREATE STREAM S (K STRING KEY, N INT) WITH (KAFKA_TOPIC='s', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    await registry.setCompatibility('s-key', 'NONE');
    await registry.register('s-key', '"long"');
    const refused = await failure("INSERT INTO S (K, N) VALUES ('a', 5);");
    expect(refused.message).toBe(
      'Cannot INSERT VALUES into data source S. ksqlDB generated schema would overwrite existing key schema.\n\tExisting Schema: [`ROWKEY` BIGINT KEY]\n\tksqlDB Generated: [`K` STRING KEY]',
    );
  });
});
