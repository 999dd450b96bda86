/**
 * What SHOW FUNCTIONS and DESCRIBE FUNCTION report, in the shape of ksqlDB's REST entities
 * (SimpleFunctionInfo; FunctionDescriptionList with FunctionInfo and ArgumentInfo).
 */
import type { ScalarFunction } from './types.js';
import type { FunctionKind, FunctionRegistry } from './registry.js';
import { describeAggregate } from './aggregate/describe.js';
import { describeTableFunction } from './table/index.js';
import { formatParamType } from './param-types.js';

export interface FunctionArgumentInfo {
  readonly name: string;
  /** The declared parameter type as ksqlDB prints it (`INT`, `VARCHAR`, `ARRAY<T>`); a variadic one shows its element type. */
  readonly type: string;
  readonly description: string;
  readonly isVariadic: boolean;
}

export interface FunctionSignatureInfo {
  readonly arguments: readonly FunctionArgumentInfo[];
  /** The declared return type (`INT`, `T`, `DECIMAL`, `ARRAY<STRUCT<K VARCHAR, V INT>>`). */
  readonly returnType: string;
  readonly description: string;
}

export interface FunctionDescription {
  /** Upper-case name. */
  readonly name: string;
  readonly type: FunctionKind;
  readonly category: string;
  readonly description: string;
  readonly author: string;
  readonly version: string;
  /** Where the function was loaded from: `internal` for built-ins. */
  readonly path: string;
  readonly functions: readonly FunctionSignatureInfo[];
}

export interface FunctionSummary {
  readonly name: string;
  readonly type: FunctionKind;
  readonly category: string;
}

export function describeScalar(fn: ScalarFunction): FunctionDescription {
  return {
    name: fn.name.toUpperCase(),
    type: 'SCALAR',
    category: fn.category,
    description: fn.description,
    author: fn.author ?? '',
    version: '',
    path: 'internal',
    functions: fn.overloads.map((o) => ({
      arguments: o.params.map((p, i) => ({
        name: o.paramNames?.[i] ?? '',
        type: formatParamType(p),
        description: o.paramDescriptions?.[i] ?? '',
        isVariadic: o.variadic === true && i === o.params.length - 1,
      })),
      returnType: formatParamType(o.declaredReturn ?? (typeof o.returns === 'function' ? { kind: 'ANY' } : o.returns)),
      description: o.description ?? '',
    })),
  };
}

/** DESCRIBE FUNCTION: throws ksqlDB's `Can't find any functions with the name 'x'` when unknown. */
export function describeFunction(registry: FunctionRegistry, name: string): FunctionDescription {
  const aggregate = registry.getAggregate(name);
  if (aggregate) return describeAggregate(aggregate);
  const table = registry.getTable(name);
  if (table) return describeTableFunction(table);
  return describeScalar(registry.requireScalar(name));
}

/** SHOW FUNCTIONS: every function with its kind and category, by name. */
export function listFunctions(registry: FunctionRegistry): FunctionSummary[] {
  return [
    ...registry.listScalars().map((fn) => ({ name: fn.name.toUpperCase(), type: 'SCALAR' as const, category: fn.category })),
    ...registry.listAggregates().map((fn) => ({ name: fn.name.toUpperCase(), type: 'AGGREGATE' as const, category: fn.category })),
    ...registry.listTables().map((fn) => ({ name: fn.name.toUpperCase(), type: 'TABLE' as const, category: fn.category })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
