import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  Decimal,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  columnsToSchema,
  createSerde,
  decimalType,
  decodeMessageIndexes,
  encodeMessageIndexes,
  errorOf,
  mapType,
  resolveKeyFeatures,
  resolveValueFeatures,
  schemaToColumns,
  structType,
} from './fixtures.js';
import { openRegistry, plain, registrySerde, roundTrip } from './registry-fixtures.js';

const ALL_TYPES = [
  { name: 'I', type: INTEGER },
  { name: 'B', type: BIGINT },
  { name: 'D', type: DOUBLE },
  { name: 'S', type: STRING },
  { name: 'BOOL', type: BOOLEAN },
  { name: 'DEC', type: decimalType(4, 2) },
  { name: 'TS', type: TIMESTAMP },
  { name: 'DT', type: DATE },
  { name: 'TM', type: TIME },
  { name: 'BY', type: BYTES },
  { name: 'A', type: arrayType(STRING) },
  { name: 'M', type: mapType(STRING, INTEGER) },
  { name: 'ST', type: structType([{ name: 'F1', type: INTEGER }, { name: 'F2', type: structType([{ name: 'X', type: STRING }]) }]) },
];
const ROW = [-7, 2 ** 40, 1.5, 'x', true, new Decimal(-1234n, 2), 1000, 10, 5000, Buffer.from('hi'), ['a', 'b'], new Map([['k', 1]]), { F1: 7, F2: { X: 'y' } }];

describe('PROTOBUF schemas (ksqlDB → .proto)', () => {
  it('derives the file ProtobufData prints: ConnectDefault names, nested messages, map entries, logical types', () => {
    const { schemaType, schema } = columnsToSchema(
      [
        { name: 'ID', type: INTEGER },
        { name: 'DEC', type: decimalType(4, 2) },
        { name: 'M', type: mapType(STRING, BIGINT) },
        { name: 'S', type: structType([{ name: 'T', type: TIMESTAMP }]) },
      ],
      'PROTOBUF',
    );
    expect(schemaType).toBe('PROTOBUF');
    expect(schema).toContain('syntax = "proto3";');
    expect(schema).toContain('import "confluent/type/decimal.proto";');
    expect(schema).toContain('import "google/protobuf/timestamp.proto";');
    expect(schema).toContain('message ConnectDefault1 {\n  int32 ID = 1;');
    expect(schema).toContain('confluent.type.Decimal DEC = 2 [(confluent.field_meta) = {');
    expect(schema).toContain('repeated ConnectDefault2Entry M = 3;');
    expect(schema).toContain('ConnectDefault3 S = 4;');
    expect(schema).toContain('message ConnectDefault2Entry {\n    string key = 1;\n    int64 value = 2;\n  }');
    expect(schema).toContain('message ConnectDefault3 {\n    google.protobuf.Timestamp T = 1;\n  }');
  });

  it('names the message after fullSchemaName (its prefix the package)', () => {
    const { schema } = columnsToSchema([{ name: 'A', type: INTEGER }], 'PROTOBUF', { fullSchemaName: 'com.acme.Order' });
    expect(schema).toContain('package com.acme;');
    expect(schema).toContain('message Order {');
  });

  it('PROTOBUF supports WRAP_SINGLES only: keys and single values are messages', () => {
    expect(resolveKeyFeatures('PROTOBUF', true)).toEqual([]);
    expect(errorOf(() => resolveValueFeatures('PROTOBUF', true, false))!.message).toBe("Format 'PROTOBUF' does not support 'WRAP_SINGLE_VALUE' set to 'false'.");
    expect(resolveKeyFeatures('PROTOBUF_NOSR', true)).toEqual(['UNWRAP_SINGLES']);
  });

  it('refuses MAP keys that are not strings', () => {
    expect(errorOf(() => createSerde({ target: 'value', format: 'PROTOBUF_NOSR', columns: [{ name: 'M', type: mapType(INTEGER, STRING) }], topic: 't' }))!.message).toContain(
      'PROTOBUF format only supports MAP types with STRING keys',
    );
  });

  it('reads registry schemas as ksqlDB infers them', async () => {
    const registry = await openRegistry();
    const id = await registry.register(
      't-value',
      `syntax = "proto3";
       import "google/protobuf/timestamp.proto";
       message ValueSchema1 { int32 c0 = 1; }
       message ValueSchema2 {
         uint32 u = 1; sint64 l = 2; float f = 3; Suit suit = 4; map<string, int32> m = 5; repeated string r = 6;
         google.protobuf.Timestamp ts = 7; Inner inner = 8;
         enum Suit { SPADES = 0; HEARTS = 1; }
         message Inner { bool b = 1; }
       }`,
      'PROTOBUF',
    );
    const parsed = await registry.getParsedById(id);
    expect(schemaToColumns(parsed, 'PROTOBUF', { target: 'value' })).toEqual([{ name: 'C0', type: INTEGER }]);
    expect(schemaToColumns(parsed, 'PROTOBUF', { target: 'value', fullSchemaName: 'ValueSchema2' })).toEqual([
      { name: 'U', type: BIGINT },
      { name: 'L', type: BIGINT },
      { name: 'F', type: DOUBLE },
      { name: 'SUIT', type: STRING },
      { name: 'M', type: mapType(STRING, INTEGER) },
      { name: 'R', type: arrayType(STRING) },
      { name: 'TS', type: TIMESTAMP },
      { name: 'INNER', type: structType([{ name: 'B', type: BOOLEAN }]) },
    ]);
  });
});

describe('message indexes', () => {
  it("encode as Confluent's zig-zag varint list, [0] as a single 0", () => {
    expect(encodeMessageIndexes([0]).toString('hex')).toBe('00');
    expect(encodeMessageIndexes([1]).toString('hex')).toBe('0202');
    expect(encodeMessageIndexes([0, 1]).toString('hex')).toBe('040002');
    expect(decodeMessageIndexes(Buffer.from('00ff', 'hex'))).toEqual({ indexes: [0], offset: 1 });
    expect(decodeMessageIndexes(Buffer.from('040002ff', 'hex'))).toEqual({ indexes: [0, 1], offset: 3 });
  });
});

describe('PROTOBUF data', () => {
  it('round-trips every type; the payload starts with the message indexes', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'PROTOBUF', ALL_TYPES);
    expect(plain(await roundTrip(s, ROW))).toEqual(plain(ROW));
    const bytes = s.serialize([1, null, null, null, null, null, null, null, null, null, [], null, null])!;
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from([0, 0, 0, 0, (await registry.getLatest('t-value')).id, 0]));
    expect(bytes.subarray(6).toString('hex')).toBe('0801'); // field 1 varint 1; nulls and empty lists are not written
  });

  it('reads proto3 absences as ksqlDB does: scalar defaults, null messages, empty lists and maps', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'PROTOBUF', ALL_TYPES);
    expect(plain(await roundTrip(s, ALL_TYPES.map(() => null)))).toEqual([0, 0, 0, '', false, null, null, null, null, 'b64:', [], {}, null]);
  });

  it('writes with the message fullSchemaName names, and its indexes', async () => {
    const registry = await openRegistry();
    const id = await registry.register('t-value', 'syntax = "proto3"; message A { int32 x = 1; } message B { int32 K1 = 1; }', 'PROTOBUF');
    const s = await registrySerde(registry, 'PROTOBUF', [{ name: 'K1', type: INTEGER }], { properties: { schemaId: String(id), fullSchemaName: 'B' } });
    const bytes = s.serialize([42])!;
    expect(bytes.subarray(5).toString('hex')).toBe('0202' + '082a');
    expect(await roundTrip(s, [42])).toEqual([42]);
  });

  it('decode failures are ENGINE_SERDE', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'PROTOBUF', [{ name: 'A', type: INTEGER }]);
    const bytes = Buffer.concat([s.serialize([1])!.subarray(0, 5), Buffer.from('0a', 'hex'), Buffer.from('ff', 'hex')]);
    expect(errorOf(() => s.deserialize(bytes))).toMatchObject({ code: 'ENGINE_SERDE' });
  });
});

describe('PROTOBUF_NOSR', () => {
  it('is the bare message of the columns, no registry', async () => {
    const s = createSerde({ target: 'value', format: 'PROTOBUF_NOSR', columns: ALL_TYPES, topic: 't' });
    expect(plain(s.deserialize(s.serialize(ROW)))).toEqual(plain(ROW));
    expect(s.serialize([7, ...ALL_TYPES.slice(1).map(() => null)])!.toString('hex')).toBe('0807');
  });

  it('an unwrapped single column is a google.protobuf wrapper message', () => {
    const s = createSerde({ target: 'key', format: 'PROTOBUF_NOSR', columns: [{ name: 'K', type: STRING }], features: ['UNWRAP_SINGLES'], topic: 't' });
    const bytes = s.serialize(['ab'])!;
    expect(bytes.toString('hex')).toBe('0a026162');
    expect(s.deserialize(bytes)).toEqual(['ab']);
  });
});
