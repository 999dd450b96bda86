/**
 * Canonical Avro text: what Java's Schema.toString() prints (what Confluent stores and answers),
 * so the same schema written differently gets one id.
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistryLimits, parseSchema } from '../../../registry/index.js';
import { expectCode } from './helpers.js';

const canonical = (schema: unknown) => parseSchema('AVRO', typeof schema === 'string' ? schema : JSON.stringify(schema), [], defaultRegistryLimits).canonical;

describe('Avro canonical text', () => {
  it('primitives print as names', () => {
    expect(canonical('"int"')).toBe('"int"');
    expect(canonical({ type: 'string' })).toBe('"string"');
    expect(canonical(['null', { type: 'long' }])).toBe('["null","long"]');
  });

  it('keeps logical types and custom properties on primitives', () => {
    expect(canonical({ type: 'int', logicalType: 'date' })).toBe('{"type":"int","logicalType":"date"}');
    expect(canonical({ logicalType: 'decimal', precision: 4, scale: 2, type: 'bytes' })).toBe('{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}');
  });

  it('orders record attributes as Java does and splits full names', () => {
    const schema = {
      fields: [{ default: 0, type: 'int', name: 'a', doc: 'the a' }, { name: 'b', type: 'string', order: 'descending', aliases: ['bee'] }, { name: 'c', type: 'string', order: 'ascending' }],
      doc: 'an order',
      name: 'com.example.Order',
      type: 'record',
      aliases: ['com.example.Purchase', 'other.Old'],
      'x-custom': 1,
    };
    expect(canonical(schema)).toBe(
      '{"type":"record","name":"Order","namespace":"com.example","doc":"an order","fields":[' +
        '{"name":"a","type":"int","doc":"the a","default":0},' +
        '{"name":"b","type":"string","order":"descending","aliases":["bee"]},' +
        '{"name":"c","type":"string"}],' +
        '"x-custom":1,"aliases":["Purchase","other.Old"]}',
    );
  });

  it('prints a nested namespace only where it changes, and named types once', () => {
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'a.b',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] } },
        { name: 'again', type: 'Inner' },
        { name: 'fullRef', type: 'a.b.Inner' },
        { name: 'other', type: { type: 'enum', name: 'c.Kind', symbols: ['A', 'B'], default: 'A' } },
        { name: 'otherAgain', type: ['null', 'c.Kind'], default: null },
        { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
        { name: 'list', type: { type: 'array', items: 'Inner' } },
        { name: 'byName', type: { type: 'map', values: 'Hash' } },
      ],
    };
    expect(canonical(schema)).toBe(
      '{"type":"record","name":"Outer","namespace":"a.b","fields":[' +
        '{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},' +
        '{"name":"again","type":"Inner"},' +
        '{"name":"fullRef","type":"Inner"},' +
        '{"name":"other","type":{"type":"enum","name":"Kind","namespace":"c","symbols":["A","B"],"default":"A"}},' +
        '{"name":"otherAgain","type":["null","c.Kind"],"default":null},' +
        '{"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},' +
        '{"name":"list","type":{"type":"array","items":"Inner"}},' +
        '{"name":"byName","type":{"type":"map","values":"Hash"}}]}',
    );
  });

  it('the canonical text parses back to itself', () => {
    const schema = { type: 'record', name: 'R', namespace: 'n', fields: [{ name: 'self', type: ['null', 'R'], default: null }, { name: 'e', type: { type: 'enum', name: 'm.E', symbols: ['X'] } }] };
    const once = canonical(schema);
    expect(canonical(once)).toBe(once);
  });

  it('refuses what avsc refuses', async () => {
    await expectCode(() => canonical({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'nope' }] }), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => canonical({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int', default: 'x' }] }), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => canonical({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }, { name: 'a', type: 'int' }] }), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => canonical({ type: 'enum', name: 'E', symbols: ['A'], default: 'B' }), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => canonical('{"type":'), 'REGISTRY_INVALID_SCHEMA');
  });
});
