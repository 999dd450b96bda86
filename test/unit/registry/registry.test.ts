/**
 * The registry's model: global ids, versions, lookups, soft and permanent deletes, configs,
 * modes, references, compatibility levels (transitive or not) and the errors clients check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SchemaRegistry } from '../../../registry/index.js';
import { expectCode, registryHarness, type RegistryHarness } from './helpers.js';

const avro = (fields: unknown[], name = 'Order') => JSON.stringify({ type: 'record', name, namespace: 'com.example', fields });
const V1 = avro([{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }]);
const V2 = avro([{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }, { name: 'note', type: ['null', 'string'], default: null }]);
const V3_BAD = avro([{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }, { name: 'customer', type: 'string' }]);

let h: RegistryHarness;
let registry: SchemaRegistry;

beforeEach(async () => {
  h = await registryHarness();
  registry = h.registry;
});
afterEach(async () => {
  await h.close();
});

describe('ids and versions', () => {
  it('hands out increasing ids and versions from 1', async () => {
    expect(await registry.register('orders-value', V1)).toBe(1);
    expect(await registry.register('orders-value', V2)).toBe(2);
    expect(await registry.listVersions('orders-value')).toEqual([1, 2]);
    const latest = await registry.getLatest('orders-value');
    expect(latest).toMatchObject({ subject: 'orders-value', version: 2, id: 2, schemaType: 'AVRO', deleted: false });
    expect((await registry.getVersion('orders-value', 1)).id).toBe(1);
  });

  it('the same schema (canonicalised) gets the same id in any subject, and registering again adds no version', async () => {
    const id = await registry.register('a', V1);
    const pretty = JSON.stringify(JSON.parse(V1), null, 4);
    expect(await registry.register('a', pretty)).toBe(id);
    expect(await registry.listVersions('a')).toEqual([1]);
    expect(await registry.register('b', pretty)).toBe(id);
    expect(await registry.getSubjectVersionsById(id)).toEqual([
      { subject: 'a', version: 1 },
      { subject: 'b', version: 1 },
    ]);
    expect(await registry.getSubjectsById(id)).toEqual(['a', 'b']);
  });

  it('answers the canonical text', async () => {
    const id = await registry.register('a', JSON.stringify({ namespace: 'com.example', fields: [{ type: 'string', name: 'id' }], name: 'Order', type: 'record' }, null, 2));
    expect((await registry.getById(id)).schema).toBe('{"type":"record","name":"Order","namespace":"com.example","fields":[{"name":"id","type":"string"}]}');
  });

  it('the same text under another schema type is another schema', async () => {
    const text = '{"type":"string"}';
    const avroId = await registry.register('a', text, 'AVRO');
    const jsonId = await registry.register('b', text, 'JSON');
    expect(jsonId).not.toBe(avroId);
    expect((await registry.getById(jsonId)).schemaType).toBe('JSON');
  });

  it('re-registering an older version returns its id without a new version', async () => {
    await registry.register('a', V1);
    await registry.register('a', V2);
    expect(await registry.register('a', V1)).toBe(1);
    expect(await registry.listVersions('a')).toEqual([1, 2]);
  });

  it('not found: subject 40401, version 40402, id 40403', async () => {
    await registry.register('a', V1);
    await expectCode(registry.getLatest('nope'), 'REGISTRY_SUBJECT_NOT_FOUND');
    await expectCode(registry.listVersions('nope'), 'REGISTRY_SUBJECT_NOT_FOUND');
    await expectCode(registry.getVersion('a', 7), 'REGISTRY_VERSION_NOT_FOUND');
    const error = await expectCode(registry.getById(99), 'REGISTRY_SCHEMA_NOT_FOUND');
    expect(error.message).toBe('Schema 99 not found');
  });

  it('refuses invalid schemas with 42201', async () => {
    await expectCode(registry.register('a', '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(registry.register('a', 'not json'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(registry.register('a', ''), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(registry.registerSchema('a', { schema: V1, schemaType: 'XML' as never }), 'REGISTRY_INVALID_SCHEMA');
    expect(await registry.listSubjects()).toEqual([]);
  });

  it('refuses a schema too large to store', async () => {
    const small = await registryHarness({ limits: { storedRecordBytesMax: 500, schemaCharsMax: 2_000 } });
    try {
      const fields = Array.from({ length: 20 }, (_, index) => ({ name: `field_${index}`, type: 'string' }));
      await expectCode(small.registry.register('a', avro(fields)), 'REGISTRY_INVALID_SCHEMA');
      await expectCode(small.registry.register('a', ' '.repeat(3_000) + '"int"'), 'REGISTRY_INVALID_SCHEMA');
      expect(await small.registry.register('a', '"int"')).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('refuses bad subjects', async () => {
    await expectCode(registry.register('', V1), 'REGISTRY_INVALID_SUBJECT');
    await expectCode(registry.register('a\u0001b', V1), 'REGISTRY_INVALID_SUBJECT');
  });

  it('runs concurrent registrations one at a time', async () => {
    await registry.setCompatibility(null, 'NONE');
    const schemas = Array.from({ length: 20 }, (_, index) => avro([{ name: `f${index}`, type: 'string' }], `R${index}`));
    const ids = await Promise.all(schemas.map((schema, index) => registry.register(`s${index % 3}`, schema, 'AVRO')));
    expect(new Set(ids).size).toBe(20);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });
});

describe('lookup', () => {
  it('finds the version of a schema under a subject', async () => {
    await registry.register('a', V1);
    await registry.register('a', V2);
    expect(await registry.lookup('a', { schema: V1 })).toMatchObject({ subject: 'a', version: 1, id: 1 });
    await expectCode(registry.lookup('a', { schema: V3_BAD }), 'REGISTRY_SCHEMA_NOT_FOUND');
    await expectCode(registry.lookup('nope', { schema: V1 }), 'REGISTRY_SUBJECT_NOT_FOUND');
  });
});

describe('compatibility on registration', () => {
  it('refuses an incompatible schema with 409, naming the breaking change', async () => {
    await registry.register('a', V1);
    const error = await expectCode(registry.register('a', V3_BAD), 'REGISTRY_INCOMPATIBLE_SCHEMA');
    expect(error.message).toContain('Schema being registered is incompatible with an earlier schema for subject "a", details: [');
    expect(error.message).toContain("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'customer' at path '/fields/2' in the new schema has no default value and is missing in the old schema', additionalInfo:'customer'}");
    expect(error.message).toContain('{oldSchemaVersion: 1}');
    expect(error.message).toContain("{compatibility: 'BACKWARD'}");
    expect(await registry.listVersions('a')).toEqual([1]);
  });

  it('NONE accepts anything; the subject level wins over the global one', async () => {
    await registry.register('a', V1);
    await registry.setCompatibility('a', 'NONE');
    expect(await registry.register('a', V3_BAD)).toBe(2);
    await registry.setCompatibility(null, 'NONE');
    await registry.register('b', V1);
    await registry.setCompatibility('b', 'FULL');
    await expectCode(registry.register('b', V3_BAD), 'REGISTRY_INCOMPATIBLE_SCHEMA');
  });

  it('the first version is always accepted and a schema of another type is incompatible', async () => {
    await registry.register('a', V1);
    await expectCode(registry.register('a', '{"type":"object"}', 'JSON'), 'REGISTRY_INCOMPATIBLE_SCHEMA');
  });

  it('BACKWARD checks the latest version only, BACKWARD_TRANSITIVE every version', async () => {
    const v1 = avro([{ name: 'a', type: 'int' }]);
    const v2 = avro([{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: '' }]);
    const v3 = avro([{ name: 'a', type: 'int' }, { name: 'b', type: 'string' }]);
    for (const [subject, level] of [['plain', 'BACKWARD'], ['transitive', 'BACKWARD_TRANSITIVE']] as const) {
      await registry.setCompatibility(subject, level);
      await registry.register(subject, v1);
      await registry.register(subject, v2);
    }
    expect(await registry.register('plain', v3)).toBeGreaterThan(0);
    const error = await expectCode(registry.register('transitive', v3), 'REGISTRY_INCOMPATIBLE_SCHEMA');
    expect(error.message).toContain('{oldSchemaVersion: 1}');
  });

  it('FORWARD checks that the old reader reads new data; FORWARD_TRANSITIVE against every version', async () => {
    const v1 = avro([{ name: 'a', type: 'int' }, { name: 'b', type: 'string' }]);
    const v2 = avro([{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: 'x' }]);
    const v3 = avro([{ name: 'a', type: 'int' }]);
    for (const [subject, level] of [['plain', 'FORWARD'], ['transitive', 'FORWARD_TRANSITIVE']] as const) {
      await registry.setCompatibility(subject, level);
      await registry.register(subject, v1);
      await registry.register(subject, v2);
    }
    expect(await registry.register('plain', v3)).toBeGreaterThan(0);
    await expectCode(registry.register('transitive', v3), 'REGISTRY_INCOMPATIBLE_SCHEMA');
    // and FORWARD refuses what only BACKWARD allows: a new field read by an old schema is fine,
    // a removed field without default is not
    await registry.setCompatibility('f', 'FORWARD');
    await registry.register('f', v1);
    await expectCode(registry.register('f', v3), 'REGISTRY_INCOMPATIBLE_SCHEMA');
  });

  it('FULL needs both directions; FULL_TRANSITIVE against every version', async () => {
    await registry.setCompatibility('full', 'FULL');
    await registry.register('full', V1);
    await expectCode(registry.register('full', V3_BAD), 'REGISTRY_INCOMPATIBLE_SCHEMA');
    await expectCode(registry.register('full', avro([{ name: 'id', type: 'string' }])), 'REGISTRY_INCOMPATIBLE_SCHEMA');
    expect(await registry.register('full', V2)).toBeGreaterThan(0);

    const v1 = avro([{ name: 'a', type: 'int' }]);
    const v2 = avro([{ name: 'a', type: 'int', default: 0 }]);
    const v3 = avro([{ name: 'b', type: 'int', default: 0 }]); // FULL with v2, not with v1 (v1 cannot read it: a has no default)
    await registry.setCompatibility('ft', 'FULL_TRANSITIVE');
    await registry.register('ft', v1);
    await registry.register('ft', v2);
    await expectCode(registry.register('ft', v3), 'REGISTRY_INCOMPATIBLE_SCHEMA');
    await registry.setCompatibility('ft', 'FULL');
    expect(await registry.register('ft', v3)).toBeGreaterThan(0);
  });

  it('soft-deleted versions are not checked', async () => {
    await registry.register('a', V1);
    await registry.deleteVersion('a', 1);
    expect(await registry.register('a', V3_BAD)).toBeGreaterThan(0);
  });
});

describe('checkCompatibility', () => {
  it('answers against the latest, a given version or all of them, with Confluent messages', async () => {
    await registry.register('a', V1);
    await registry.register('a', V2);
    expect((await registry.checkCompatibility('a', { schema: V2 })).isCompatible).toBe(true);
    const bad = await registry.checkCompatibility('a', { schema: V3_BAD });
    expect(bad.isCompatible).toBe(false);
    expect(bad.messages[0]).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(bad.messages).toContain('{oldSchemaVersion: 2}');
    expect(bad.incompatibilities[0]!.path).toBe('/fields/2');
    expect((await registry.checkCompatibility('a', { schema: V1 }, 1)).isCompatible).toBe(true);
    expect((await registry.checkCompatibility('a', { schema: V3_BAD }, 'all')).isCompatible).toBe(false);
  });

  it('a subject with no versions is compatible with anything; a named version must exist', async () => {
    expect((await registry.checkCompatibility('fresh', { schema: V1 })).isCompatible).toBe(true);
    await expectCode(registry.checkCompatibility('fresh', { schema: V1 }, 3), 'REGISTRY_SUBJECT_NOT_FOUND');
    await registry.register('a', V1);
    await expectCode(registry.checkCompatibility('a', { schema: V1 }, 3), 'REGISTRY_VERSION_NOT_FOUND');
    await expectCode(registry.checkCompatibility('a', { schema: '{' }), 'REGISTRY_INVALID_SCHEMA');
  });
});

describe('deletes', () => {
  it('soft delete of a version hides it but keeps its id; permanent delete needs a soft one first', async () => {
    await registry.register('a', V1);
    await registry.register('a', V2);
    expect(await registry.deleteVersion('a', 1)).toBe(1);
    expect(await registry.listVersions('a')).toEqual([2]);
    expect(await registry.listVersions('a', { deleted: true })).toEqual([1, 2]);
    expect(await registry.listVersions('a', { deletedOnly: true })).toEqual([1]);
    await expectCode(registry.getVersion('a', 1), 'REGISTRY_VERSION_NOT_FOUND');
    expect((await registry.getVersion('a', 1, { deleted: true })).deleted).toBe(true);
    expect((await registry.getById(1)).schema).toContain('Order');
    await expectCode(registry.lookup('a', { schema: V1 }), 'REGISTRY_SCHEMA_NOT_FOUND');
    expect((await registry.lookup('a', { schema: V1 }, { deleted: true })).version).toBe(1);

    await expectCode(registry.deleteVersion('a', 1), 'REGISTRY_VERSION_SOFT_DELETED');
    await expectCode(registry.deleteVersion('a', 2, { permanent: true }), 'REGISTRY_VERSION_NOT_SOFT_DELETED');
    await expectCode(registry.deleteVersion('a', 9), 'REGISTRY_VERSION_NOT_FOUND');
    await expectCode(registry.deleteVersion('nope', 1), 'REGISTRY_SUBJECT_NOT_FOUND');
    expect(await registry.deleteVersion('a', 1, { permanent: true })).toBe(1);
    await expectCode(registry.getById(1), 'REGISTRY_SCHEMA_NOT_FOUND');
    expect(await registry.listVersions('a', { deleted: true })).toEqual([2]);
  });

  it('`latest` deletes the newest live version', async () => {
    await registry.register('a', V1);
    await registry.register('a', V2);
    expect(await registry.deleteVersion('a', 'latest')).toBe(2);
    expect((await registry.getLatest('a')).version).toBe(1);
  });

  it('subject: soft (live versions), then permanent; errors 40401, 40404, 40405', async () => {
    await registry.register('a', V1);
    await registry.register('a', V2);
    await expectCode(registry.deleteSubject('nope'), 'REGISTRY_SUBJECT_NOT_FOUND');
    await expectCode(registry.deleteSubject('a', { permanent: true }), 'REGISTRY_SUBJECT_NOT_SOFT_DELETED');
    expect(await registry.deleteSubject('a')).toEqual([1, 2]);
    expect(await registry.listSubjects()).toEqual([]);
    expect(await registry.listSubjects({ deleted: true })).toEqual(['a']);
    expect(await registry.listSubjects({ deletedOnly: true })).toEqual(['a']);
    await expectCode(registry.getLatest('a'), 'REGISTRY_SUBJECT_NOT_FOUND');
    await expectCode(registry.listVersions('a'), 'REGISTRY_SUBJECT_NOT_FOUND');
    await expectCode(registry.deleteSubject('a'), 'REGISTRY_SUBJECT_SOFT_DELETED');
    expect(await registry.deleteSubject('a', { permanent: true })).toEqual([1, 2]);
    await expectCode(registry.deleteSubject('a', { permanent: true }), 'REGISTRY_SUBJECT_NOT_FOUND');
    expect(await registry.listSubjects({ deleted: true })).toEqual([]);
  });

  it('registering into a soft-deleted subject continues its versions and reuses the id', async () => {
    await registry.register('a', V1);
    await registry.deleteSubject('a');
    expect(await registry.register('a', V1)).toBe(1);
    expect(await registry.listVersions('a')).toEqual([2]);
  });

  it('a permanently deleted subject starts over at version 1, ids are not reused', async () => {
    await registry.register('a', V1);
    await registry.deleteSubject('a');
    await registry.deleteSubject('a', { permanent: true });
    expect(await registry.register('a', V2)).toBe(2);
    expect(await registry.listVersions('a')).toEqual([1]);
  });

  it('an id survives while another subject holds the schema', async () => {
    await registry.register('a', V1);
    await registry.register('b', V1);
    await registry.deleteSubject('a');
    await registry.deleteSubject('a', { permanent: true });
    expect((await registry.getById(1)).schema).toContain('Order');
  });

  it('soft-deleting a subject drops its own config', async () => {
    await registry.register('a', V1);
    await registry.setCompatibility('a', 'NONE');
    await registry.deleteSubject('a');
    await expectCode(registry.getCompatibility('a'), 'REGISTRY_SUBJECT_COMPATIBILITY_NOT_CONFIGURED');
  });
});

describe('config', () => {
  it('global default BACKWARD; subject 40408 unless defaultToGlobal; delete answers the removed level', async () => {
    expect(await registry.getCompatibility()).toBe('BACKWARD');
    const error = await expectCode(registry.getCompatibility('a'), 'REGISTRY_SUBJECT_COMPATIBILITY_NOT_CONFIGURED');
    expect(error.message).toBe("Subject 'a' does not have subject-level compatibility configured");
    expect(await registry.getCompatibility('a', { defaultToGlobal: true })).toBe('BACKWARD');
    expect(await registry.setCompatibility(null, 'FULL')).toBe('FULL');
    expect(await registry.getCompatibility('a', { defaultToGlobal: true })).toBe('FULL');
    expect(await registry.setCompatibility('a', 'NONE')).toBe('NONE');
    expect(await registry.getCompatibility('a')).toBe('NONE');
    expect(await registry.deleteCompatibility('a')).toBe('NONE');
    await expectCode(registry.getCompatibility('a'), 'REGISTRY_SUBJECT_COMPATIBILITY_NOT_CONFIGURED');
    await expectCode(registry.deleteCompatibility('a'), 'REGISTRY_SUBJECT_NOT_FOUND');
    expect(await registry.deleteCompatibility(null)).toBe('FULL');
    expect(await registry.getCompatibility()).toBe('BACKWARD');
  });

  it('refuses unknown levels with 42203 and takes any case', async () => {
    await expectCode(registry.setCompatibility(null, 'SIDEWAYS' as never), 'REGISTRY_INVALID_COMPATIBILITY_LEVEL');
    expect(await registry.setCompatibility('a', 'full_transitive' as never)).toBe('FULL_TRANSITIVE');
  });
});

describe('mode', () => {
  it('READONLY refuses registrations and deletes with 42205', async () => {
    await registry.register('a', V1);
    expect(await registry.getMode()).toBe('READWRITE');
    await registry.setMode('a', 'READONLY');
    expect(await registry.getMode('a')).toBe('READONLY');
    await expectCode(registry.register('a', V2), 'REGISTRY_OPERATION_NOT_PERMITTED');
    await expectCode(registry.deleteSubject('a'), 'REGISTRY_OPERATION_NOT_PERMITTED');
    expect(await registry.register('b', V2)).toBeGreaterThan(0);
    expect(await registry.deleteMode('a')).toBe('READONLY');
    expect(await registry.register('a', V2)).toBeGreaterThan(0);
    await expectCode(registry.getMode('a'), 'REGISTRY_SUBJECT_MODE_NOT_CONFIGURED');
    expect(await registry.getMode('a', { defaultToGlobal: true })).toBe('READWRITE');
    await expectCode(registry.setMode(null, 'SOMETIMES' as never), 'REGISTRY_INVALID_MODE');
  });

  it('IMPORT registers under given ids and versions, and needs an empty scope unless forced', async () => {
    await registry.register('existing', V1);
    await expectCode(registry.setMode(null, 'IMPORT'), 'REGISTRY_OPERATION_NOT_PERMITTED');
    await registry.setMode('imported', 'IMPORT');
    const registered = await registry.registerSchema('imported', { schema: V2 }, { id: 100, version: 5 });
    expect(registered).toMatchObject({ id: 100, version: 5 });
    await expectCode(registry.registerSchema('imported', { schema: V3_BAD }, { id: 100, version: 6 }), 'REGISTRY_OPERATION_NOT_PERMITTED');
    // no compatibility check in IMPORT
    expect((await registry.registerSchema('imported', { schema: V3_BAD }, { id: 101, version: 6 })).id).toBe(101);
    // later ids continue after the largest
    await registry.deleteMode('imported');
    expect(await registry.register('other', avro([{ name: 'z', type: 'int' }], 'Z'))).toBe(102);
    await expectCode(registry.registerSchema('other', { schema: V1 }, { id: 7 }), 'REGISTRY_OPERATION_NOT_PERMITTED');
  });
});

describe('references', () => {
  const customer = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'com.example', fields: [{ name: 'name', type: 'string' }] });
  const order = JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.example', fields: [{ name: 'customer', type: 'com.example.Customer' }] });
  const reference = { name: 'com.example.Customer', subject: 'customer', version: 1 };

  it('an Avro schema uses a named type of a referenced schema', async () => {
    await registry.register('customer', customer);
    await expectCode(registry.register('order', order), 'REGISTRY_INVALID_SCHEMA');
    const id = await registry.register('order', order, 'AVRO', [reference]);
    const stored = await registry.getById(id);
    expect(stored.references).toEqual([reference]);
    expect(stored.schema).toBe('{"type":"record","name":"Order","namespace":"com.example","fields":[{"name":"customer","type":"Customer"}]}');
    expect((await registry.lookup('order', { schema: order, references: [reference] })).id).toBe(id);
    expect(await registry.referencedBy('customer', 1)).toEqual([id]);
    await expectCode(registry.deleteVersion('customer', 1), 'REGISTRY_REFERENCE_EXISTS');
    await expectCode(registry.deleteSubject('customer'), 'REGISTRY_REFERENCE_EXISTS');
    const parsed = await registry.getParsedById(id);
    expect(parsed.schemaType).toBe('AVRO');
  });

  it('a reference must name an existing subject and version', async () => {
    await expectCode(registry.register('order', order, 'AVRO', [reference]), 'REGISTRY_SUBJECT_NOT_FOUND');
    await registry.register('customer', customer);
    await expectCode(registry.register('order', order, 'AVRO', [{ ...reference, version: 4 }]), 'REGISTRY_VERSION_NOT_FOUND');
  });

  it('compatibility follows the referenced types', async () => {
    await registry.register('customer', customer);
    const customer2 = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'com.example', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] });
    await registry.setCompatibility('customer', 'NONE');
    await registry.register('customer', customer2);
    await registry.register('order', order, 'AVRO', [reference]);
    await expectCode(registry.register('order', order, 'AVRO', [{ ...reference, version: 2 }]), 'REGISTRY_INCOMPATIBLE_SCHEMA');
  });

  it('Protobuf imports another subject\'s file', async () => {
    const money = 'syntax = "proto3";\npackage shop;\nmessage Money { int64 units = 1; string currency = 2; }';
    const invoice = 'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Invoice { Money total = 1; }';
    await registry.register('money', money, 'PROTOBUF');
    await expectCode(registry.register('invoice', invoice, 'PROTOBUF'), 'REGISTRY_INVALID_SCHEMA');
    const id = await registry.register('invoice', invoice, 'PROTOBUF', [{ name: 'money.proto', subject: 'money', version: 1 }]);
    expect((await registry.getById(id)).schemaType).toBe('PROTOBUF');
  });

  it('JSON Schema $ref to another subject\'s schema', async () => {
    const address = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } } });
    const person = JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } });
    await registry.register('address', address, 'JSON');
    await expectCode(registry.register('person', person, 'JSON'), 'REGISTRY_INVALID_SCHEMA');
    expect(await registry.register('person', person, 'JSON', [{ name: 'address.json', subject: 'address', version: 1 }])).toBeGreaterThan(0);
  });
});
