import { describe, expect, it } from 'vitest';
import {
  ARRAY_OF_INT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  arrayType,
  createSerde,
  createSerdeAsync,
  decimalType,
  errorOf,
  mapType,
  persistenceSchemaText,
  resolveFormatName,
  resolveKeyFeatures,
  resolveValueFeatures,
  serde,
  structType,
  validateFormatProperties,
  validateKeyColumnTypes,
} from './fixtures.js';

describe('format names and properties', () => {
  it('resolves names case-insensitively; unknown ones as ksqlDB says', () => {
    expect(resolveFormatName('json')).toBe('JSON');
    expect(resolveFormatName('Delimited')).toBe('DELIMITED');
    expect(errorOf(() => resolveFormatName('foo'))).toEqual({ code: 'ENGINE_FORMAT_UNSUPPORTED', message: 'Unknown format: FOO' });
    expect(errorOf(() => resolveFormatName('toString'))!.message).toBe('Unknown format: TOSTRING');
  });
  it('rejects properties a format does not take', () => {
    expect(errorOf(() => validateFormatProperties('JSON', { delimiter: '|' }))!.message).toBe('JSON does not support the following configs: [delimiter]');
    expect(errorOf(() => validateFormatProperties('DELIMITED', { delimiter: '' }))!.message).toMatch(/^Delimiter cannot be empty/);
    expect(errorOf(() => validateFormatProperties('AVRO', { schemaId: ' ' }))!.message).toBe('schemaId cannot be empty. Format configuration: {schemaId= }');
    expect(() => validateFormatProperties('DELIMITED', { delimiter: 'TAB' })).not.toThrow();
  });
});

describe('schemas a format cannot carry', () => {
  it('KAFKA: one column of INT/BIGINT/DOUBLE/STRING/BYTES', () => {
    for (const [type, kind] of [[structType([{ name: 'F1', type: DOUBLE }]), 'STRUCT'], [ARRAY_OF_INT, 'ARRAY'], [BOOLEAN, 'BOOLEAN'], [TIMESTAMP, 'TIMESTAMP'], [decimalType(4, 2), 'DECIMAL']] as const) {
      const e = errorOf(() => serde('KAFKA', [{ name: 'FOO', type }]))!;
      expect(e.code).toBe('ENGINE_FORMAT_UNSUPPORTED');
      expect(e.message).toContain(`The 'KAFKA' format does not support type '${kind}'`);
    }
    expect(errorOf(() => serde('KAFKA', [{ name: 'A', type: INTEGER }, { name: 'B', type: STRING }]))!.message).toContain(
      "The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` STRING]",
    );
  });
  it('DELIMITED: primitives only; keys get the "Key format does not support schema" wrapper', () => {
    expect(errorOf(() => serde('DELIMITED', [{ name: 'FOO', type: ARRAY_OF_INT }]))!.message).toContain("The 'DELIMITED' format does not support type 'ARRAY'");
    expect(errorOf(() => serde('DELIMITED', [{ name: 'K', type: arrayType(DOUBLE) }], { target: 'key' }))!.message).toBe(
      "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`",
    );
    expect(errorOf(() => serde('DELIMITED', [{ name: 'K', type: structType([{ name: 'F', type: DOUBLE }]) }], { target: 'key' }))!.message).toContain(
      "schema: Persistence{columns=[`K` STRUCT<`F` DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'STRUCT', column: `K`",
    );
  });
  it('JSON: MAP keys must be STRING', () => {
    expect(errorOf(() => serde('JSON', [{ name: 'FOO', type: mapType(INTEGER, DOUBLE) }]))!.message).toContain('JSON only supports MAP types with STRING keys');
  });
  it('keys may not contain MAPs', () => {
    const msg =
      'Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: ARRAY<MAP<INTEGER, DOUBLE>>. See https://github.com/confluentinc/ksql/issues/6621 for more.';
    expect(errorOf(() => validateKeyColumnTypes([{ name: 'K', type: arrayType(mapType(INTEGER, DOUBLE)) }]))!.message).toBe(msg);
    expect(errorOf(() => serde('JSON', [{ name: 'K', type: arrayType(mapType(INTEGER, DOUBLE)) }], { target: 'key' }))!.message).toBe(msg);
  });
  it('NONE: no columns', () => {
    const s = serde('NONE', []);
    expect(s.serialize([])).toBeNull();
    expect(s.deserialize(Buffer.from('x'))).toEqual([]);
    expect(errorOf(() => serde('NONE', [{ name: 'A', type: INTEGER }]))!.message).toContain("The 'NONE' format can only be used when no columns are defined. Got: [`A` INTEGER]");
  });
  it('features the format lacks', () => {
    expect(errorOf(() => serde('KAFKA', [{ name: 'A', type: INTEGER }], { features: ['WRAP_SINGLES'] }))!.message).toContain('Unsupported features: [WRAP_SINGLES]');
    expect(errorOf(() => serde('JSON', [{ name: 'A', type: INTEGER }, { name: 'B', type: INTEGER }], { features: ['UNWRAP_SINGLES'] }))!.message).toContain(
      'Unwrapping only valid for single columns',
    );
    expect(persistenceSchemaText([{ name: 'V', type: STRING }], 'value', ['UNWRAP_SINGLES'])).toBe('Persistence{columns=[`V` STRING], features=[UNWRAP_SINGLES]}');
  });
  it('registry formats need a registry to move data (built without one, they only validate)', async () => {
    const unregistered = serde('AVRO', [{ name: 'A', type: INTEGER }]);
    expect(errorOf(() => unregistered.serialize([1]))!.message).toMatch(/needs a schema registry/);
    await expect(createSerdeAsync({ target: 'value', format: 'AVRO', columns: [] })).rejects.toThrow(/needs a schema registry/);
    expect(createSerde({ target: 'value', format: 'json', columns: [{ name: 'A', type: INTEGER }] }).format).toBe('JSON');
  });
});

describe('wrapping features (SerdeFeaturesFactory)', () => {
  it('keys: UNWRAP_SINGLES when the format supports both', () => {
    expect(resolveKeyFeatures('JSON', true)).toEqual(['UNWRAP_SINGLES']);
    expect(resolveKeyFeatures('JSON', false)).toEqual([]);
    expect(resolveKeyFeatures('KAFKA', true)).toEqual([]);
    expect(resolveKeyFeatures('DELIMITED', true)).toEqual([]);
  });
  it('values: explicit WRAP_SINGLE_VALUE, then the config default', () => {
    expect(resolveValueFeatures('JSON', true, false)).toEqual(['UNWRAP_SINGLES']);
    expect(resolveValueFeatures('JSON', true, true)).toEqual(['WRAP_SINGLES']);
    expect(resolveValueFeatures('KAFKA', true, false)).toEqual(['UNWRAP_SINGLES']);
    expect(resolveValueFeatures('JSON', true)).toEqual([]);
    expect(resolveValueFeatures('JSON', true, undefined, false)).toEqual(['UNWRAP_SINGLES']);
    expect(resolveValueFeatures('KAFKA', true, undefined, true)).toEqual([]);
    expect(resolveValueFeatures('JSON', false, undefined, false)).toEqual([]);
    expect(errorOf(() => resolveValueFeatures('KAFKA', true, true))!.message).toBe("Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
    expect(errorOf(() => resolveValueFeatures('DELIMITED', true, true))!.message).toBe("Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
    expect(errorOf(() => resolveValueFeatures('JSON', false, true))!.message).toBe("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    expect(errorOf(() => resolveValueFeatures('JSON', false, false))!.message).toBe("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
  });
});
