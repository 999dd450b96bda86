import { describe, expect, it } from 'vitest';
import {
  builtinAggregateFunctions,
  createAggregator,
  describeAggregate,
  initArgumentCount,
  literalArgumentError,
  nestedAggregateError,
  registerAggregateFunctions,
  registerTestAggregateFunctions,
  tableAggregationError,
  testAggregateFunctions,
  type AggregateFunction,
} from '../../../../../engine/functions/aggregate/index.js';
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
  decimalType,
  mapType,
  structType,
} from '../../../../../engine/types/index.js';
import { createFunctionRegistry } from '../../../../../engine/functions/index.js';
import { builtinTableFunctions, testTableFunctions } from '../../../../../engine/functions/table/index.js';
import { errorOf, fn, make, resolve } from './helpers.js';

describe('registration', () => {
  it('registers every UDAF in ksqlDB, each name once', () => {
    const names: string[] = [];
    registerAggregateFunctions({ registerAggregate: (f) => names.push(f.name) });
    expect(names.sort()).toEqual(
      [
        'ATTR',
        'AVG',
        'COLLECT_LIST',
        'COLLECT_SET',
        'CORRELATION',
        'COUNT',
        'COUNT_DISTINCT',
        'EARLIEST_BY_OFFSET',
        'HISTOGRAM',
        'LATEST_BY_OFFSET',
        'MAX',
        'MIN',
        'STDDEV_SAMP',
        'STDDEV_SAMPLE',
        'SUM',
        'SUM_LIST',
        'TOPK',
        'TOPKDISTINCT',
      ].sort(),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const f of builtinAggregateFunctions) {
      expect(f.category).toBe('AGGREGATE');
      expect(f.name).toBe(f.name.toUpperCase());
    }
  });

  it('registers the test-only UDAFs separately', () => {
    const names: string[] = [];
    registerTestAggregateFunctions({ registerAggregate: (f) => names.push(f.name) });
    expect(names).toEqual(testAggregateFunctions.map((f) => f.name));
    expect(names).toContain('TEST_UDAF');
    expect(names.some((n) => builtinAggregateFunctions.some((b) => b.name === n))).toBe(false);
  });

  it('uses no name a scalar function already has', () => {
    const registry = createFunctionRegistry();
    const names = [...builtinAggregateFunctions, ...testAggregateFunctions, ...builtinTableFunctions, ...testTableFunctions].map((f) => f.name);
    expect(names.filter((n) => registry.isScalar(n))).toEqual([]);
    expect(builtinAggregateFunctions.every((f) => registry.isAggregate(f.name))).toBe(true);
    expect(builtinTableFunctions.every((f) => registry.isTable(f.name))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('declares column parameters val1, val2... then init parameters by name', () => {
    for (const f of [...builtinAggregateFunctions, ...testAggregateFunctions]) {
      for (const o of f.overloads) {
        expect(o.paramNames.length).toBe(o.params.length);
        for (let i = 0; i < o.columnParams; i++) expect(o.paramNames[i]).toBe(`val${i + 1}`);
        expect(o.columnParams).toBeGreaterThan(0);
      }
    }
  });
});

describe('resolution', () => {
  it('picks the overload by exact type and never casts implicitly', () => {
    expect(resolve('SUM', [INTEGER]).instantiate([]).returnType).toEqual(INTEGER);
    expect(resolve('SUM', [BIGINT]).instantiate([]).returnType).toEqual(BIGINT);
    expect(resolve('SUM', [DOUBLE]).instantiate([]).returnType).toEqual(DOUBLE);
    expect(resolve('SUM', [decimalType(4, 1)]).instantiate([]).returnType).toEqual(decimalType(4, 1));
    // CORRELATION(INT, BIGINT) would need a cast: UDAFs take none
    expect(errorOf(() => resolve('CORRELATION', [INTEGER, BIGINT]))).toContain(
      "Function 'correlation' does not accept parameters (INTEGER, BIGINT).",
    );
    expect(errorOf(() => resolve('AVG', [decimalType(4, 2)]))).toContain("Function 'avg' does not accept parameters (DECIMAL(4, 2)).");
    expect(errorOf(() => resolve('SUM', [STRING]))).toContain('Valid alternatives are:\nSUM(DECIMAL val1)\nSUM(DOUBLE val1)\nSUM(BIGINT val1)\nSUM(INT val1)');
  });

  it('lists TOPK signatures with the variadic other columns before k', () => {
    const message = errorOf(() => resolve('TOPK', [BOOLEAN, INTEGER]));
    expect(message).toContain("Function 'TOPK' does not accept parameters (BOOLEAN, INTEGER).");
    expect(message).toContain('TOPK(INT val1, ANY... val2, INT k)');
    expect(message).toContain('For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;');
  });

  it('splits column and init arguments', () => {
    const topk = resolve('TOPK', [INTEGER, STRING, DOUBLE, INTEGER]);
    expect(topk.columnArgumentCount).toBe(3);
    expect(topk.initArgumentCount).toBe(1);
    expect(topk.columnTypes).toEqual([INTEGER, STRING, DOUBLE]);
    const plain = resolve('TOPK', [BIGINT, INTEGER]);
    expect([plain.columnArgumentCount, plain.initArgumentCount]).toEqual([1, 1]);
    const earliest = resolve('EARLIEST_BY_OFFSET', [STRING, INTEGER, BOOLEAN]);
    expect([earliest.columnArgumentCount, earliest.initArgumentCount]).toEqual([1, 2]);
    expect(earliest.overload.paramNames).toEqual(['val1', 'earliestN', 'ignoreNulls']);
    // a variadic init parameter takes everything after the columns
    const multi = resolve('MULTI_ARG', [BIGINT, STRING, INTEGER, STRING, STRING, STRING]);
    expect([multi.columnArgumentCount, multi.initArgumentCount]).toEqual([2, 4]);
    expect(initArgumentCount(multi.overload, 3)).toBe(1);
    // a variadic column parameter before fixed init parameters
    const mid = resolve('MID_VAR_ARG', [BIGINT, STRING, STRING, INTEGER, INTEGER]);
    expect([mid.columnArgumentCount, mid.initArgumentCount]).toEqual([3, 2]);
    const midNone = resolve('MID_VAR_ARG', [BIGINT, INTEGER, INTEGER]);
    expect([midNone.columnArgumentCount, midNone.initArgumentCount]).toEqual([1, 2]);
  });

  it('reports the corpus errors for multi-argument and variadic UDAFs', () => {
    expect(errorOf(() => resolve('MULTI_ARG', [BIGINT, STRING]))).toContain("Function 'MULTI_ARG' does not accept parameters (BIGINT, STRING).");
    expect(errorOf(() => resolve('MULTI_ARG', [STRING, INTEGER, STRING, STRING, STRING]))).toContain(
      "Function 'MULTI_ARG' does not accept parameters (STRING, INTEGER, STRING, STRING, STRING).",
    );
    expect(errorOf(() => resolve('VAR_ARG', [STRING, STRING]))).toContain("Function 'VAR_ARG' does not accept parameters (STRING, STRING).");
    expect(errorOf(() => resolve('VAR_ARG', [BIGINT, INTEGER]))).toContain("Function 'VAR_ARG' does not accept parameters (BIGINT, INTEGER).");
    expect(errorOf(() => resolve('MID_VAR_ARG', [BIGINT, STRING, STRING, INTEGER]))).toContain(
      "Function 'MID_VAR_ARG' does not accept parameters (BIGINT, STRING, STRING, INTEGER).",
    );
    expect(errorOf(() => resolve('MID_VAR_ARG', [BIGINT, INTEGER, INTEGER, INTEGER]))).toContain(
      "Function 'MID_VAR_ARG' does not accept parameters (BIGINT, INTEGER, INTEGER, INTEGER).",
    );
    expect(errorOf(() => resolve('GENERIC_VAR_ARG', [decimalType(5, 1), INTEGER, DOUBLE, STRING, DOUBLE]))).toContain(
      "Function 'GENERIC_VAR_ARG' does not accept parameters (DECIMAL(5, 1), INTEGER, DOUBLE, STRING, DOUBLE).",
    );
    expect(resolve('VAR_ARG', [BIGINT]).columnArgumentCount).toBe(1);
    expect(resolve('OBJ_COL_ARG', [INTEGER, BIGINT, BOOLEAN, DOUBLE, structType([{ name: 'A', type: INTEGER }])]).columnArgumentCount).toBe(5);
  });

  it('prefers a concrete overload to a generic one (TEST_UDAF(INT) is the INT sum)', () => {
    const call = resolve('TEST_UDAF', [INTEGER]);
    expect(call.overload.params).toEqual([INTEGER]);
    expect(call.instantiate([]).returnType).toEqual(BIGINT);
    expect(resolve('TEST_UDAF', [STRING, STRING]).overload.paramNames).toEqual(['val1', 'initialString']);
  });

  it('accepts an untyped NULL and gives it the parameter type when it has one', () => {
    const call = resolve('HISTOGRAM', [null]);
    expect(call.columnTypes).toEqual([STRING]);
    expect(errorOf(() => resolve('SUM_LIST', [null]))).toContain("Function 'sum_list' cannot be resolved due to ambiguous method parameters (null).");
    expect(errorOf(() => resolve('COUNT', [null]))).toContain('untyped NULL');
  });

  it('unknown function names are the registry\'s business; unknown init values are the factory\'s', () => {
    expect(errorOf(() => make('EARLIEST_BY_OFFSET', [INTEGER, INTEGER], [0]))).toBe('earliestN must be 1 or greater');
    expect(errorOf(() => make('LATEST_BY_OFFSET', [INTEGER, INTEGER, BOOLEAN], [-1, true]))).toBe('latestN must be 1 or greater');
  });

  it('creates the aggregator a stored plan names', () => {
    const sum = fn('SUM');
    const a = createAggregator(sum, 3, [INTEGER], []);
    expect(a.returnType).toEqual(INTEGER);
    expect(a.functionName).toBe('SUM');
    expect(errorOf(() => createAggregator(sum, 9, [INTEGER], []))).toContain('has no overload 9');
  });
});

describe('state and result types', () => {
  const cases: Array<[string, unknown[], unknown[], unknown, unknown]> = [
    ['COUNT', [STRING], [], BIGINT, BIGINT],
    ['COUNT_DISTINCT', [STRING], [], arrayType(INTEGER), BIGINT],
    ['SUM', [decimalType(6, 2)], [], decimalType(6, 2), decimalType(6, 2)],
    ['SUM_LIST', [arrayType(INTEGER)], [], INTEGER, INTEGER],
    [
      'AVG',
      [INTEGER],
      [],
      structType([
        { name: 'SUM', type: INTEGER },
        { name: 'COUNT', type: BIGINT },
      ]),
      DOUBLE,
    ],
    ['MAX', [BYTES], [], BYTES, BYTES],
    ['MIN', [TIMESTAMP], [], TIMESTAMP, TIMESTAMP],
    ['TOPK', [DOUBLE, INTEGER], [2], arrayType(DOUBLE), arrayType(DOUBLE)],
    [
      'TOPK',
      [INTEGER, STRING, BIGINT, INTEGER],
      [2],
      arrayType(
        structType([
          { name: 'sort_col', type: INTEGER },
          { name: 'col0', type: STRING },
          { name: 'col1', type: BIGINT },
        ]),
      ),
      null,
    ],
    ['TOPKDISTINCT', [DATE, INTEGER], [2], arrayType(DATE), arrayType(DATE)],
    ['COLLECT_LIST', [TIME], [], arrayType(TIME), arrayType(TIME)],
    ['COLLECT_SET', [mapType(STRING, INTEGER)], [], arrayType(mapType(STRING, INTEGER)), arrayType(mapType(STRING, INTEGER))],
    ['HISTOGRAM', [STRING], [], mapType(STRING, BIGINT), mapType(STRING, BIGINT)],
    [
      'EARLIEST_BY_OFFSET',
      [STRING],
      [],
      structType([
        { name: 'SEQ', type: BIGINT },
        { name: 'VAL', type: STRING },
      ]),
      STRING,
    ],
    [
      'LATEST_BY_OFFSET',
      [INTEGER, INTEGER, BOOLEAN],
      [3, false],
      arrayType(
        structType([
          { name: 'SEQ', type: BIGINT },
          { name: 'VAL', type: INTEGER },
        ]),
      ),
      arrayType(INTEGER),
    ],
    [
      'STDDEV_SAMP',
      [BIGINT],
      [],
      structType([
        { name: 'SUM', type: BIGINT },
        { name: 'COUNT', type: BIGINT },
        { name: 'M2', type: DOUBLE },
      ]),
      DOUBLE,
    ],
    ['CORRELATION', [INTEGER, INTEGER], [], null, DOUBLE],
    [
      'ATTR',
      [STRING],
      [],
      arrayType(
        structType([
          { name: 'VALUE', type: STRING },
          { name: 'COUNT', type: INTEGER },
        ]),
      ),
      STRING,
    ],
  ];
  it.each(cases)('%s(%j)', (name, types, init, aggregateType, returnType) => {
    const a = make(name, types as never, init);
    if (aggregateType !== null) expect(a.aggregateType).toEqual(aggregateType);
    if (returnType !== null) expect(a.returnType).toEqual(returnType);
    else expect(a.returnType).toEqual(a.aggregateType);
  });
});

describe('table aggregations', () => {
  it('gives undo exactly to ksqlDB\'s TableUdafs', () => {
    const withUndo = (f: AggregateFunction): boolean[] => f.overloads.map((o) => o.supportsUndo);
    for (const name of ['COUNT', 'SUM', 'SUM_LIST', 'AVG', 'STDDEV_SAMP', 'STDDEV_SAMPLE', 'CORRELATION', 'COLLECT_LIST', 'HISTOGRAM', 'ATTR']) {
      expect(withUndo(fn(name)).every(Boolean)).toBe(true);
    }
    for (const name of ['COUNT_DISTINCT', 'MIN', 'MAX', 'TOPK', 'TOPKDISTINCT', 'COLLECT_SET', 'EARLIEST_BY_OFFSET', 'LATEST_BY_OFFSET']) {
      expect(withUndo(fn(name)).some(Boolean)).toBe(false);
    }
    expect(withUndo(fn('TEST_UDAF'))).toEqual([true, true, false, false, false, false]);
    expect(make('MAX', [INTEGER]).undo).toBeNull();
    expect(make('COUNT', [INTEGER]).undo).not.toBeNull();
  });

  it('words the table-source error as ksqlDB', () => {
    const names = ['LATEST_BY_OFFSET', 'MIN', 'MAX', 'MIN'].map((n) => make(n, [INTEGER]).functionName);
    expect(tableAggregationError(names).message).toBe(
      'The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only to a stream source.',
    );
    expect(tableAggregationError([make('COLLECT_SET', [INTEGER]).functionName]).message).toBe(
      'The aggregation function collect_set cannot be applied to a table source, only to a stream source.',
    );
  });

  it('words the literal and nesting errors as ksqlDB', () => {
    expect(literalArgumentError('TOPK', 2, 'K').message).toBe("Parameter 2 passed to function TOPK must be a literal constant, but was expression: 'K'");
    expect(nestedAggregateError('SUM', 'COUNT').message).toBe('Aggregate functions can not be nested: SUM(COUNT())');
  });
});

describe('describe', () => {
  it('describes overloads with their parameters and declared results', () => {
    const d = describeAggregate(fn('TOPK'));
    expect(d.type).toBe('AGGREGATE');
    expect(d.author).toBe('Confluent');
    expect(d.functions[0]!.arguments.map((a) => [a.name, a.type, a.isVariadic])).toEqual([
      ['val1', 'INT', false],
      ['val2', 'ANY', true],
      ['k', 'INT', false],
    ]);
    expect(describeAggregate(fn('SUM')).functions[0]!.returnType).toBe('DECIMAL');
    expect(describeAggregate(fn('COLLECT_LIST')).functions[0]!.returnType).toBe('ARRAY<T>');
  });
});
