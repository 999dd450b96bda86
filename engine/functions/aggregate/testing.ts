/**
 * The aggregate functions ksqlDB's test suite loads from its test classpath (TestUdaf,
 * MultiArgUdaf, FourArgUdaf, FiveArgUdaf, VarArgUdaf, MiddleVarArgUdaf, GenericVarArgUdaf,
 * ObjVarColArgUdaf), so the conformance corpus (test-custom-udaf, multi-arg-udaf, variadic-udaf,
 * middle-variadic-udaf, generic-variadic-udaf, obj-var-col-arg-udaf) can run. Not registered by
 * default: the test runner registers them with `registerTestAggregateFunctions`.
 */
import type { AggregateFunction } from './types.js';
import type { AggregatorBody } from './define.js';
import { ANY, BIGINT, CONFLUENT, DOUBLE, INTEGER, STRING, T, arrayOf, columnType, generic, udaf } from './define.js';
import type { SqlType } from './deps.js';
import { SluiceError, arrayType, structType } from './deps.js';
import type { AggregateFunctionRegistrar } from './index.js';

function longSum(type: SqlType, initial: number): AggregatorBody {
  return {
    aggregateType: type,
    returnType: type,
    input: 'value',
    initialize: () => initial,
    aggregate: (value: unknown, state: number) => (value === null || value === undefined ? state : state + (value as number)),
    undo: (value: unknown, state: number) => (value === null || value === undefined ? state : state - (value as number)),
    merge: (a: number, b: number) => a + b,
    map: (state: number) => state,
  };
}

const AB = structType([
  { name: 'A', type: INTEGER },
  { name: 'B', type: INTEGER },
]);

interface Ab {
  A: number | null;
  B: number | null;
}

export const testUdaf: AggregateFunction = udaf({ name: 'TEST_UDAF', declaredName: 'test_udaf', author: CONFLUENT, description: 'test_udaf' }, [
  { columns: [BIGINT], returns: BIGINT, description: 'sums longs', undo: true, build: () => longSum(BIGINT, 0) },
  {
    columns: [INTEGER],
    returns: BIGINT,
    description: 'sums int',
    undo: true,
    build: (init) => {
      const configured = init.properties['ksql.functions.test_udaf.init'];
      return longSum(BIGINT, typeof configured === 'number' ? configured : 0);
    },
  },
  { columns: [DOUBLE], returns: DOUBLE, description: 'sums double', build: () => longSum(DOUBLE, 0) },
  {
    columns: [T],
    returns: T,
    description: 'sums numbers',
    build: (init) => {
      const type = columnType(init);
      if (type.kind === 'DOUBLE' || type.kind === 'INTEGER' || type.kind === 'BIGINT') return longSum(type, 0);
      throw new SluiceError('SQL_ANALYSIS', `Type ${type.kind} is not handled.`);
    },
  },
  {
    columns: [STRING],
    init: [{ type: STRING, name: 'initialString' }],
    returns: BIGINT,
    description: 'sums the length of strings',
    build: (init) => {
      const initial = String(init.initArguments[0] ?? '').length;
      return {
        aggregateType: BIGINT,
        returnType: BIGINT,
        input: 'value',
        initialize: () => initial,
        aggregate: (value: unknown, state: number) => (value === null || value === undefined ? state : state + (value as string).length),
        merge: (a: number, b: number) => a + b,
        map: (state: number) => state,
      };
    },
  },
  {
    columns: [AB],
    returns: AB,
    description: 'returns a struct with {SUM(in->A), SUM(in->B)}',
    build: () => {
      const add = (current: Ab, aggregate: Ab): Ab => {
        aggregate.A = ((current.A ?? 0) + (aggregate.A ?? 0)) | 0;
        aggregate.B = ((current.B ?? 0) + (aggregate.B ?? 0)) | 0;
        return aggregate;
      };
      return {
        aggregateType: AB,
        returnType: AB,
        input: 'value',
        initialize: (): Ab => ({ A: 0, B: 0 }),
        aggregate: (value: unknown, state: Ab) => (value === null || value === undefined ? state : add(value as Ab, state)),
        merge: (a: Ab, b: Ab) => add(a, b),
        map: (state: Ab) => ({ A: state.A, B: state.B }),
      };
    },
  },
]);

/** Sum of the BIGINT column (null as 0) and the lengths of the STRING columns (null as 0). */
function lengthSum(initial: number, finish: (state: number) => number = (s) => s): AggregatorBody {
  return {
    aggregateType: BIGINT,
    returnType: BIGINT,
    input: 'array',
    initialize: () => initial,
    aggregate: (columns: readonly unknown[], state: number) => {
      let total = state + ((columns[0] as number | null) ?? 0);
      for (let i = 1; i < columns.length; i++) {
        const v = columns[i];
        if (typeof v === 'string') total += v.length;
        else if (typeof v === 'number') total += v;
      }
      return total;
    },
    merge: (a: number, b: number) => a + b,
    map: finish,
  };
}

/** initArg1 + the lengths of initArg2... (MultiArgUdaf's initial value). */
function initialFromArgs(args: readonly unknown[]): number {
  let total = (args[0] as number) | 0;
  for (let i = 1; i < args.length; i++) total = (total + String(args[i] ?? '').length) | 0;
  return total;
}

const MULTI_INIT = [
  { type: INTEGER, name: 'initArg1' },
  { type: STRING, name: 'initArg2' },
];

function multiArg(name: string, columns: readonly SqlType[], description: string): AggregateFunction {
  return udaf({ name, author: CONFLUENT, description }, [
    {
      columns,
      init: MULTI_INIT,
      variadicIndex: columns.length + 1,
      returns: BIGINT,
      description: 'Testing factory',
      build: (init) => lengthSum(initialFromArgs(init.initArguments)),
    },
  ]);
}

export const multiArgUdaf = multiArg('MULTI_ARG', [BIGINT, STRING], 'Returns the sum of the provided longs and lengths of strings.');
export const fourArgUdaf = multiArg('FOUR_ARG', [BIGINT, STRING, STRING, STRING], 'Returns the sum of the provided longs and lengths of strings.');
export const fiveArgUdaf = multiArg(
  'FIVE_ARG',
  [BIGINT, STRING, STRING, STRING, INTEGER],
  'Returns the sum of the provided longs, lengths of strings, and integers.',
);

export const varArgUdaf: AggregateFunction = udaf(
  { name: 'VAR_ARG', author: CONFLUENT, description: 'Returns the sum of the provided longs and lengths of strings.' },
  [{ columns: [BIGINT, STRING], variadicIndex: 1, returns: BIGINT, description: 'Testing factory', build: () => lengthSum(0) }],
);

export const middleVarArgUdaf: AggregateFunction = udaf(
  { name: 'MID_VAR_ARG', author: CONFLUENT, description: 'Returns the sum of the provided longs, lengths of strings, and initial arguments.' },
  [
    {
      columns: [BIGINT, STRING],
      init: [
        { type: INTEGER, name: 'first' },
        { type: INTEGER, name: 'second' },
      ],
      variadicIndex: 1,
      returns: BIGINT,
      description: 'Testing factory',
      build: (init) => {
        const constant = ((init.initArguments[0] as number) + (init.initArguments[1] as number)) | 0;
        return lengthSum(0, (state) => state + constant);
      },
    },
  ],
);

/** Collects the first column when every column is non-null. */
function nonNullRows(firstType: SqlType): AggregatorBody {
  const type = arrayType(firstType);
  return {
    aggregateType: type,
    returnType: type,
    input: 'array',
    initialize: () => [],
    aggregate: (columns: readonly unknown[], list: unknown[]) => {
      for (const c of columns) if (c === null || c === undefined) return list;
      list.push(columns[0]);
      return list;
    },
    merge: (a: unknown[], b: unknown[]) => {
      for (const v of b) a.push(v);
      return a;
    },
    map: (list: unknown[]) => list.slice(),
  };
}

const A = generic('A');
const B = generic('B');
const C = generic('C');

export const genericVarArgUdaf: AggregateFunction = udaf(
  { name: 'GENERIC_VAR_ARG', author: CONFLUENT, description: 'Returns an array of rows where all the given columns are non-null.' },
  [{ columns: [A, B, C], variadicIndex: 2, returns: arrayOf(A), description: 'Testing factory', build: (init) => nonNullRows(columnType(init)) }],
);

export const objVarColArgUdaf: AggregateFunction = udaf(
  { name: 'OBJ_COL_ARG', author: CONFLUENT, description: 'Returns an array of rows where all the given columns are non-null.' },
  [{ columns: [INTEGER, ANY], variadicIndex: 1, returns: arrayOf(INTEGER), description: 'Testing factory', build: (init) => nonNullRows(columnType(init)) }],
);

export const testAggregateFunctions: readonly AggregateFunction[] = [
  testUdaf,
  multiArgUdaf,
  fourArgUdaf,
  fiveArgUdaf,
  varArgUdaf,
  middleVarArgUdaf,
  genericVarArgUdaf,
  objVarColArgUdaf,
];

/** Registers ksqlDB's test-only UDAFs (for the conformance runner). */
export function registerTestAggregateFunctions(registry: AggregateFunctionRegistrar): void {
  for (const fn of testAggregateFunctions) registry.registerAggregate(fn);
}
