/**
 * Avro compatibility: the rules of Avro schema resolution, reader against writer, as Java's
 * SchemaCompatibility applies them (and Confluent reports them). Cross-checked against avsc's own
 * resolver, which refuses exactly the reader/writer pairs it cannot decode.
 */
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroReaderWriterIncompatibilities } from '../../../registry/index.js';
import { breaking, errorTypes } from './helpers.js';

const record = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'record', name: 'Order', namespace: 'com.example', fields, ...extra });
const field = (name: string, type: unknown, extra: Record<string, unknown> = {}) => ({ name, type, ...extra });

const backward = (older: unknown, newer: unknown) => errorTypes(breaking('AVRO', older, newer, 'backward'));
const forward = (older: unknown, newer: unknown) => errorTypes(breaking('AVRO', older, newer, 'forward'));

describe('Avro: fields', () => {
  const v1 = record([field('id', 'string'), field('amount', 'double')]);

  it('accepts the same schema both ways', () => {
    expect(backward(v1, v1)).toEqual([]);
    expect(forward(v1, v1)).toEqual([]);
  });

  it('adding a field with a default is backward and forward compatible', () => {
    const v2 = record([field('id', 'string'), field('amount', 'double'), field('note', ['null', 'string'], { default: null })]);
    expect(backward(v1, v2)).toEqual([]);
    expect(forward(v1, v2)).toEqual([]);
  });

  it('adding a field without a default breaks BACKWARD (the new reader cannot fill it) but not FORWARD', () => {
    const v2 = record([field('id', 'string'), field('amount', 'double'), field('customer', 'string')]);
    const found = breaking('AVRO', v1, v2, 'backward');
    expect(errorTypes(found)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
    expect(found[0]!.path).toBe('/fields/2');
    expect(found[0]!.additionalInfo).toBe('customer');
    expect(found[0]!.description).toBe("The field 'customer' at path '/fields/2' in the new schema has no default value and is missing in the old schema");
    expect(forward(v1, v2)).toEqual([]);
  });

  it('removing a field without a default breaks FORWARD (the old reader needs it) but not BACKWARD', () => {
    const v2 = record([field('id', 'string')]);
    expect(backward(v1, v2)).toEqual([]);
    const found = breaking('AVRO', v1, v2, 'forward');
    expect(errorTypes(found)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
    expect(found[0]!.description).toContain("in the old schema has no default value and is missing in the new schema");
  });

  it('removing a field that had a default is compatible both ways', () => {
    const withDefault = record([field('id', 'string'), field('amount', 'double', { default: 0 })]);
    const v2 = record([field('id', 'string')]);
    expect(backward(withDefault, v2)).toEqual([]);
    expect(forward(withDefault, v2)).toEqual([]);
  });

  it('a renamed field is matched through the reader field aliases', () => {
    const renamed = record([field('orderId', 'string', { aliases: ['id'] }), field('amount', 'double')]);
    expect(backward(v1, renamed)).toEqual([]);
    const renamedWithoutAlias = record([field('orderId', 'string'), field('amount', 'double')]);
    expect(backward(v1, renamedWithoutAlias)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
  });

  it('reordering fields is compatible', () => {
    expect(backward(v1, record([field('amount', 'double'), field('id', 'string')]))).toEqual([]);
  });

  it('reports every breaking change, each with its path', () => {
    const v2 = record([field('id', 'int'), field('amount', 'double'), field('a', 'string'), field('b', 'long')]);
    const found = breaking('AVRO', v1, v2);
    expect(found.map((f) => `${f.errorType} ${f.path}`)).toEqual([
      'TYPE_MISMATCH /fields/0/type',
      'READER_FIELD_MISSING_DEFAULT_VALUE /fields/2',
      'READER_FIELD_MISSING_DEFAULT_VALUE /fields/3',
    ]);
    expect(found[0]!.additionalInfo).toBe('reader type: INT not compatible with writer type: STRING');
  });
});

describe('Avro: type promotions', () => {
  const promotable: Array<[writer: string, reader: string]> = [
    ['int', 'long'],
    ['int', 'float'],
    ['int', 'double'],
    ['long', 'float'],
    ['long', 'double'],
    ['float', 'double'],
    ['string', 'bytes'],
    ['bytes', 'string'],
  ];
  for (const [writer, reader] of promotable) {
    it(`${writer} -> ${reader} is BACKWARD compatible`, () => {
      expect(backward(record([field('x', writer)]), record([field('x', reader)]))).toEqual([]);
    });
  }

  const narrowing: Array<[writer: string, reader: string]> = [
    ['long', 'int'],
    ['float', 'int'],
    ['double', 'float'],
    ['double', 'long'],
    ['float', 'long'],
    ['string', 'int'],
    ['int', 'string'],
    ['boolean', 'int'],
    ['null', 'string'],
    ['bytes', 'int'],
  ];
  for (const [writer, reader] of narrowing) {
    it(`${writer} -> ${reader} is a TYPE_MISMATCH`, () => {
      expect(backward(record([field('x', writer)]), record([field('x', reader)]))).toEqual(['TYPE_MISMATCH']);
    });
  }

  it('int -> long is compatible BACKWARD but not FORWARD (an old int reader cannot read longs)', () => {
    const v1 = record([field('x', 'int')]);
    const v2 = record([field('x', 'long')]);
    expect(backward(v1, v2)).toEqual([]);
    expect(forward(v1, v2)).toEqual(['TYPE_MISMATCH']);
  });

  it('logical types resolve as their underlying types', () => {
    const v1 = record([field('at', { type: 'int', logicalType: 'date' })]);
    const v2 = record([field('at', { type: 'long', logicalType: 'timestamp-millis' })]);
    expect(backward(v1, v2)).toEqual([]);
    expect(forward(v1, v2)).toEqual(['TYPE_MISMATCH']);
  });
});

describe('Avro: unions', () => {
  it('adding a branch to a union is BACKWARD compatible, removing one is not', () => {
    const v1 = record([field('x', ['null', 'string'], { default: null })]);
    const v2 = record([field('x', ['null', 'string', 'int'], { default: null })]);
    expect(backward(v1, v2)).toEqual([]);
    const found = breaking('AVRO', v2, v1);
    expect(errorTypes(found)).toEqual(['MISSING_UNION_BRANCH']);
    expect(found[0]!.path).toBe('/fields/0/type/2');
    expect(found[0]!.additionalInfo).toBe('reader union lacking writer type: INT');
  });

  it('a plain type can become a union that holds it, not the other way round', () => {
    const plain = record([field('x', 'string')]);
    const union = record([field('x', ['null', 'string'], { default: null })]);
    expect(backward(plain, union)).toEqual([]);
    expect(backward(union, plain)).toEqual(['TYPE_MISMATCH']);
  });

  it('a union branch is matched through promotions', () => {
    expect(backward(record([field('x', 'int')]), record([field('x', ['null', 'long'], { default: null })]))).toEqual([]);
    expect(backward(record([field('x', ['null', 'int'], { default: null })]), record([field('x', ['null', 'double'], { default: null })]))).toEqual([]);
  });

  it('a writer union of one branch reads into the plain type', () => {
    expect(backward(record([field('x', ['string'])]), record([field('x', 'string')]))).toEqual([]);
  });
});

describe('Avro: enums, fixed, names', () => {
  const color = (symbols: string[], extra: Record<string, unknown> = {}) => record([field('c', { type: 'enum', name: 'Color', symbols, ...extra })]);

  it('a reader missing a writer symbol breaks, unless it has a default', () => {
    const found = breaking('AVRO', color(['RED', 'GREEN', 'BLUE']), color(['RED', 'GREEN']));
    expect(errorTypes(found)).toEqual(['MISSING_ENUM_SYMBOLS']);
    expect(found[0]!.additionalInfo).toBe('[BLUE]');
    expect(found[0]!.path).toBe('/fields/0/type/symbols');
    expect(backward(color(['RED', 'GREEN', 'BLUE']), color(['UNKNOWN', 'RED', 'GREEN'], { default: 'UNKNOWN' }))).toEqual([]);
  });

  it('adding symbols is BACKWARD compatible and FORWARD incompatible', () => {
    expect(backward(color(['RED']), color(['RED', 'GREEN']))).toEqual([]);
    expect(forward(color(['RED']), color(['RED', 'GREEN']))).toEqual(['MISSING_ENUM_SYMBOLS']);
  });

  it('a fixed must keep its size and name', () => {
    const fixed = (size: number, name = 'Hash') => record([field('h', { type: 'fixed', name, size })]);
    expect(backward(fixed(16), fixed(16))).toEqual([]);
    const found = breaking('AVRO', fixed(16), fixed(32));
    expect(errorTypes(found)).toEqual(['FIXED_SIZE_MISMATCH']);
    expect(found[0]!.additionalInfo).toBe('expected: 16, found: 32');
    expect(backward(fixed(16), fixed(16, 'Digest'))).toEqual(['NAME_MISMATCH']);
  });

  it('renaming a record breaks unless the reader lists the old full name as an alias', () => {
    const v1 = record([field('id', 'string')]);
    const renamed = { ...v1, name: 'Purchase' };
    const found = breaking('AVRO', v1, renamed);
    expect(errorTypes(found)).toEqual(['NAME_MISMATCH']);
    expect(found[0]!.path).toBe('/name');
    expect(found[0]!.additionalInfo).toBe('expected: com.example.Order');
    expect(backward(v1, { ...renamed, aliases: ['com.example.Order'] })).toEqual([]);
  });

  it('changing only the namespace is compatible (names compare unqualified, as in Java)', () => {
    const v1 = record([field('id', 'string')]);
    expect(backward(v1, { ...v1, namespace: 'org.other' })).toEqual([]);
  });

  it('an enum renamed without alias breaks', () => {
    expect(backward(color(['A']), record([field('c', { type: 'enum', name: 'Colour', symbols: ['A'] })]))).toEqual(['NAME_MISMATCH']);
  });
});

describe('Avro: nested types', () => {
  it('checks array items and map values', () => {
    expect(backward(record([field('xs', { type: 'array', items: 'int' })]), record([field('xs', { type: 'array', items: 'long' })]))).toEqual([]);
    const found = breaking('AVRO', record([field('xs', { type: 'array', items: 'long' })]), record([field('xs', { type: 'array', items: 'int' })]));
    expect(found.map((f) => f.path)).toEqual(['/fields/0/type/items']);
    const maps = breaking('AVRO', record([field('m', { type: 'map', values: 'string' })]), record([field('m', { type: 'map', values: 'int' })]));
    expect(maps.map((f) => `${f.errorType} ${f.path}`)).toEqual(['TYPE_MISMATCH /fields/0/type/values']);
  });

  it('an array is not a map', () => {
    expect(backward(record([field('x', { type: 'array', items: 'int' })]), record([field('x', { type: 'map', values: 'int' })]))).toEqual(['TYPE_MISMATCH']);
  });

  it('checks nested records, with the path into them', () => {
    const inner = (fields: unknown[]) => record([field('customer', { type: 'record', name: 'Customer', fields })]);
    const found = breaking('AVRO', inner([field('name', 'string')]), inner([field('name', 'string'), field('age', 'int')]));
    expect(found.map((f) => `${f.errorType} ${f.path}`)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE /fields/0/type/fields/1']);
  });

  it('handles recursive schemas', () => {
    const list = (extra: unknown[] = []) => ({
      type: 'record',
      name: 'Node',
      fields: [field('value', 'int'), field('next', ['null', 'Node'], { default: null }), ...extra],
    });
    expect(backward(list(), list())).toEqual([]);
    expect(backward(list(), list([field('label', 'string', { default: '' })]))).toEqual([]);
    expect(backward(list(), list([field('label', 'string')]))).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE']);
  });

  it('compares top-level non-record schemas too', () => {
    expect(backward('"int"', '"long"')).toEqual([]);
    expect(backward('"string"', '"int"')).toEqual(['TYPE_MISMATCH']);
    expect(backward('["null","string"]', '["null","string","long"]')).toEqual([]);
  });
});

describe('Avro: agrees with avsc resolution', () => {
  const schemas: unknown[] = [
    'int',
    'long',
    'float',
    'double',
    'string',
    'bytes',
    'boolean',
    'null',
    ['null', 'string'],
    ['null', 'int'],
    ['null', 'long', 'string'],
    { type: 'array', items: 'int' },
    { type: 'array', items: 'long' },
    { type: 'map', values: 'string' },
    { type: 'map', values: 'bytes' },
    { type: 'enum', name: 'E', symbols: ['A', 'B'] },
    { type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] },
    { type: 'enum', name: 'E', symbols: ['A', 'B', 'Z'], default: 'Z' },
    { type: 'fixed', name: 'F', size: 4 },
    { type: 'fixed', name: 'F', size: 8 },
    { type: 'record', name: 'R', fields: [field('a', 'int')] },
    { type: 'record', name: 'R', fields: [field('a', 'long'), field('b', 'string', { default: 'x' })] },
    { type: 'record', name: 'R', fields: [field('a', 'int'), field('b', 'string')] },
    { type: 'record', name: 'R', fields: [field('b', 'string', { default: '' })] },
    { type: 'record', name: 'R', fields: [field('z', 'int', { aliases: ['a'] })] },
  ];
  const types = schemas.map((schema) => avsc.Type.forSchema(schema as avsc.Schema));
  it('for every reader/writer pair of a corpus of schemas', () => {
    const disagreements: string[] = [];
    types.forEach((reader, readerIndex) => {
      types.forEach((writer, writerIndex) => {
        let avscOk = true;
        try {
          reader.createResolver(writer);
        } catch {
          avscOk = false;
        }
        const ours = avroReaderWriterIncompatibilities(reader, writer).length === 0;
        if (avscOk !== ours) disagreements.push(`reader ${JSON.stringify(schemas[readerIndex])} writer ${JSON.stringify(schemas[writerIndex])}: avsc ${avscOk}, ours ${ours}`);
      });
    });
    expect(disagreements).toEqual([]);
  });
});
