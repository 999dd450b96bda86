/**
 * The `_schemas` topic: the registry is rebuilt from it on open (after a restart, after
 * compaction), reads what Confluent writes there, and follows another writer of the same topic.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../../storage/log/index.js';
import { SchemaRegistry, decodeStoreRecord, encodeStoreRecord, type StoreRecord } from '../../../registry/index.js';
import { expectCode, registryHarness, type RegistryHarness } from './helpers.js';

const avro = (fields: unknown[], name = 'Order') => JSON.stringify({ type: 'record', name, namespace: 'com.example', fields });
const V1 = avro([{ name: 'id', type: 'string' }]);
const V2 = avro([{ name: 'id', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }]);

/** Everything a client can observe, as plain data. */
async function snapshot(registry: SchemaRegistry): Promise<unknown> {
  const subjects = await registry.listSubjects({ deleted: true });
  const out: Record<string, unknown> = { global: await registry.getCompatibility(), globalMode: await registry.getMode(), maxId: registry.maxSchemaId() };
  for (const subject of subjects) {
    const versions = await registry.listVersions(subject, { deleted: true });
    out[subject] = {
      versions: await Promise.all(versions.map((version) => registry.getVersion(subject, version, { deleted: true }))),
      level: await registry.getCompatibility(subject).catch(() => null),
      mode: await registry.getMode(subject).catch(() => null),
    };
  }
  return out;
}

async function populate(registry: SchemaRegistry): Promise<void> {
  await registry.register('a', V1);
  await registry.register('a', V2);
  await registry.register('b', V1);
  await registry.register('c', avro([{ name: 'x', type: 'int' }], 'C'));
  await registry.register('p', 'syntax = "proto3"; message M { int32 x = 1; }', 'PROTOBUF');
  await registry.register('j', '{"type":"object"}', 'JSON');
  await registry.deleteVersion('a', 1);
  await registry.deleteSubject('c');
  await registry.deleteSubject('c', { permanent: true });
  await registry.setCompatibility(null, 'FULL');
  await registry.setCompatibility('b', 'NONE');
  await registry.setMode('j', 'READONLY');
}

let h: RegistryHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('restart', () => {
  it('rebuilds the same state from the topic', async () => {
    h = await registryHarness();
    await populate(h.registry);
    const before = await snapshot(h.registry);
    const reopened = await h.reopen();
    expect(await snapshot(reopened)).toEqual(before);
    // and goes on from there: ids are not reused (4 was hard-deleted), versions continue
    expect(await reopened.register('c', avro([{ name: 'y', type: 'int' }], 'C2'))).toBe(6);
    await reopened.setCompatibility('a', 'NONE');
    expect(await reopened.register('a', avro([{ name: 'z', type: 'long' }]))).toBe(7);
    expect(await reopened.listVersions('a', { deleted: true })).toEqual([1, 2, 3]);
  });

  it('rebuilds the same state after the topic was compacted', async () => {
    h = await registryHarness({}, { segmentBytes: 14, deleteRetentionMs: 0, minCompactionLagMs: 0 });
    await populate(h.registry);
    await h.registry.setCompatibility(null, 'BACKWARD');
    await h.registry.setCompatibility(null, 'FULL_TRANSITIVE');
    const before = await snapshot(h.registry);
    const outcome = await h.log.runMaintenance();
    expect(outcome.compaction.recordsRemoved).toBeGreaterThan(0);
    const reopened = await h.reopen();
    expect(await snapshot(reopened)).toEqual(before);
    expect(await reopened.register('c', avro([{ name: 'y', type: 'int' }], 'C2'))).toBe(6);
  });

  it('stores Confluent-format records, compacted by key', async () => {
    h = await registryHarness();
    await h.registry.register('a', V1);
    await h.registry.deleteVersion('a', 1);
    const read = await h.log.read('_schemas', 0, 0, 1 << 20);
    expect(read.highWatermark).toBe(2);
    expect(h.log.describeTopic('_schemas').configs['cleanup.policy']).toBe('compact');
  });

  it('refuses to open over a record it cannot read', async () => {
    h = await registryHarness();
    await h.log.append('_schemas', 0, encodeRecordBatch([{ key: '{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}', value: 'garbage' }]));
    await expectCode(h.reopen(), 'REGISTRY_STORE_ERROR');
    h = undefined;
  });
});

describe('crashes', () => {
  it('every acknowledged change survives a power loss', async () => {
    h = await registryHarness();
    await populate(h.registry);
    const before = await snapshot(h.registry);
    h.fs.crash({ unsynced: 'none' });
    const reopened = await h.reopen();
    expect(await snapshot(reopened)).toEqual(before);
  });

  it('a change torn by a crash is refused and leaves the registry as it was', async () => {
    h = await registryHarness();
    await h.registry.register('a', V1);
    const before = await snapshot(h.registry);
    h.fs.crashAtWrite(1, 10);
    await expectCode(h.registry.register('a', V2), 'REGISTRY_STORE_ERROR');
    h.fs.crash();
    const reopened = await h.reopen();
    expect(await snapshot(reopened)).toEqual(before);
    expect(await reopened.register('a', V2)).toBe(2);
  });
});

describe('records', () => {
  it('round-trip every kind', () => {
    const records: StoreRecord[] = [
      { kind: 'schema', subject: 's', version: 2, value: { subject: 's', version: 2, id: 5, schemaType: 'PROTOBUF', references: [{ name: 'x.proto', subject: 'x', version: 1 }], schema: 'syntax = "proto3";', deleted: true } },
      { kind: 'schema', subject: 's', version: 2, value: null },
      { kind: 'config', subject: null, level: 'FULL' },
      { kind: 'config', subject: 's', level: null },
      { kind: 'mode', subject: 's', mode: 'IMPORT' },
      { kind: 'delete-subject', subject: 's', version: 3 },
      { kind: 'clear-subject', subject: 's', version: 3 },
      { kind: 'id-high-water', maxId: 42 },
    ];
    for (const record of records) {
      const encoded = encodeStoreRecord(record);
      const decoded = decodeStoreRecord(Buffer.from(encoded.key), encoded.value === null ? null : Buffer.from(encoded.value), 0);
      expect(decoded).toEqual(record);
    }
  });

  it('write Avro schemas without schemaType, as Confluent does', () => {
    const encoded = encodeStoreRecord({ kind: 'schema', subject: 's', version: 1, value: { subject: 's', version: 1, id: 1, schemaType: 'AVRO', references: [], schema: '"int"', deleted: false } });
    expect(encoded.key).toBe('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}');
    expect(encoded.value).toBe('{"subject":"s","version":1,"id":1,"schema":"\\"int\\"","deleted":false}');
  });

  it('reads a topic written by Confluent Schema Registry (NOOP, global CONFIG, DELETE_SUBJECT, CLEAR_SUBJECT)', async () => {
    h = await registryHarness();
    const schema = (subject: string, version: number, id: number) => ({
      key: JSON.stringify({ keytype: 'SCHEMA', subject, version, magic: 1 }),
      value: JSON.stringify({ subject, version, id, schema: JSON.stringify({ type: 'record', name: `R${id}`, fields: [] }), deleted: false }),
    });
    await h.log.append(
      '_schemas',
      0,
      encodeRecordBatch([
        { key: '{"keytype":"NOOP","magic":0}', value: null },
        schema('x', 1, 1),
        schema('x', 2, 2),
        schema('y', 1, 3),
        { key: '{"keytype":"CONFIG","magic":0}', value: '{"compatibilityLevel":"FORWARD"}' },
        { key: '{"keytype":"CONFIG","subject":"y","magic":0}', value: '{"compatibilityLevel":"NONE"}' },
        { key: '{"keytype":"DELETE_SUBJECT","subject":"y","magic":0}', value: '{"subject":"y","version":1}' },
        { key: '{"keytype":"CLEAR_SUBJECT","subject":"y","magic":0}', value: '{"subject":"y","version":1}' },
        { key: '{"keytype":"DELETE_SUBJECT","subject":"x","magic":0}', value: '{"subject":"x","version":1}' },
      ]),
    );
    const registry = await h.reopen();
    expect(await registry.listSubjects()).toEqual(['x']);
    expect(await registry.listVersions('x')).toEqual([2]);
    expect(await registry.listVersions('x', { deleted: true })).toEqual([1, 2]);
    expect(await registry.getCompatibility()).toBe('FORWARD');
    expect(await registry.getCompatibility('y')).toBe('NONE');
    await expectCode(registry.getById(3), 'REGISTRY_SCHEMA_NOT_FOUND');
    expect(registry.maxSchemaId()).toBe(3);
    expect(await registry.register('z', V1)).toBe(4);
  });
});

describe('two registries over one log', () => {
  it('one sees what the other wrote, on refresh or on an unknown id', async () => {
    h = await registryHarness();
    const other = await SchemaRegistry.open({ log: h.log });
    const id = await h.registry.register('a', V1);
    expect((await other.getById(id)).schema).toContain('Order');
    await h.registry.setCompatibility('a', 'NONE');
    await other.refresh();
    expect(await other.getCompatibility('a')).toBe('NONE');
    // a write on the other catches up first, so versions do not collide
    expect(await other.register('a', V2)).toBe(2);
    await h.registry.refresh();
    expect(await h.registry.listVersions('a')).toEqual([1, 2]);
    await other.close();
  });
});
