import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  mapType,
  structType,
} from '../../../../engine/types/index.js';
import { call, dec, decType, errorOf } from './helpers.js';

describe('IS_JSON_STRING (is_json_string.json)', () => {
  it.each([
    ['1', true],
    ['[1, 2, 3]', true],
    ['"abc"', true],
    ['abc', false],
    ['', false],
    ['   ', false],
    ['{"a": 1} trailing', true],
    ['123abc', false],
    ['01', false],
    ['{"a": NaN}', false],
    ['[1,]', false],
    ['null', true],
  ])('%j → %s', (text, expected) => {
    expect(call('IS_JSON_STRING', [STRING], [text])).toBe(expected);
  });

  it('is false for NULL', () => {
    expect(call('IS_JSON_STRING', [STRING], [null])).toBe(false);
  });
});

describe('JSON_ARRAY_CONTAINS (json_array_contains.json)', () => {
  it('compares by JSON token type', () => {
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['["Pink", "Yellow", "Pink"]', 'Pink'])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['["Red", "Green"]', 'Pink'])).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['["Pink", null]', 'Pink'])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, INTEGER], ['[1, 2, 3]', 2])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, BIGINT], ['[1.0, 2]', 1])).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, DOUBLE], ['[1.0, 2]', 1])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, DOUBLE], ['[1, 2]', 1])).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, decType(2, 1)], ['[1.5]', dec('1.5')])).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, BOOLEAN], ['[true]', true])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['[[1], {"a": "x"}, null]', null])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['{"a": "x"}', 'x'])).toBe(false);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['["x", oops', 'x'])).toBe(true);
    expect(call('JSON_ARRAY_CONTAINS', [STRING, STRING], ['[oops, "x"]', 'x'])).toBe(false);
  });
});

describe('JSON_ARRAY_LENGTH, JSON_KEYS, JSON_RECORDS, JSON_ITEMS', () => {
  it('JSON_ARRAY_LENGTH', () => {
    expect(call('JSON_ARRAY_LENGTH', [STRING], ['[1, [2], {}]'])).toBe(3);
    expect(call('JSON_ARRAY_LENGTH', [STRING], ['{}'])).toBeNull();
    expect(call('JSON_ARRAY_LENGTH', [STRING], [''])).toBeNull();
    expect(call('JSON_ARRAY_LENGTH', [STRING], [null])).toBeNull();
    expect(errorOf(() => call('JSON_ARRAY_LENGTH', [STRING], ['[1,']))).toBe('Invalid JSON format:[1,');
  });

  it('JSON_KEYS (json_keys.json)', () => {
    expect(call('JSON_KEYS', [STRING], ['{"Red": 3, "Green": 5}'])).toEqual(['Red', 'Green']);
    expect(call('JSON_KEYS', [STRING], ['{}'])).toEqual([]);
    expect(call('JSON_KEYS', [STRING], ['{"2": 1, "1": 2}'])).toEqual(['2', '1']);
    expect(call('JSON_KEYS', [STRING], ['[1]'])).toBeNull();
  });

  it('JSON_RECORDS (json_records.json)', () => {
    expect(call('JSON_RECORDS', [STRING], ['{"Red": 3, "Green": 5}'])).toEqual(new Map([['Red', '3'], ['Green', '5']]));
    expect(call('JSON_RECORDS', [STRING], ['{"White": "Seven", "n": null, "o": {"a": [1, 2.50]}}'])).toEqual(
      new Map([['White', 'Seven'], ['n', 'null'], ['o', '{"a":[1,2.50]}']]),
    );
    expect(call('JSON_RECORDS', [STRING], ['{}'])).toEqual(new Map());
    expect(call('JSON_RECORDS', [STRING], ['"x"'])).toBeNull();
  });

  it('JSON_ITEMS', () => {
    expect(call('JSON_ITEMS', [STRING], ['[{"type": "A"}, 1, "x", null]'])).toEqual(['{"type":"A"}', '1', '"x"', 'null']);
    expect(call('JSON_ITEMS', [STRING], ['[]'])).toEqual([]);
    expect(errorOf(() => call('JSON_ITEMS', [STRING], ['{}']))).toContain('Invalid JSON format');
  });
});

describe('JSON_CONCAT (json_concat.json)', () => {
  it.each([
    ['{"a": 1}', '{"b": 2}', '{"a":1,"b":2}'],
    ['{}', '{}', '{}'],
    ['{"a": {"5": 6}}', '{"a": {"3": 4}}', '{"a":{"3":4}}'],
    ['[1, 2]', '[3, 4]', '[1,2,3,4]'],
    ['null', 'null', '[null,null]'],
    ['[1, 2]', '{"a": 1}', '[1,2,{"a":1}]'],
    ['[1, [2]]', '[[[3]], [[[4]]]]', '[1,[2],[[3]],[[[4]]]]'],
    ['1', '', null],
    ['', '', null],
    [null, '', null],
  ])('%j || %j', (a, b, expected) => {
    expect(call('JSON_CONCAT', [STRING, STRING], [a, b])).toBe(expected);
  });

  it('takes three arguments', () => {
    expect(call('JSON_CONCAT', [STRING, STRING, STRING], ['[1, 2]', '{"a": 1}', '4'])).toBe('[1,2,{"a":1},4]');
    expect(call('JSON_CONCAT', [STRING, STRING, STRING], ['{"a": {"5": 6}}', '{"a": {"3": 4}}', '{"a": {"7": 8}}'])).toBe('{"a":{"7":8}}');
  });
});

describe('EXTRACTJSONFIELD (extract-json-field.json)', () => {
  const S2 = [STRING, STRING];
  it('extracts values by JSONPath', () => {
    const source = '{"name": "cdc", "version": "1", "@type": "UDF"}';
    expect(call('EXTRACTJSONFIELD', S2, [source, '$.name'])).toBe('cdc');
    expect(call('EXTRACTJSONFIELD', S2, [source, '$.@type'])).toBe('UDF');
    expect(call('EXTRACTJSONFIELD', S2, ['{"name": "cdd"}}', '$.name'])).toBe('cdd');
    expect(call('EXTRACTJSONFIELD', S2, ['{"array": [1, 2, 3]}', '$.array[0]'])).toBe('1');
    expect(call('EXTRACTJSONFIELD', S2, ['{"array": [1.23450]}', '$.array[0]'])).toBe('1.23450');
    expect(call('EXTRACTJSONFIELD', S2, ['{"a": {"b c": [true, {"d": null}]}}', '$.a["b c"][1]'])).toBe('{"d":null}');
    expect(call('EXTRACTJSONFIELD', S2, ['{"a": {"b": null}}', '$.a.b'])).toBe('null');
    expect(call('EXTRACTJSONFIELD', S2, ['{"a": 1e5}', '$.a'])).toBe('1E+5');
    expect(call('EXTRACTJSONFIELD', S2, ['{"a": 1}', '$.missing'])).toBeNull();
    expect(call('EXTRACTJSONFIELD', S2, ['{"a": 1}', '$.a.b'])).toBeNull();
    expect(call('EXTRACTJSONFIELD', S2, [null, '$.a'])).toBeNull();
  });

  it('rejects invalid paths and JSON', () => {
    expect(errorOf(() => call('EXTRACTJSONFIELD', S2, ['{}', 'a.b']))).toBe("Invalid JSON path: 'a.b'");
    expect(errorOf(() => call('EXTRACTJSONFIELD', S2, ['{}', '$..b']))).toBe("Invalid JSON path: '$..b'");
    // a negative subscript is not a valid path token: the call fails (the column becomes NULL)
    expect(errorOf(() => call('EXTRACTJSONFIELD', S2, ['{"array": [1, 2, 3]}', '$.array[-1]']))).toBe("Invalid JSON path: '$.array[-1]'");
    expect(errorOf(() => call('EXTRACTJSONFIELD', S2, ['{x', '$.b']))).toBe('Invalid JSON format:{x');
  });
});

describe('TO_JSON_STRING (to_json_string.json)', () => {
  it('prints each type as Jackson does', () => {
    expect(call('TO_JSON_STRING', [INTEGER], [1])).toBe('1');
    expect(call('TO_JSON_STRING', [INTEGER], [null])).toBe('null');
    expect(call('TO_JSON_STRING', [STRING], ['abc'])).toBe('"abc"');
    expect(call('TO_JSON_STRING', [STRING], ['a"b\\c\n\u0001'])).toBe('"a\\"b\\\\c\\n\\u0001"');
    expect(call('TO_JSON_STRING', [BOOLEAN], [true])).toBe('true');
    expect(call('TO_JSON_STRING', [BIGINT], [123])).toBe('123');
    expect(call('TO_JSON_STRING', [DOUBLE], [123.456])).toBe('123.456');
    expect(call('TO_JSON_STRING', [DOUBLE], [1])).toBe('1.0');
    expect(call('TO_JSON_STRING', [DOUBLE], [NaN])).toBe('"NaN"');
    expect(call('TO_JSON_STRING', [decType(6, 3)], [dec('123.456')])).toBe('123.456');
    expect(call('TO_JSON_STRING', [BYTES], [Buffer.from('IQ==', 'base64')])).toBe('"IQ=="');
    expect(call('TO_JSON_STRING', [TIME], [60220000])).toBe('"16:43:40"');
    expect(call('TO_JSON_STRING', [DATE], [1000])).toBe('"1972-09-27"');
    expect(call('TO_JSON_STRING', [TIMESTAMP], [60220000000])).toBe('"1971-11-28T23:46:40.000"');
    expect(call('TO_JSON_STRING', [arrayType(INTEGER)], [[1, 2, 3]])).toBe('[1,2,3]');
  });

  it('sorts struct fields and map keys', () => {
    const struct = structType([
      { name: 'NAME', type: STRING },
      { name: 'ID', type: INTEGER },
    ]);
    expect(call('TO_JSON_STRING', [struct], [{ NAME: 'Alice', ID: 1 }])).toBe('{"ID":1,"NAME":"Alice"}');
    expect(call('TO_JSON_STRING', [mapType(STRING, arrayType(DOUBLE))], [new Map([['b', [1]], ['a', null]])])).toBe('{"a":null,"b":[1.0]}');
  });
});
