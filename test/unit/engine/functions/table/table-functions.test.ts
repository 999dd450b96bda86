import { describe, expect, it } from 'vitest';
import {
  CUBE_MAX_COLUMNS,
  builtinTableFunctions,
  cubeCombinations,
  describeTableFunction,
  registerTableFunctions,
  registerTestTableFunctions,
  resolveTableFunctionCall,
  tableFunctionWithAggregationError,
  tableFunctionWithTableSourceError,
  testTableFunctions,
  type TableFunction,
} from '../../../../../engine/functions/table/index.js';
import type { FunctionArgument } from '../../../../../engine/functions/index.js';
import { FlatMapOperator, makeRecord, type TableFunctionLookup } from '../../../../../engine/operators/index.js';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  STRING,
  Decimal,
  arrayType,
  decimalType,
  mapType,
  structType,
} from '../../../../../engine/types/index.js';
import { testFunctions, v } from '../../expressions/exprs.js';
import { testProcessingLog } from '../../operators/helpers.js';

const all = new Map<string, TableFunction>();
for (const f of [...builtinTableFunctions, ...testTableFunctions]) all.set(f.name, f);

function resolve(name: string, args: readonly FunctionArgument[]) {
  return resolveTableFunctionCall(all.get(name)!, args);
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('registration', () => {
  it('registers EXPLODE and CUBE_EXPLODE; the test UDTFs separately', () => {
    const names: string[] = [];
    registerTableFunctions({ registerTable: (f) => names.push(f.name) });
    expect(names).toEqual(['EXPLODE', 'CUBE_EXPLODE']);
    const testNames: string[] = [];
    registerTestTableFunctions({ registerTable: (f) => testNames.push(f.name) });
    expect(testNames).toEqual(['TEST_UDTF', 'THROWING_UDTF']);
  });

  it('describes table functions', () => {
    const d = describeTableFunction(all.get('EXPLODE')!);
    expect(d.type).toBe('TABLE');
    expect(d.category).toBe('TABLE');
    expect(d.functions.map((f) => [f.arguments.map((a) => `${a.type} ${a.name}`), f.returnType])).toEqual([
      [['ARRAY<DECIMAL> input'], 'DECIMAL'],
      [['ARRAY<T> list'], 'T'],
    ]);
  });
});

describe('EXPLODE', () => {
  it('returns the element type; decimals keep precision and scale', () => {
    expect(resolve('EXPLODE', [arrayType(BIGINT)]).returnType).toEqual(BIGINT);
    expect(resolve('EXPLODE', [arrayType(structType([{ name: 'F1', type: BIGINT }]))]).returnType).toEqual(structType([{ name: 'F1', type: BIGINT }]));
    const d = resolve('EXPLODE', [arrayType(decimalType(20, 10))]);
    expect(d.returnType).toEqual(decimalType(20, 10));
    expect(d.overloadIndex).toBe(0);
  });

  it('rejects a map with ksqlDB\'s message (corpus explode.json)', () => {
    expect(errorOf(() => resolve('EXPLODE', [mapType(STRING, INTEGER)]))).toContain(
      "Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)",
    );
  });

  it('produces each element; a null array produces nothing', () => {
    const call = resolve('EXPLODE', [arrayType(BIGINT)]);
    expect(call.implementation([1, 2])).toEqual([1, 2]);
    expect(call.implementation([5, null])).toEqual([5, null]);
    expect(call.implementation([])).toEqual([]);
    expect(call.implementation(null)).toEqual([]);
    expect(call.needsContext).toBe(false);
  });
});

describe('CUBE_EXPLODE', () => {
  it('produces every combination, left-out columns null', () => {
    expect(resolve('CUBE_EXPLODE', [arrayType(STRING)]).returnType).toEqual(arrayType(STRING));
    expect(cubeCombinations(['a', 'b'])).toEqual([
      [null, null],
      [null, 'b'],
      ['a', null],
      ['a', 'b'],
    ]);
    expect(cubeCombinations([1, 2, 3])).toHaveLength(8);
    expect(cubeCombinations([])).toEqual([[]]);
    expect(cubeCombinations(null)).toEqual([]);
  });

  it('skips duplicate rows for null columns', () => {
    expect(cubeCombinations(['a', null])).toEqual([
      [null, null],
      ['a', null],
    ]);
    expect(cubeCombinations([null, null])).toEqual([[null, null]]);
  });

  it('caps the number of columns', () => {
    expect(cubeCombinations(new Array(CUBE_MAX_COLUMNS).fill(null))).toHaveLength(1);
    expect(errorOf(() => cubeCombinations(new Array(CUBE_MAX_COLUMNS + 1).fill(1)))).toBe('cube_explode: too many columns (21); max is 20');
  });
});

describe('resolution with implicit casts', () => {
  it('casts arguments as the UDTF index allows', () => {
    const call = resolve('TEST_UDTF', [INTEGER, INTEGER, DOUBLE, BOOLEAN, STRING, decimalType(20, 10), structType([{ name: 'A', type: STRING }])]);
    expect(call.returnType).toEqual(STRING);
    expect(call.arguments[1]).toEqual({ type: INTEGER, expectedType: BIGINT, needsCast: true });
    expect(call.arguments[0]!.needsCast).toBe(false);
  });

  it('words the analyzer errors as ksqlDB', () => {
    expect(tableFunctionWithTableSourceError().message).toBe('Table source is not supported with table functions');
    expect(tableFunctionWithAggregationError().message).toBe('Table functions cannot be used with aggregations.');
  });
});

describe('test-only UDTFs (corpus table-functions.json)', () => {
  const struct = structType([{ name: 'A', type: STRING }]);

  it('TEST_UDTF prints each argument as Java would', () => {
    const call = resolve('TEST_UDTF', [INTEGER, BIGINT, DOUBLE, BOOLEAN, STRING, decimalType(20, 10), struct]);
    const bd = new Decimal(1234560000000n, 10);
    expect(call.implementation(1, 2, 3.1, true, 'foo', bd, { A: 'bar' })).toEqual(['1', '2', '3.1', 'true', 'foo', '123.4560000000', 'Struct{A=bar}']);
    const lists = resolve('TEST_UDTF', [
      arrayType(INTEGER),
      arrayType(BIGINT),
      arrayType(DOUBLE),
      arrayType(BOOLEAN),
      arrayType(STRING),
      arrayType(decimalType(20, 10)),
      arrayType(struct),
    ]);
    expect(lists.implementation([1], [2], [3.1], [true], ['foo'], [bd], [{ A: 'bar' }])).toEqual(['1', '2', '3.1', 'true', 'foo', '123.4560000000', 'Struct{A=bar}']);
    const maps = resolve('TEST_UDTF', [
      mapType(STRING, INTEGER),
      mapType(STRING, BIGINT),
      mapType(STRING, DOUBLE),
      mapType(STRING, BOOLEAN),
      mapType(STRING, STRING),
      mapType(STRING, decimalType(20, 10)),
      mapType(STRING, struct),
    ]);
    const m = (value: unknown): Map<string, unknown> => new Map([['k', value]]);
    expect(maps.implementation(m(1), m(2), m(3.1), m(true), m('foo'), m(bd), m({ A: 'bar' }))[5]).toBe('123.4560000000');
  });

  it('TEST_UDTF returns single arguments with their types', () => {
    expect(resolve('TEST_UDTF', [INTEGER]).returnType).toEqual(INTEGER);
    expect(resolve('TEST_UDTF', [INTEGER]).implementation(10)).toEqual([10]);
    expect(resolve('TEST_UDTF', [decimalType(20, 10)]).returnType).toEqual(decimalType(30, 10));
    expect(resolve('TEST_UDTF', [struct]).returnType).toEqual(struct);
    expect(errorOf(() => resolve('TEST_UDTF', [INTEGER]).implementation(null))).toContain('NullPointerException');
  });

  it('THROWING_UDTF throws when asked', () => {
    const call = resolve('THROWING_UDTF', [BOOLEAN]);
    expect(call.implementation(false)).toEqual([false]);
    expect(errorOf(() => call.implementation(true))).toBe('You asked me to throw...');
  });
});

describe('with the flat-map operator', () => {
  it('satisfies the operators\' TableFunction contract; functions zip to the longest list', () => {
    const lookup: TableFunctionLookup = { getTable: (name) => all.get(name.toUpperCase()) };
    const { log } = testProcessingLog();
    const options = { functions: testFunctions(), functionContext: { nowMs: () => 0, properties: {} } };
    const first = resolve('EXPLODE', [arrayType(BIGINT)]);
    const second = resolve('CUBE_EXPLODE', [arrayType(STRING)]);
    const flatMap = new FlatMapOperator(
      [],
      [
        { functionName: 'explode', overloadIndex: first.overloadIndex, args: [v(0, arrayType(BIGINT))], resultType: first.returnType },
        { functionName: 'CUBE_EXPLODE', overloadIndex: second.overloadIndex, args: [v(1, arrayType(STRING))], resultType: second.returnType },
      ],
      lookup,
      options,
      log.forStep('FlatMap'),
    );
    const out = flatMap.process([makeRecord(['k'], [[1, 2, 3], ['x']]), makeRecord(['j'], [null, null])]);
    expect(out.map((r) => r.value)).toEqual([
      [1, [null]],
      [2, ['x']],
      [3, null],
    ]);
  });
});
