/**
 * Small helpers for declaring aggregate functions: parameter patterns and an overload builder
 * that names column parameters as ksqlDB does (`val1`, `val2`...) and stamps each Aggregator with
 * the function's name.
 */
import type { ParamType } from '../types.js';
import type { AggregateFunction, AggregateInit, AggregateOverload, Aggregator } from './types.js';
import type { SqlType } from './deps.js';
import { BIGINT, BOOLEAN, BYTES, DATE, DOUBLE, INTEGER, STRING, SluiceError, TIME, TIMESTAMP } from './deps.js';

export { BIGINT, BOOLEAN, BYTES, DATE, DOUBLE, INTEGER, STRING, TIME, TIMESTAMP };

export const CONFLUENT = 'Confluent';

export function generic(name: string): ParamType {
  return { kind: 'GENERIC', name };
}
export const T = generic('T');
export const ANY: ParamType = { kind: 'ANY' };
export const ANY_DECIMAL: ParamType = { kind: 'ANY_DECIMAL' };

export function arrayOf(element: ParamType): ParamType {
  return { kind: 'ARRAY', element };
}
export function mapOf(key: ParamType, value: ParamType): ParamType {
  return { kind: 'MAP', key, value };
}

/** What an overload's `build` returns: an Aggregator without its name (added by `udaf`). */
export type AggregatorBody = Omit<Aggregator, 'functionName' | 'undo'> & { undo?: Aggregator['undo'] };

export interface OverloadSpec {
  /** Column parameter patterns (named val1, val2...). */
  columns: readonly ParamType[];
  /** Init (literal) parameters. */
  init?: ReadonlyArray<{ type: ParamType; name: string; description?: string }>;
  /** Index among all parameters (columns, then init) of the variadic one. */
  variadicIndex?: number;
  returns: ParamType;
  description: string;
  /** ksqlDB's factory returns a TableUdaf: `undo` must be given. */
  undo?: boolean;
  build(init: AggregateInit): AggregatorBody;
}

/** An aggregate function; its overloads' aggregators carry `functionName` (declared name). */
export function udaf(
  meta: { name: string; declaredName?: string; author?: string; description: string },
  specs: readonly OverloadSpec[],
): AggregateFunction {
  const functionName = meta.declaredName ?? meta.name;
  const overloads = specs.map((spec): AggregateOverload => {
    const init = spec.init ?? [];
    const params = [...spec.columns, ...init.map((p) => p.type)];
    const paramNames = [...spec.columns.map((_, i) => `val${i + 1}`), ...init.map((p) => p.name)];
    const supportsUndo = spec.undo === true;
    const overload: AggregateOverload = {
      params,
      columnParams: spec.columns.length,
      paramNames,
      returns: spec.returns,
      description: spec.description,
      supportsUndo,
      create(initArgs: AggregateInit): Aggregator {
        const body = spec.build(initArgs);
        const undo = supportsUndo ? body.undo : null;
        if (undo === undefined) throw new SluiceError('INTERNAL_ASSERTION', `${functionName}: a table aggregate needs undo`);
        return {
          functionName,
          aggregateType: body.aggregateType,
          returnType: body.returnType,
          input: body.input,
          initialize: body.initialize,
          aggregate: body.aggregate,
          undo: undo ?? null,
          merge: body.merge,
          map: body.map,
        };
      },
    };
    const withOptional = overload as { -readonly [K in keyof AggregateOverload]: AggregateOverload[K] };
    if (spec.variadicIndex !== undefined) withOptional.variadicIndex = spec.variadicIndex;
    if (init.some((p) => p.description !== undefined)) {
      withOptional.paramDescriptions = [...spec.columns.map(() => ''), ...init.map((p) => p.description ?? '')];
    }
    return overload;
  });
  const fn: AggregateFunction = { name: meta.name, description: meta.description, category: 'AGGREGATE', overloads };
  const mutable = fn as { -readonly [K in keyof AggregateFunction]: AggregateFunction[K] };
  if (meta.declaredName !== undefined) mutable.declaredName = meta.declaredName;
  if (meta.author !== undefined) mutable.author = meta.author;
  return fn;
}

/** The column argument type at `index`, which resolution guarantees is present. */
export function columnType(init: AggregateInit, index = 0): SqlType {
  const t = init.columnTypes[index];
  if (t === undefined) throw new SluiceError('INTERNAL_ASSERTION', `aggregate column argument ${index} has no type`);
  return t;
}

/** A Java `int` sum (wraps at 32 bits). */
export function addInt(a: number, b: number): number {
  return (a + b) | 0;
}

/** An ENGINE_EVALUATION error, as a UDAF throwing at run time (KsqlFunctionException). */
export function aggregateError(message: string, functionName: string): SluiceError {
  return new SluiceError('ENGINE_EVALUATION', message, { function: functionName });
}

/** The integer value of a property ksqlDB reads with Number.intValue() or Integer.parseInt(). */
export function intProperty(properties: Readonly<Record<string, unknown>>, key: string): number | null {
  const value = properties[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Math.trunc(value) | 0;
  if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value));
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    if (n >= -2147483648 && n <= 2147483647) return n;
  }
  throw new SluiceError('CONFIG_INVALID', `Invalid value ${String(value)} for configuration ${key}: expected an integer`, {
    expected: 'an integer',
    found: String(value),
  });
}
