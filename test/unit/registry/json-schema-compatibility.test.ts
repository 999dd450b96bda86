/**
 * JSON Schema compatibility: Confluent's diff over open, closed and partially open content
 * models, required properties, types, enums, bounds, combined types and $refs.
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistryLimits, parseSchema } from '../../../registry/index.js';
import { breaking, errorTypes, expectCode } from './helpers.js';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => object(properties, { additionalProperties: false, ...extra });

const backward = (older: unknown, newer: unknown) => errorTypes(breaking('JSON', older, newer, 'backward'));
const forward = (older: unknown, newer: unknown) => errorTypes(breaking('JSON', older, newer, 'forward'));

describe('JSON Schema: properties and content models', () => {
  it('accepts the same schema', () => {
    const v1 = object({ id: { type: 'string' } }, { required: ['id'] });
    expect(backward(v1, v1)).toEqual([]);
    expect(forward(v1, v1)).toEqual([]);
  });

  it('open model: adding a typed property breaks BACKWARD (old data may carry it with any value), removing one is fine', () => {
    const v1 = object({ id: { type: 'string' } });
    const v2 = object({ id: { type: 'string' }, note: { type: 'string' } });
    const found = breaking('JSON', v1, v2);
    expect(errorTypes(found)).toEqual(['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
    expect(found[0]!.path).toBe('#/properties/note');
    expect(forward(v1, v2)).toEqual([]);
    expect(backward(v2, v1)).toEqual([]);
  });

  it('open model: adding a property with an empty schema is compatible', () => {
    expect(backward(object({ id: { type: 'string' } }), object({ id: { type: 'string' }, extra: {} }))).toEqual([]);
  });

  it('closed model: adding an optional property is compatible, a required one only with a default', () => {
    const v1 = closed({ id: { type: 'string' } });
    expect(backward(v1, closed({ id: { type: 'string' }, note: { type: 'string' } }))).toEqual([]);
    expect(backward(v1, closed({ id: { type: 'string' }, qty: { type: 'integer' } }, { required: ['qty'] }))).toEqual(['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL']);
    expect(backward(v1, closed({ id: { type: 'string' }, qty: { type: 'integer', default: 1 } }, { required: ['qty'] }))).toEqual([]);
  });

  it('closed model: removing a property breaks BACKWARD (old data has it, the new schema refuses it)', () => {
    const v1 = closed({ id: { type: 'string' }, note: { type: 'string' } });
    expect(backward(v1, closed({ id: { type: 'string' } }))).toEqual(['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL']);
    expect(backward(closed({ id: { type: 'string' }, gone: false }), closed({ id: { type: 'string' } }))).toEqual([]);
  });

  it('partially open model: an added property must fit the additionalProperties schema', () => {
    const v1 = object({ id: { type: 'string' } }, { additionalProperties: { type: 'string' } });
    expect(backward(v1, object({ id: { type: 'string' }, note: { type: 'string' } }, { additionalProperties: { type: 'string' } }))).toEqual([]);
    expect(backward(v1, object({ id: { type: 'string' }, qty: { type: 'number' } }, { additionalProperties: { type: 'string' } }))).toEqual([
      'TYPE_CHANGED',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    ]);
  });

  it('partially open model through patternProperties', () => {
    const v1 = object({ id: { type: 'string' } }, { patternProperties: { '^x-': { type: 'string' } } });
    expect(backward(v1, object({ id: { type: 'string' }, 'x-trace': { type: 'string' } }, { patternProperties: { '^x-': { type: 'string' } } }))).toEqual([]);
  });

  it('required: making a property required breaks, making it optional is fine', () => {
    const optional = object({ id: { type: 'string' } });
    const required = object({ id: { type: 'string' } }, { required: ['id'] });
    const found = breaking('JSON', optional, required);
    expect(errorTypes(found)).toEqual(['REQUIRED_ATTRIBUTE_ADDED']);
    expect(found[0]!.path).toBe('#/required/id');
    expect(backward(required, optional)).toEqual([]);
    expect(backward(optional, object({ id: { type: 'string', default: 'x' } }, { required: ['id'] }))).toEqual([]);
  });

  it('additionalProperties: closing an open model breaks, opening a closed one is fine', () => {
    expect(backward(object({ id: { type: 'string' } }), closed({ id: { type: 'string' } }))).toEqual(['ADDITIONAL_PROPERTIES_REMOVED']);
    expect(backward(closed({ id: { type: 'string' } }), object({ id: { type: 'string' } }))).toEqual([]);
    expect(backward(object({ id: { type: 'string' } }), object({ id: { type: 'string' } }, { additionalProperties: { type: 'string' } }))).toEqual(['ADDITIONAL_PROPERTIES_NARROWED']);
  });

  it('a change deep inside is reported at its path', () => {
    const v1 = object({ customer: object({ age: { type: 'integer' } }) });
    const found = breaking('JSON', v1, object({ customer: object({ age: { type: 'string' } }) }));
    expect(found.map((f) => `${f.errorType} ${f.path}`)).toEqual(['TYPE_CHANGED #/properties/customer/properties/age']);
  });
});

describe('JSON Schema: types', () => {
  it('integer -> number widens, number -> integer narrows', () => {
    expect(backward({ type: 'integer' }, { type: 'number' })).toEqual([]);
    expect(backward({ type: 'number' }, { type: 'integer' })).toEqual(['TYPE_NARROWED']);
  });

  it('a different type breaks', () => {
    expect(backward({ type: 'string' }, { type: 'number' })).toEqual(['TYPE_CHANGED']);
    expect(backward({ type: 'object' }, { type: 'array' })).toEqual(['TYPE_CHANGED']);
  });

  it('adding a type to a list of types widens; removing one breaks', () => {
    expect(backward({ type: 'string' }, { type: ['string', 'null'] })).toEqual([]);
    expect(backward({ type: ['string', 'null'] }, { type: ['string', 'null', 'number'] })).toEqual([]);
    expect(backward({ type: ['string', 'null'] }, { type: 'string' })).toEqual(['TYPE_CHANGED']);
    expect(backward({ type: ['string', 'null', 'number'] }, { type: ['string', 'null'] })).toEqual(['SUM_TYPE_NARROWED']);
  });

  it('anything is compatible with an empty schema reader, a false writer with anything', () => {
    expect(backward({ type: 'string' }, {})).toEqual([]);
    expect(backward({ type: 'string' }, true)).toEqual([]);
    expect(backward(false, { type: 'string' })).toEqual([]);
  });

  it('enums may grow, not shrink', () => {
    expect(backward({ enum: ['a', 'b'] }, { enum: ['a', 'b', 'c'] })).toEqual([]);
    expect(backward({ enum: ['a', 'b'] }, { enum: ['a'] })).toEqual(['ENUM_ARRAY_NARROWED']);
    expect(backward({ enum: ['a', 'b'] }, { enum: ['a', 'c'] })).toEqual(['ENUM_ARRAY_CHANGED']);
    expect(forward({ enum: ['a', 'b'] }, { enum: ['a', 'b', 'c'] })).toEqual(['ENUM_ARRAY_NARROWED']);
  });
});

describe('JSON Schema: bounds', () => {
  it('strings', () => {
    expect(backward({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 20 })).toEqual([]);
    expect(backward({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 })).toEqual(['MAX_LENGTH_DECREASED']);
    expect(backward({ type: 'string' }, { type: 'string', maxLength: 5 })).toEqual(['MAX_LENGTH_ADDED']);
    expect(backward({ type: 'string', minLength: 2 }, { type: 'string', minLength: 3 })).toEqual(['MIN_LENGTH_INCREASED']);
    expect(backward({ type: 'string', minLength: 2 }, { type: 'string' })).toEqual([]);
    expect(backward({ type: 'string' }, { type: 'string', pattern: '^a' })).toEqual(['PATTERN_ADDED']);
    expect(backward({ type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' })).toEqual(['PATTERN_CHANGED']);
    expect(backward({ type: 'string', pattern: '^a' }, { type: 'string' })).toEqual([]);
  });

  it('numbers', () => {
    expect(backward({ type: 'number', maximum: 10 }, { type: 'number', maximum: 100 })).toEqual([]);
    expect(backward({ type: 'number', maximum: 10 }, { type: 'number', maximum: 1 })).toEqual(['MAXIMUM_DECREASED']);
    expect(backward({ type: 'number', minimum: 0 }, { type: 'number', minimum: 1 })).toEqual(['MINIMUM_INCREASED']);
    expect(backward({ type: 'number' }, { type: 'number', exclusiveMinimum: 0 })).toEqual(['EXCLUSIVE_MINIMUM_ADDED']);
    expect(backward({ type: 'integer', multipleOf: 4 }, { type: 'integer', multipleOf: 2 })).toEqual([]);
    expect(backward({ type: 'integer', multipleOf: 2 }, { type: 'integer', multipleOf: 4 })).toEqual(['MULTIPLE_OF_EXPANDED']);
  });

  it('arrays', () => {
    const array = (extra: Record<string, unknown>) => ({ type: 'array', items: { type: 'string' }, ...extra });
    expect(backward(array({ maxItems: 3 }), array({ maxItems: 5 }))).toEqual([]);
    expect(backward(array({}), array({ maxItems: 5 }))).toEqual(['MAX_ITEMS_ADDED']);
    expect(backward(array({ minItems: 1 }), array({ minItems: 2 }))).toEqual(['MIN_ITEMS_INCREASED']);
    expect(backward(array({}), array({ uniqueItems: true }))).toEqual(['UNIQUE_ITEMS_ADDED']);
    expect(backward(array({ uniqueItems: true }), array({}))).toEqual([]);
    const found = breaking('JSON', array({}), { type: 'array', items: { type: 'number' } });
    expect(found.map((f) => `${f.errorType} ${f.path}`)).toEqual(['TYPE_CHANGED #/items']);
  });

  it('tuples', () => {
    const tuple = (items: unknown[], additionalItems?: unknown) => ({ type: 'array', items, ...(additionalItems === undefined ? {} : { additionalItems }) });
    expect(backward(tuple([{ type: 'string' }], false), tuple([{ type: 'string' }, { type: 'number' }], false))).toEqual([]);
    expect(backward(tuple([{ type: 'string' }]), tuple([{ type: 'string' }, { type: 'number' }]))).toEqual(['ITEM_ADDED_TO_OPEN_CONTENT_MODEL']);
    expect(backward(tuple([{ type: 'string' }, { type: 'number' }], false), tuple([{ type: 'string' }], false))).toEqual(['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL']);
  });
});

describe('JSON Schema: combined types and references', () => {
  it('oneOf / anyOf may gain alternatives, not lose them', () => {
    const one = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    const more = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] };
    expect(backward(one, more)).toEqual([]);
    expect(backward(more, one)).toEqual(['SUM_TYPE_NARROWED']);
    expect(backward(one, { oneOf: [{ type: 'string' }, { type: 'boolean' }] })).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED']);
  });

  it('allOf may lose constraints, not gain them; oneOf -> anyOf widens', () => {
    const two = { allOf: [{ type: 'string' }, { maxLength: 5 }] };
    const one = { allOf: [{ type: 'string' }] };
    expect(backward(two, one)).toEqual([]);
    expect(backward(one, two)).toEqual(['PRODUCT_TYPE_EXTENDED']);
    expect(backward({ oneOf: [{ type: 'string' }] }, { anyOf: [{ type: 'string' }] })).toEqual([]);
    expect(backward({ anyOf: [{ type: 'string' }] }, { allOf: [{ type: 'string' }] })).toEqual(['COMBINED_TYPE_CHANGED']);
  });

  it('a plain schema may become one alternative of a oneOf', () => {
    expect(backward({ type: 'string' }, { oneOf: [{ type: 'string' }, { type: 'null' }] })).toEqual([]);
  });

  it('follows local $refs, and changes behind them count', () => {
    const schema = (ageType: string) => ({
      type: 'object',
      properties: { customer: { $ref: '#/definitions/Customer' } },
      definitions: { Customer: { type: 'object', properties: { age: { type: ageType } } } },
    });
    expect(backward(schema('integer'), schema('number'))).toEqual([]);
    expect(backward(schema('integer'), schema('string'))).toEqual(['TYPE_CHANGED']);
  });

  it('handles recursive schemas', () => {
    const tree = (valueType: string) => ({
      $defs: { node: { type: 'object', properties: { value: { type: valueType }, children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      $ref: '#/$defs/node',
    });
    expect(backward(tree('integer'), tree('integer'))).toEqual([]);
    expect(backward(tree('integer'), tree('number'))).toEqual([]);
    expect(backward(tree('integer'), tree('string'))).toEqual(['TYPE_CHANGED']);
  });
});

describe('JSON Schema: parsing', () => {
  const parse = (text: string) => parseSchema('JSON', text, [], defaultRegistryLimits);

  it('stores compact JSON', () => {
    expect(parse('{ "type" : "object",\n "properties": { "a": {"type":"string"} } }').canonical).toBe('{"type":"object","properties":{"a":{"type":"string"}}}');
    expect(parse('true').canonical).toBe('true');
  });

  it('refuses what is not a schema', async () => {
    await expectCode(() => parse('{"type": "strin"}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('{"type": "object", "properties": 3}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('{"required": "a"}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('{"$ref": "#/definitions/missing"}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('{"$ref": "other.json"}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('{"type": "string", "pattern": "("}'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('[1, 2]'), 'REGISTRY_INVALID_SCHEMA');
    await expectCode(() => parse('{not json'), 'REGISTRY_INVALID_SCHEMA');
  });
});
