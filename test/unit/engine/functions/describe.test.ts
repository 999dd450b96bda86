import { describe, expect, it } from 'vitest';
import { describeFunction, listFunctions, builtinScalarFunctions } from '../../../../engine/functions/index.js';
import { errorOf, registry } from './helpers.js';

/** Every non-date/time scalar function ksqlDB registers (its @UdfDescription classes). */
const KSQLDB_SCALARS = `ABS ACOS ARRAY_CONCAT ARRAY_CONTAINS ARRAY_DISTINCT ARRAY_EXCEPT ARRAY_INTERSECT ARRAY_JOIN
  ARRAY_LENGTH ARRAY_MAX ARRAY_MIN ARRAY_REMOVE ARRAY_SORT ARRAY_UNION AS_MAP AS_VALUE ASIN ATAN ATAN2
  BIGINT_FROM_BYTES CBRT CEIL CHR COALESCE CONCAT CONCAT_WS COS COSH COT DEGREES DOUBLE_FROM_BYTES ELT ENCODE
  ENTRIES EXP EXTRACTJSONFIELD FIELD FILTER FLOOR FROM_BYTES GENERATE_SERIES GEO_DISTANCE GREATEST IFNULL
  INITCAP INSTR INT_FROM_BYTES IS_JSON_STRING JSON_ARRAY_CONTAINS JSON_ARRAY_LENGTH JSON_CONCAT JSON_ITEMS
  JSON_KEYS JSON_RECORDS LCASE LEAST LEN LN LOG LPAD MAP_KEYS MAP_UNION MAP_VALUES MASK MASK_KEEP_LEFT
  MASK_KEEP_RIGHT MASK_LEFT MASK_RIGHT MD5 NULLIF PI POWER RADIANS RANDOM REDUCE REGEXP_EXTRACT
  REGEXP_EXTRACT_ALL REGEXP_REPLACE REGEXP_SPLIT_TO_ARRAY REPLACE ROUND RPAD SIGN SIN SINH SLICE SPLIT
  SPLIT_TO_MAP SQRT SUBSTRING TAN TANH TO_BYTES TO_JSON_STRING TRANSFORM TRIM TRUNC UCASE URL_DECODE_PARAM
  URL_ENCODE_PARAM URL_EXTRACT_FRAGMENT URL_EXTRACT_HOST URL_EXTRACT_PARAMETER URL_EXTRACT_PATH
  URL_EXTRACT_PORT URL_EXTRACT_PROTOCOL URL_EXTRACT_QUERY UUID`.split(/\s+/).filter((s) => s !== '');

describe('the built-in set', () => {
  it('has every non-date/time scalar function of ksqlDB', () => {
    expect(builtinScalarFunctions.map((f) => f.name).sort()).toEqual([...KSQLDB_SCALARS].sort());
  });

  it('also holds the date/time functions registered by scalar/datetime', () => {
    for (const name of ['DATEADD', 'FORMAT_TIMESTAMP', 'PARSE_DATE', 'UNIX_TIMESTAMP']) expect(registry.isScalar(name)).toBe(true);
  });
});

describe('SHOW FUNCTIONS / DESCRIBE FUNCTION', () => {
  it('lists functions with their kind and category', () => {
    const list = listFunctions(registry);
    expect(list.find((f) => f.name === 'SUBSTRING')).toEqual({ name: 'SUBSTRING', type: 'SCALAR', category: 'STRING' });
    expect(list.find((f) => f.name === 'REGEXP_EXTRACT')?.category).toBe('REGULAR EXPRESSION');
    expect(list.find((f) => f.name === 'GEO_DISTANCE')?.category).toBe('OTHER');
    expect(list.find((f) => f.name === 'COALESCE')?.category).toBe('CONDITIONAL');
  });

  it('describes signatures with declared types', () => {
    const d = describeFunction(registry, 'greatest');
    expect(d).toMatchObject({ name: 'GREATEST', type: 'SCALAR', category: 'MATHEMATICAL', author: 'Confluent', path: 'internal' });
    expect(d.functions[0]).toEqual({
      arguments: [
        { name: 'val', type: 'INT', description: '', isVariadic: false },
        { name: 'vals', type: 'INT', description: '', isVariadic: true },
      ],
      returnType: 'INT',
      description: '',
    });
    expect(d.functions.at(-1)!.returnType).toBe('DECIMAL');
    const transform = describeFunction(registry, 'TRANSFORM');
    expect(transform.functions[0]!.arguments.map((a) => a.type)).toEqual(['ARRAY<T>', 'LAMBDA (T) => R']);
    expect(transform.functions[0]!.returnType).toBe('ARRAY<R>');
    expect(describeFunction(registry, 'ENTRIES').functions[0]!.returnType).toBe('ARRAY<STRUCT<K VARCHAR, V INT>>');
    expect(describeFunction(registry, 'SUBSTRING').functions[0]!.arguments[0]).toEqual({
      name: 'str',
      type: 'VARCHAR',
      description: 'The source string.',
      isVariadic: false,
    });
  });

  it('reports unknown functions', () => {
    expect(errorOf(() => describeFunction(registry, 'nope'))).toBe("Can't find any functions with the name 'nope'");
  });
});
