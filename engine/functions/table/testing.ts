/**
 * The table functions ksqlDB's test suite loads from its test classpath (TestUdtf, ThrowingUdtf),
 * so the conformance corpus (table-functions.json) can run. Not registered by default: the test
 * runner registers them with `registerTestTableFunctions`.
 *
 * TEST_UDTF's multi-parameter overloads return each argument (or its first element / value) as
 * Java's String.valueOf prints it; the single-parameter ones return their argument. Java's
 * primitive parameters reject null (NullPointerException), so a null there throws.
 */
import type { ParamType } from '../types.js';
import type { TableFunction, TableFunctionOverload } from './types.js';
import type { SqlType } from './deps.js';
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, SluiceError, decimalType, javaToString, structType } from './deps.js';
import type { TableFunctionRegistrar } from './index.js';

const ANY_DECIMAL: ParamType = { kind: 'ANY_DECIMAL' };
const STRUCT_A: SqlType = structType([{ name: 'A', type: STRING }]);

function arrayOf(element: ParamType): ParamType {
  return { kind: 'ARRAY', element };
}
function mapOf(key: ParamType, value: ParamType): ParamType {
  return { kind: 'MAP', key, value };
}

function npe(): never {
  throw new SluiceError('ENGINE_EVALUATION', 'java.lang.NullPointerException');
}

function required<V>(value: V | null | undefined): V {
  if (value === null || value === undefined) npe();
  return value;
}

const NAMES = ['i', 'l', 'd', 'b', 's', 'bd', 'struct'];
const ELEMENT_TYPES: readonly SqlType[] = [INTEGER, BIGINT, DOUBLE, BOOLEAN, STRING, decimalType(38, 10), STRUCT_A];

/** String.valueOf of each of the seven values (by their declared element types). */
function printAll(values: readonly unknown[], types: readonly (SqlType | null)[]): string[] {
  return values.map((v, i) => {
    const type = types[i] ?? ELEMENT_TYPES[i]!;
    return javaToString(required(v), type);
  });
}

function elementTypes(argumentTypes: readonly (SqlType | null)[], pick: (t: SqlType) => SqlType): (SqlType | null)[] {
  return argumentTypes.map((t) => (t === null ? null : pick(t)));
}

function firstValueOfMap(map: unknown): unknown {
  for (const v of required(map) as Map<unknown, unknown>) return v[1];
  return npe();
}

const standardParams: TableFunctionOverload = {
  params: [INTEGER, BIGINT, DOUBLE, BOOLEAN, STRING, ANY_DECIMAL, STRUCT_A],
  paramNames: NAMES,
  returns: STRING,
  implementation: (...args: unknown[]) => printAll(args, ELEMENT_TYPES),
  implementationFor: (argumentTypes) => (...args: unknown[]) => printAll(args, argumentTypes),
};

const listParams: TableFunctionOverload = {
  params: [arrayOf(INTEGER), arrayOf(BIGINT), arrayOf(DOUBLE), arrayOf(BOOLEAN), arrayOf(STRING), arrayOf(ANY_DECIMAL), arrayOf(STRUCT_A)],
  paramNames: NAMES,
  returns: STRING,
  implementation: (...args: unknown[]) => printAll(args.map((a) => (required(a) as unknown[])[0]), ELEMENT_TYPES),
  implementationFor: (argumentTypes) => {
    const types = elementTypes(argumentTypes, (t) => (t.kind === 'ARRAY' ? t.element : t));
    return (...args: unknown[]) => printAll(args.map((a) => (required(a) as unknown[])[0]), types);
  },
};

function mapParams(firstKey: SqlType): TableFunctionOverload {
  return {
    params: [mapOf(firstKey, INTEGER), ...[BIGINT, DOUBLE, BOOLEAN, STRING, ANY_DECIMAL, STRUCT_A].map((v) => mapOf(STRING, v))],
    paramNames: NAMES,
    returns: STRING,
    implementation: (...args: unknown[]) => printAll(args.map(firstValueOfMap), ELEMENT_TYPES),
    implementationFor: (argumentTypes) => {
      const types = elementTypes(argumentTypes, (t) => (t.kind === 'MAP' ? t.value : t));
      return (...args: unknown[]) => printAll(args.map(firstValueOfMap), types);
    },
  };
}

function identity(param: ParamType, name: string, returns: TableFunctionOverload['returns'], nullable: boolean): TableFunctionOverload {
  return {
    params: [param],
    paramNames: [name],
    returns,
    implementation: nullable ? (v: unknown) => [v ?? null] : (v: unknown) => [required(v)],
  };
}

export const testUdtf: TableFunction = {
  name: 'TEST_UDTF',
  declaredName: 'test_udtf',
  description: 'test',
  category: 'TABLE',
  overloads: [
    standardParams,
    listParams,
    mapParams(STRING),
    mapParams(BIGINT),
    identity(INTEGER, 'i', INTEGER, false),
    identity(BIGINT, 'l', BIGINT, false),
    identity(DOUBLE, 'd', DOUBLE, false),
    identity(BOOLEAN, 'b', BOOLEAN, false),
    identity(STRING, 's', STRING, true),
    { ...identity(ANY_DECIMAL, 'bd', () => decimalType(30, 10), true), declaredReturn: ANY_DECIMAL },
    identity(STRUCT_A, 'struct', STRUCT_A, true),
  ],
};

export const throwingUdtf: TableFunction = {
  name: 'THROWING_UDTF',
  declaredName: 'throwing_udtf',
  description: 'test UDTF that throws if param is true',
  category: 'TABLE',
  overloads: [
    {
      params: [BOOLEAN],
      paramNames: ['shouldThrow'],
      returns: BOOLEAN,
      implementation: (shouldThrow: boolean | null) => {
        if (required(shouldThrow)) throw new SluiceError('ENGINE_EVALUATION', 'You asked me to throw...');
        return [shouldThrow];
      },
    },
  ],
};

export const testTableFunctions: readonly TableFunction[] = [testUdtf, throwingUdtf];

/** Registers ksqlDB's test-only UDTFs (for the conformance runner). */
export function registerTestTableFunctions(registry: TableFunctionRegistrar): void {
  for (const fn of testTableFunctions) registry.registerTable(fn);
}
