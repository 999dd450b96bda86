import { describe, expect, it } from 'vitest';
import { BIGINT, INTEGER, STRING, createSerde, inferColumnsFromRegistry, registerSchemaForSource, registryCache, structType } from './fixtures.js';
import { openRegistry } from './registry-fixtures.js';

describe('schema inference (inferColumnsFromRegistry)', () => {
  it("takes the latest version's columns, or the schemaId's with original names", async () => {
    const registry = await openRegistry();
    const v1 = await registry.register('t-value', JSON.stringify({ type: 'record', name: 'r', fields: [{ name: 'a', type: 'int' }] }));
    await registry.setCompatibility(null, 'NONE');
    await registry.register('t-value', JSON.stringify({ type: 'record', name: 'r', fields: [{ name: 'b', type: 'string' }] }));
    expect((await inferColumnsFromRegistry(registry, { topic: 't', target: 'value', format: 'AVRO' })).columns).toEqual([{ name: 'B', type: STRING }]);
    const byId = await inferColumnsFromRegistry(registry, { topic: 't', target: 'value', format: 'AVRO', properties: { schemaId: String(v1) } });
    expect(byId).toMatchObject({ columns: [{ name: 'a', type: INTEGER }], schemaId: v1, schemaType: 'AVRO' });
  });

  it("explains what is wrong, with ksqlDB's messages", async () => {
    const registry = await openRegistry();
    await expect(inferColumnsFromRegistry(registry, { topic: 'none', target: 'value', format: 'AVRO' })).rejects.toThrow(
      "Schema for message values on topic 'none' does not exist in the Schema Registry.\nSubject: none-value",
    );
    await registry.register('p-value', 'syntax = "proto3"; message M { int32 a = 1; }', 'PROTOBUF');
    await expect(inferColumnsFromRegistry(registry, { topic: 'p', target: 'value', format: 'AVRO' })).rejects.toThrow(
      "Value schema is not in the expected format. You may want to set VALUE_FORMAT to 'PROTOBUF'.",
    );
    await registry.register('k-key', JSON.stringify({ type: 'record', name: 'k', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }] }));
    await expect(inferColumnsFromRegistry(registry, { topic: 'k', target: 'key', format: 'AVRO' })).rejects.toThrow('contains multiple columns');
    expect((await inferColumnsFromRegistry(registry, { topic: 'k', target: 'key', format: 'AVRO', unwrapped: true })).columns).toEqual([
      { name: 'ROWKEY', type: structType([{ name: 'A', type: INTEGER }, { name: 'B', type: INTEGER }]) },
    ]);
    await registry.register('v-value', '"int"');
    await expect(inferColumnsFromRegistry(registry, { topic: 'v', target: 'value', format: 'AVRO' })).rejects.toThrow(/anonymous type/);
  });
});

describe('sink schema registration (registerSchemaForSource)', () => {
  it('CREATE registers only when the subject has no schema; CREATE AS SELECT always', async () => {
    const registry = await openRegistry();
    const columns = [{ name: 'A', type: BIGINT }];
    const id = await registerSchemaForSource(registry, { topic: 's', target: 'value', format: 'AVRO', columns, registerIfSchemaExists: false });
    expect(id).toBe((await registry.getLatest('s-value')).id);
    expect(await registerSchemaForSource(registry, { topic: 's', target: 'value', format: 'AVRO', columns: [{ name: 'B', type: STRING }], registerIfSchemaExists: false })).toBeNull();
    await expect(
      registerSchemaForSource(registry, { topic: 's', target: 'value', format: 'AVRO', columns: [{ name: 'B', type: STRING }], registerIfSchemaExists: true }),
    ).resolves.toBeGreaterThan(id!);
    expect(await registerSchemaForSource(registry, { topic: 's', target: 'value', format: 'JSON', columns, registerIfSchemaExists: true })).toBeNull();
    expect(await registerSchemaForSource(registry, { topic: 's', target: 'key', format: 'AVRO', columns: [], registerIfSchemaExists: true })).toBeNull();
  });

  it('refuses an incompatible evolution, and a schemaId of another type', async () => {
    const registry = await openRegistry();
    await registry.register('s-value', JSON.stringify({ type: 'record', name: 'KsqlDataSourceSchema', namespace: 'io.confluent.ksql.avro_schemas', fields: [{ name: 'A', type: 'long' }] }));
    await expect(
      registerSchemaForSource(registry, { topic: 's', target: 'value', format: 'AVRO', columns: [{ name: 'A', type: STRING }], registerIfSchemaExists: true }),
    ).rejects.toThrow(/^Could not register schema for topic: Schema being registered is incompatible/);
    const avroId = (await registry.getLatest('s-value')).id;
    await expect(
      registerSchemaForSource(registry, { topic: 'o', target: 'value', format: 'PROTOBUF', columns: [], properties: { schemaId: String(avroId) }, registerIfSchemaExists: true }),
    ).rejects.toThrow(`Format and fetched schema type using VALUE_SCHEMA_ID ${avroId} are different. Format: [PROTOBUF], Fetched schema type: [AVRO].`);
  });

  it('a serde built after the registration writes at once (no await needed)', async () => {
    const registry = await openRegistry();
    const columns = [{ name: 'A', type: BIGINT }];
    await registerSchemaForSource(registry, { topic: 's', target: 'value', format: 'AVRO', columns, registerIfSchemaExists: true });
    const serde = createSerde({ target: 'value', format: 'AVRO', columns, topic: 's' }, { registry });
    expect(serde.serialize([1])!.readInt32BE(1)).toBe((await registry.getLatest('s-value')).id);
  });

  it('a serde of a subject holding other schemas registers its own on the first write', async () => {
    const registry = await openRegistry();
    await registry.register('s-value', JSON.stringify({ type: 'record', name: 'x', fields: [{ name: 'A', type: ['null', 'long'], default: null }] }));
    await registry.setCompatibility('s-value', 'NONE');
    const serde = createSerde({ target: 'value', format: 'AVRO', columns: [{ name: 'A', type: BIGINT }], topic: 's' }, { registry });
    await registryCache(registry).idle();
    expect(await registry.listVersions('s-value')).toEqual([1]);
    expect(() => serde.serialize([1])).toThrow(/not registered yet/);
    await registryCache(registry).idle();
    expect(await registry.listVersions('s-value')).toEqual([1, 2]);
    expect(serde.serialize([1])!.readInt32BE(1)).toBe((await registry.getLatest('s-value')).id);
  });
});
