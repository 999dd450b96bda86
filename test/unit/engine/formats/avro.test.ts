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
  avroKeySchemaFullName,
  columnsToSchema,
  decimalType,
  errorOf,
  mapType,
  schemaToColumns,
  serde,
  structType,
} from './fixtures.js';
import { openRegistry, plain, registrySerde, roundTrip } from './registry-fixtures.js';

describe('AVRO schemas (ksqlDB → Avro)', () => {
  it('derives the record ksqlDB registers: nullable unions, connect.name, decimal and time logical types', () => {
    const { schemaType, schema } = columnsToSchema(
      [
        { name: 'ID', type: BIGINT },
        { name: 'DEC', type: decimalType(4, 2) },
        { name: 'TS', type: TIMESTAMP },
      ],
      'AVRO',
    );
    expect(schemaType).toBe('AVRO');
    expect(JSON.parse(schema)).toEqual({
      type: 'record',
      name: 'KsqlDataSourceSchema',
      namespace: 'io.confluent.ksql.avro_schemas',
      fields: [
        { name: 'ID', type: ['null', 'long'], default: null },
        {
          name: 'DEC',
          type: [
            'null',
            {
              type: 'bytes',
              scale: 2,
              precision: 4,
              'connect.version': 1,
              'connect.parameters': { scale: '2', 'connect.decimal.precision': '4' },
              'connect.name': 'org.apache.kafka.connect.data.Decimal',
              logicalType: 'decimal',
            },
          ],
          default: null,
        },
        {
          name: 'TS',
          type: ['null', { type: 'long', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Timestamp', logicalType: 'timestamp-millis' }],
          default: null,
        },
      ],
      'connect.name': 'io.confluent.ksql.avro_schemas.KsqlDataSourceSchema',
    });
  });

  it('names nested records after their path and writes maps as MapEntry arrays', () => {
    const { schema } = columnsToSchema(
      [
        { name: 'S', type: structType([{ name: 'F1', type: INTEGER }]) },
        { name: 'M', type: mapType(STRING, INTEGER) },
      ],
      'AVRO',
      { fullSchemaName: avroKeySchemaFullName('OUTPUT') },
    );
    const json = JSON.parse(schema);
    expect(json.name).toBe('OutputKey');
    expect(json.fields[0].type[1].name).toBe('OutputKey_S');
    expect(json.fields[1].type[1]).toMatchObject({ type: 'array', items: { type: 'record', name: 'OutputKey_M', 'connect.internal.type': 'MapEntry' } });
  });

  it('an unwrapped single column is the bare (required) type', () => {
    expect(JSON.parse(columnsToSchema([{ name: 'V', type: BOOLEAN }], 'AVRO', { unwrapped: true }).schema)).toBe('boolean');
    expect(JSON.parse(columnsToSchema([{ name: 'V', type: arrayType(BIGINT) }], 'AVRO', { unwrapped: true }).schema)).toEqual({ type: 'array', items: ['null', 'long'] });
  });

  it("refuses what ksqlDB's Avro translator refuses", () => {
    expect(errorOf(() => serde('AVRO', [{ name: '1AvroDoesNotLikeFieldsThatStartWithNumbers', type: DOUBLE }]))!.message).toContain(
      'Schema is not compatible with Avro: Illegal initial character: 1AvroDoesNotLikeFieldsThatStartWithNumbers',
    );
    expect(errorOf(() => serde('AVRO', [{ name: 'M', type: mapType(INTEGER, DOUBLE) }]))).toMatchObject({
      code: 'ENGINE_FORMAT_UNSUPPORTED',
      message: expect.stringContaining('Avro only supports MAPs with STRING keys'),
    });
  });

  it('reads registry schemas as ksqlDB infers them', async () => {
    const registry = await openRegistry();
    const id = await registry.register(
      't-value',
      JSON.stringify({
        type: 'record',
        name: 'blah',
        fields: [
          { name: 'c1', type: 'boolean' },
          { name: 'c2', type: { type: 'enum', name: 'Suit', symbols: ['SPADES', 'HEARTS'] } },
          { name: 'c3', type: 'float' },
          { name: 'c4', type: ['null', { type: 'fixed', size: 16, name: 'md5' }] },
          { name: 'c5', type: { type: 'map', values: 'long' } },
          { name: 'c6', type: { type: 'record', name: 'inner', fields: [{ name: 'f1', type: 'int' }] } },
          { name: 'c7', type: { type: 'int', logicalType: 'date' } },
        ],
      }),
    );
    const columns = schemaToColumns(await registry.getParsedById(id), 'AVRO', { target: 'value' });
    expect(columns).toEqual([
      { name: 'C1', type: BOOLEAN },
      { name: 'C2', type: STRING },
      { name: 'C3', type: DOUBLE },
      { name: 'C4', type: BYTES },
      { name: 'C5', type: mapType(STRING, BIGINT) },
      { name: 'C6', type: structType([{ name: 'F1', type: INTEGER }]) },
      { name: 'C7', type: DATE },
    ]);
    const original = schemaToColumns(await registry.getParsedById(id), 'AVRO', { target: 'value', originalFieldNames: true });
    expect(original.map((c) => c.name)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    const anonymous = await registry.getParsedById(await registry.register('k-key', '"int"'));
    expect(schemaToColumns(anonymous, 'AVRO', { target: 'key', unwrapped: true })).toEqual([
      { name: 'ROWKEY', type: INTEGER },
    ]);
    expect(() => schemaToColumns(anonymous, 'AVRO', { target: 'value' })).toThrow(/anonymous type/);
  });
});

describe('AVRO data', () => {
  it('round-trips every type through the Confluent wire format', async () => {
    const registry = await openRegistry();
    const columns = [
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
    const s = await registrySerde(registry, 'AVRO', columns);
    const row = [-7, 2 ** 40, 1.5, 'x', true, new Decimal(-1234n, 2), 1000, 10, 5000, Buffer.from('hi'), ['a', null], new Map([['k', 1]]), { F1: 7, F2: { X: 'y' } }];
    expect(plain(await roundTrip(s, row))).toEqual(plain(row));
    expect(plain(await roundTrip(s, columns.map(() => null)))).toEqual(columns.map(() => null));
    expect(s.serialize(null)).toBeNull();
  });

  it('writes magic byte 0, the schema id and Avro binary', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'AVRO', [{ name: 'A', type: INTEGER }, { name: 'B', type: STRING }]);
    const id = (await registry.getLatest('t-value')).id;
    const bytes = s.serialize([1, 'ab'])!;
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, id]));
    // union branch 1 (zig-zag 2), int 1 (zig-zag 2); branch 1, length 2, "ab"
    expect(bytes.subarray(5).toString('hex')).toBe('0202' + '0204' + '6162');
  });

  it('unwrapped values: a null value is a tombstone', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'AVRO', [{ name: 'V', type: BIGINT }], { features: ['UNWRAP_SINGLES'] });
    expect(s.serialize([null])).toBeNull();
    expect(await roundTrip(s, [5])).toEqual([5]);
  });

  it('reads records written with another schema: coercion and case-insensitive fields', async () => {
    const registry = await openRegistry();
    const writer = await registrySerde(registry, 'AVRO', [
      { name: 'name', type: INTEGER },
      { name: 'OTHER', type: STRING },
    ]);
    const bytes = writer.serialize([42, 'ignored'])!;
    const reader = await registrySerde(registry, 'AVRO', [{ name: 'NAME', type: STRING }], { topic: 'elsewhere' });
    await reader.prepare!(bytes);
    expect(reader.deserialize(bytes)).toEqual(['42']);
    const strict = await registrySerde(registry, 'AVRO', [{ name: 'NAME', type: BOOLEAN }], { topic: 'strict' });
    expect(errorOf(() => strict.deserialize(bytes))).toMatchObject({
      code: 'ENGINE_SERDE',
      message: expect.stringContaining('Cannot deserialize type int32 as type boolean for path: ->NAME'),
    });
  });

  it('decode failures are ENGINE_SERDE with the reason', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'AVRO', [{ name: 'A', type: INTEGER }]);
    expect(errorOf(() => s.deserialize(Buffer.from('7b7d', 'hex')))).toMatchObject({ code: 'ENGINE_SERDE', message: expect.stringContaining('Unknown magic byte!') });
    const unknown = Buffer.from([0, 0, 0, 0, 99, 2, 2]);
    await s.prepare!(unknown);
    expect(errorOf(() => s.deserialize(unknown))).toMatchObject({ code: 'ENGINE_SERDE' });
    const truncated = s.serialize([1])!.subarray(0, 6);
    expect(errorOf(() => s.deserialize(truncated))).toMatchObject({ code: 'ENGINE_SERDE', message: expect.stringContaining('truncated') });
  });

  it('VALUE_SCHEMA_ID: writes with that schema, filling defaults', async () => {
    const registry = await openRegistry();
    const id = await registry.register(
      'other-value',
      JSON.stringify({
        type: 'record',
        name: 'Transaction',
        namespace: 'com.acme',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'amount', type: 'int', default: 0 },
          { name: 'note', type: ['null', 'string'], default: null },
        ],
      }),
    );
    const s = await registrySerde(registry, 'AVRO', [{ name: 'id', type: STRING }, { name: 'amount', type: INTEGER }], { properties: { schemaId: String(id) } });
    const bytes = s.serialize(['a', null])!;
    expect(bytes.readInt32BE(1)).toBe(id);
    const reader = await registrySerde(registry, 'AVRO', [{ name: 'id', type: STRING }, { name: 'amount', type: INTEGER }, { name: 'note', type: STRING }], { topic: 'r' });
    await reader.prepare!(bytes);
    expect(reader.deserialize(bytes)).toEqual(['a', 0, null]);
    const missing = await registrySerde(registry, 'AVRO', [{ name: 'nope', type: STRING }], { topic: 'x', properties: { schemaId: String(id) } }).catch((e: Error) => e);
    expect((missing as Error).message).toContain('Schema from Schema Registry misses field with name: nope');
  });
});
