import { describe, expect, it } from 'vitest';
import { BIGINT, BYTES, DOUBLE, Decimal, INTEGER, STRING, TIMESTAMP, arrayType, columnsToSchema, decimalType, errorOf, mapType, schemaToColumns, serde, structType } from './fixtures.js';
import { openRegistry, plain, registrySerde, roundTrip } from './registry-fixtures.js';

describe('JSON_SR schemas', () => {
  it('derives the JSON schema JsonSchemaData prints', () => {
    const { schemaType, schema } = columnsToSchema([{ name: 'FOO', type: INTEGER }, { name: 'DEC', type: decimalType(4, 2) }], 'JSON_SR');
    expect(schemaType).toBe('JSON');
    expect(JSON.parse(schema)).toEqual({
      type: 'object',
      properties: {
        FOO: { 'connect.index': 0, oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int32' }] },
        DEC: {
          'connect.index': 1,
          oneOf: [
            { type: 'null' },
            {
              type: 'number',
              title: 'org.apache.kafka.connect.data.Decimal',
              'connect.type': 'bytes',
              'connect.version': 1,
              'connect.parameters': { scale: '2', 'connect.decimal.precision': '4' },
            },
          ],
        },
      },
    });
    expect(JSON.parse(columnsToSchema([{ name: 'K', type: structType([{ name: 'F1', type: STRING }]) }], 'JSON_SR', { unwrapped: true }).schema)).toEqual({
      oneOf: [{ type: 'null' }, { type: 'object', properties: { F1: { 'connect.index': 0, oneOf: [{ type: 'null' }, { type: 'string' }] } } }],
    });
  });

  it('refuses MAP keys that are not strings', () => {
    expect(errorOf(() => serde('JSON_SR', [{ name: 'M', type: mapType(INTEGER, STRING) }]))!.message).toContain('JSON only supports MAP types with STRING keys');
  });

  it('reads registry schemas as ksqlDB infers them', async () => {
    const registry = await openRegistry();
    const id = await registry.register(
      't-value',
      JSON.stringify({
        type: 'object',
        properties: {
          a: { type: 'integer' },
          b: { type: 'number' },
          c: { type: ['string', 'null'] },
          d: { type: 'array', items: { $ref: '#/definitions/item' } },
          e: { type: 'object', properties: { x: { type: 'boolean' } } },
        },
        definitions: { item: { type: 'string', 'connect.type': 'bytes' } },
      }),
      'JSON',
    );
    expect(schemaToColumns(await registry.getParsedById(id), 'JSON_SR', { target: 'value' })).toEqual([
      { name: 'A', type: BIGINT },
      { name: 'B', type: DOUBLE },
      { name: 'C', type: STRING },
      { name: 'D', type: arrayType(BYTES) },
      { name: 'E', type: structType([{ name: 'X', type: { kind: 'BOOLEAN' } }]) },
    ]);
  });
});

describe('JSON_SR data', () => {
  it('frames JSON with magic byte and id; maps with optional keys are key/value arrays', async () => {
    const registry = await openRegistry();
    const s = await registrySerde(registry, 'JSON_SR', [
      { name: 'A', type: INTEGER },
      { name: 'M', type: mapType(STRING, INTEGER) },
      { name: 'DEC', type: decimalType(4, 2) },
      { name: 'TS', type: TIMESTAMP },
    ]);
    const bytes = s.serialize([1, new Map([['k', 2]]), new Decimal(1050n, 2), 1000])!;
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe((await registry.getLatest('t-value')).id);
    expect(bytes.subarray(5).toString('utf8')).toBe('{"A":1,"M":[{"key":"k","value":2}],"DEC":10.50,"TS":1000}');
    expect(plain(await roundTrip(s, [1, new Map([['k', 2]]), new Decimal(1050n, 2), 1000]))).toEqual([1, { k: 2 }, 'dec:10.50', 1000]);
    expect(plain(await roundTrip(s, [null, null, null, null]))).toEqual([null, null, null, null]);
  });

  it('reads JSON written with another schema by that schema', async () => {
    const registry = await openRegistry();
    const id = await registry.register('x-value', JSON.stringify({ type: 'object', properties: { v: { type: 'integer' }, m: { type: 'object', additionalProperties: { type: 'string' }, 'connect.type': 'map' } } }), 'JSON');
    const s = await registrySerde(registry, 'JSON_SR', [{ name: 'V', type: STRING }, { name: 'M', type: mapType(STRING, STRING) }]);
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, id]), Buffer.from('{"v":12,"m":{"a":"b"}}')]);
    await s.prepare!(bytes);
    expect(plain(s.deserialize(bytes))).toEqual(['12', { a: 'b' }]);
    expect(errorOf(() => s.deserialize(Buffer.concat([Buffer.from([0, 0, 0, 0, id]), Buffer.from('{"v":')])))).toMatchObject({ code: 'ENGINE_SERDE' });
  });
});
