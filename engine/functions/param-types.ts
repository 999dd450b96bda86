/**
 * Parameter-type patterns: printing them as ksqlDB does, testing them against argument types
 * (exact, or with ksqlDB's implicit casts), and binding generics.
 *
 * The rules follow ksqlDB's ParamTypes.areCompatible, GenericsUtil and SqlBaseType.canImplicitlyCast:
 * - a parameter containing generics accepts an argument only when its structure matches exactly
 *   and every generic binds to one type (no implicit casts through generics: `ARRAY<T>, T` with
 *   `ARRAY<BIGINT>, INTEGER` does not match);
 * - other parameters accept the same base type, or with casts allowed: INTEGER → BIGINT →
 *   DECIMAL → DOUBLE widening, STRING → DATE/TIME/TIMESTAMP and STRING → BYTES, element-wise
 *   inside ARRAY and MAP;
 * - any DECIMAL(p, s) matches a DECIMAL parameter; a STRUCT parameter without fields matches any
 *   struct, one with fields matches a struct with exactly those fields (no casts inside).
 */
import type { ParamType } from './types.js';
import type { SqlType } from './deps.js';
import { decimalType, arrayType, mapType, sqlTypesEqual } from './deps.js';

/** An argument as resolution sees it. */
export type ArgumentShape =
  | { readonly shape: 'TYPED'; readonly type: SqlType }
  | { readonly shape: 'NULL' }
  | { readonly shape: 'LAMBDA'; readonly parameterCount: number }
  | { readonly shape: 'LAMBDA_RESOLVED'; readonly parameterTypes: readonly SqlType[]; readonly returnType: SqlType };

export type GenericBindings = Map<string, SqlType>;

// ---------------------------------------------------------------------------------------------
// printing

/** ParamType.toString() in ksqlDB: `INT`, `VARCHAR`, `DECIMAL`, `ARRAY<T>`, `LAMBDA (T) => R`. */
export function formatParamType(type: ParamType): string {
  switch (type.kind) {
    case 'GENERIC':
      return type.name;
    case 'ANY':
      return 'ANY';
    case 'ANY_DECIMAL':
    case 'DECIMAL':
      return 'DECIMAL';
    case 'ANY_STRUCT':
      return 'STRUCT<>';
    case 'LAMBDA':
      return `LAMBDA (${type.params.map(formatParamType).join(', ')}) => ${formatParamType(type.returns)}`;
    case 'ARRAY':
      return `ARRAY<${formatParamType(type.element)}>`;
    case 'MAP':
      return `MAP<${formatParamType(type.key)}, ${formatParamType(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `${f.name} ${formatParamType(f.type)}`).join(', ')}>`;
    case 'INTEGER':
      return 'INT';
    case 'STRING':
      return 'VARCHAR';
    default:
      return type.kind;
  }
}

/**
 * SqlType.toString(FormatOptions) in ksqlDB: `INTEGER`, `STRING`, `DECIMAL(5, 1)`,
 * `STRUCT<A INTEGER>` (field names back-quoted unless `escapeFields` is false).
 */
export function formatArgumentType(type: SqlType, escapeFields = false): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatArgumentType(type.element, escapeFields)}>`;
    case 'MAP':
      return `MAP<${formatArgumentType(type.key, escapeFields)}, ${formatArgumentType(type.value, escapeFields)}>`;
    case 'STRUCT':
      if (type.fields.length === 0) return 'STRUCT< >';
      return `STRUCT<${type.fields
        .map((f) => `${escapeFields ? '`' + f.name + '`' : f.name} ${formatArgumentType(f.type, escapeFields)}`)
        .join(', ')}>`;
    default:
      return type.kind;
  }
}

/** SqlArgument.toString(): `null`, `LAMBDA`, `LAMBDA (INTEGER) => BIGINT`, or the type. */
export function formatArgument(argument: ArgumentShape, escapeFields = false): string {
  switch (argument.shape) {
    case 'NULL':
      return 'null';
    case 'LAMBDA':
      return 'LAMBDA';
    case 'LAMBDA_RESOLVED':
      return `LAMBDA (${argument.parameterTypes.map((t) => formatArgumentType(t, true)).join(', ')}) => ${formatArgumentType(
        argument.returnType,
        escapeFields,
      )}`;
    case 'TYPED':
      return formatArgumentType(argument.type, escapeFields);
  }
}

// ---------------------------------------------------------------------------------------------
// structure

export function hasGenerics(type: ParamType): boolean {
  switch (type.kind) {
    case 'GENERIC':
      return true;
    case 'ARRAY':
      return hasGenerics(type.element);
    case 'MAP':
      return hasGenerics(type.key) || hasGenerics(type.value);
    case 'STRUCT':
      return type.fields.some((f) => hasGenerics(f.type));
    case 'LAMBDA':
      return type.params.some(hasGenerics) || hasGenerics(type.returns);
    default:
      return false;
  }
}

/** The generics a pattern mentions, in order of first appearance. */
export function genericsOf(type: ParamType, into: string[] = []): string[] {
  switch (type.kind) {
    case 'GENERIC':
      if (!into.includes(type.name)) into.push(type.name);
      break;
    case 'ARRAY':
      genericsOf(type.element, into);
      break;
    case 'MAP':
      genericsOf(type.key, into);
      genericsOf(type.value, into);
      break;
    case 'STRUCT':
      for (const f of type.fields) genericsOf(f.type, into);
      break;
    case 'LAMBDA':
      for (const p of type.params) genericsOf(p, into);
      genericsOf(type.returns, into);
      break;
    default:
      break;
  }
  return into;
}

/** Base-type order used by implicit numeric widening (ksqlDB's SqlBaseType ordinals). */
const NUMERIC_RANK: Partial<Record<string, number>> = { INTEGER: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 };

/** SqlBaseType.canImplicitlyCast: numeric widening, STRING → DATE/TIME/TIMESTAMP/BYTES. */
export function canImplicitlyCast(from: SqlType['kind'], to: SqlType['kind']): boolean {
  if (from === to) return true;
  const f = NUMERIC_RANK[from];
  const t = NUMERIC_RANK[to];
  if (f !== undefined && t !== undefined) return f <= t;
  if (from === 'STRING') return to === 'DATE' || to === 'TIME' || to === 'TIMESTAMP' || to === 'BYTES';
  return false;
}

/** The base kind a non-container, non-generic pattern stands for (DECIMAL for any decimal). */
function primitiveKind(type: ParamType): SqlType['kind'] | null {
  switch (type.kind) {
    case 'ANY_DECIMAL':
      return 'DECIMAL';
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
    case 'STRING':
    case 'BYTES':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return type.kind;
    default:
      return null;
  }
}

/** ParamTypes.areCompatible: can `argument` be passed for the generic-free `declared`? */
export function areCompatible(argument: ArgumentShape, declared: ParamType, allowCasts: boolean): boolean {
  if (declared.kind === 'ANY') return true;
  if (argument.shape === 'NULL') return true;
  if (argument.shape === 'LAMBDA' || argument.shape === 'LAMBDA_RESOLVED') {
    if (declared.kind !== 'LAMBDA') return false;
    if (argument.shape === 'LAMBDA') return argument.parameterCount === declared.params.length;
    if (argument.parameterTypes.length !== declared.params.length) return false;
    for (let i = 0; i < declared.params.length; i++) {
      if (!areCompatible({ shape: 'TYPED', type: argument.parameterTypes[i]! }, declared.params[i]!, allowCasts)) return false;
    }
    return areCompatible({ shape: 'TYPED', type: argument.returnType }, declared.returns, allowCasts);
  }
  const actual = argument.type;
  if (declared.kind === 'LAMBDA') return false;
  if (actual.kind === 'ARRAY' && declared.kind === 'ARRAY') {
    return areCompatible({ shape: 'TYPED', type: actual.element }, declared.element, allowCasts);
  }
  if (actual.kind === 'MAP' && declared.kind === 'MAP') {
    return (
      areCompatible({ shape: 'TYPED', type: actual.key }, declared.key, allowCasts) &&
      areCompatible({ shape: 'TYPED', type: actual.value }, declared.value, allowCasts)
    );
  }
  if (actual.kind === 'STRUCT' && (declared.kind === 'STRUCT' || declared.kind === 'ANY_STRUCT')) {
    if (declared.kind === 'ANY_STRUCT' || actual.fields.length === 0 || declared.fields.length === 0) return true;
    for (const field of declared.fields) {
      const match = actual.fields.find((f) => f.name === field.name);
      if (match === undefined || !areCompatible({ shape: 'TYPED', type: match.type }, field.type, false)) return false;
    }
    return actual.fields.length === declared.fields.length;
  }
  const to = primitiveKind(declared);
  if (to === null) return false;
  if (actual.kind === to) return true;
  return allowCasts && canImplicitlyCast(actual.kind, to);
}

/** GenericsUtil.matches: same kind of type (lambda for lambda). */
function sameShape(schema: ParamType, argument: ArgumentShape): boolean {
  if (argument.shape === 'LAMBDA' || argument.shape === 'LAMBDA_RESOLVED') return schema.kind === 'LAMBDA';
  if (argument.shape === 'NULL') return true;
  const kind = argument.type.kind;
  switch (schema.kind) {
    case 'ANY':
      return true;
    case 'ANY_DECIMAL':
      return kind === 'DECIMAL';
    case 'ANY_STRUCT':
      return kind === 'STRUCT';
    case 'LAMBDA':
    case 'GENERIC':
      return false;
    default:
      return schema.kind === kind;
  }
}

/**
 * GenericsUtil.resolveGenerics: collects (generic, type) pairs from matching `schema` against
 * `argument`; false when their structures differ.
 */
function collectGenerics(out: [string, SqlType][], schema: ParamType, argument: ArgumentShape): boolean {
  if (schema.kind !== 'GENERIC' && !sameShape(schema, argument)) return false;
  if (!hasGenerics(schema)) return true;
  if (argument.shape === 'NULL') return true;
  if (schema.kind === 'LAMBDA') {
    if (argument.shape === 'LAMBDA') return argument.parameterCount === schema.params.length;
    if (argument.shape !== 'LAMBDA_RESOLVED' || argument.parameterTypes.length !== schema.params.length) return false;
    for (let i = 0; i < schema.params.length; i++) {
      if (!collectGenerics(out, schema.params[i]!, { shape: 'TYPED', type: argument.parameterTypes[i]! })) return false;
    }
    return collectGenerics(out, schema.returns, { shape: 'TYPED', type: argument.returnType });
  }
  if (argument.shape !== 'TYPED') return false;
  const type = argument.type;
  switch (schema.kind) {
    case 'GENERIC':
      out.push([schema.name, type]);
      return true;
    case 'ARRAY':
      return type.kind === 'ARRAY' && collectGenerics(out, schema.element, { shape: 'TYPED', type: type.element });
    case 'MAP':
      return (
        type.kind === 'MAP' &&
        collectGenerics(out, schema.key, { shape: 'TYPED', type: type.key }) &&
        collectGenerics(out, schema.value, { shape: 'TYPED', type: type.value })
      );
    case 'STRUCT':
      // ksqlDB: "Generic STRUCT is not yet supported"
      return false;
    default:
      return true;
  }
}

/**
 * GenericsUtil.reserveGenerics: binds the generics of `schema` from `argument` into `bindings`
 * (mutated only on success). Returns null on success, else ksqlDB's message for the failure.
 */
export function reserveGenerics(schema: ParamType, argument: ArgumentShape, bindings: GenericBindings): string | null {
  const found: [string, SqlType][] = [];
  if (!collectGenerics(found, schema, argument)) {
    return `Cannot infer generics for ${formatParamType(schema)} from ${formatArgument(argument, true)} because they do not have the same schema structure.`;
  }
  const added: string[] = [];
  for (const [name, type] of found) {
    const old = bindings.get(name);
    if (old === undefined) {
      bindings.set(name, type);
      added.push(name);
    } else if (!sqlTypesEqual(old, type)) {
      for (const a of added) bindings.delete(a);
      return (
        `Found invalid instance of generic schema when mapping ${formatParamType(schema)} to ${formatArgument(argument, true)}. ` +
        `Cannot map ${name} to both ${formatArgumentType(old, true)} and ${formatArgumentType(type, true)}`
      );
    }
  }
  return null;
}

/** Java HashMap.toString of the bindings (`{T=INTEGER, U=STRING}`), for error messages. */
export function formatBindings(bindings: GenericBindings): string {
  return `{${[...bindings].map(([k, v]) => `${k}=${formatArgumentType(v, true)}`).join(', ')}}`;
}

/**
 * GenericsUtil.applyResolved: the SQL type a pattern stands for once its generics are bound.
 * Returns a string (the error) when a generic is unbound or the pattern has no single type.
 */
export function applyBindings(pattern: ParamType, bindings: GenericBindings): SqlType | string {
  switch (pattern.kind) {
    case 'GENERIC': {
      const bound = bindings.get(pattern.name);
      return bound ?? `Could not find mapping for generic type: ${pattern.name}`;
    }
    case 'ARRAY': {
      const element = applyBindings(pattern.element, bindings);
      return typeof element === 'string' ? element : arrayType(element);
    }
    case 'MAP': {
      const key = applyBindings(pattern.key, bindings);
      if (typeof key === 'string') return key;
      const value = applyBindings(pattern.value, bindings);
      return typeof value === 'string' ? value : mapType(key, value);
    }
    case 'STRUCT': {
      const fields = [];
      for (const f of pattern.fields) {
        const t = applyBindings(f.type, bindings);
        if (typeof t === 'string') return t;
        fields.push({ name: f.name, type: t });
      }
      return { kind: 'STRUCT', fields };
    }
    case 'ANY':
    case 'ANY_DECIMAL':
    case 'ANY_STRUCT':
    case 'LAMBDA':
      return `Cannot convert ${formatParamType(pattern)} to a SQL type`;
    default:
      return pattern;
  }
}

/**
 * The type an argument of type `actual` is converted to before it is passed for the generic-free
 * parameter `declared` (ksqlDB's SqlToJavaVisitor.convertArgument): the declared type, with
 * DECIMAL parameters taking INT as DECIMAL(10, 0) and BIGINT as DECIMAL(19, 0).
 */
export function conversionTarget(actual: SqlType, declared: ParamType): SqlType {
  switch (declared.kind) {
    case 'ANY':
    case 'ANY_STRUCT':
    case 'GENERIC':
    case 'LAMBDA':
    case 'STRUCT':
      return actual;
    case 'ANY_DECIMAL':
    case 'DECIMAL':
      if (actual.kind === 'INTEGER') return decimalType(10, 0);
      if (actual.kind === 'BIGINT') return decimalType(19, 0);
      return actual;
    case 'ARRAY':
      return actual.kind === 'ARRAY' ? arrayType(conversionTarget(actual.element, declared.element)) : actual;
    case 'MAP':
      return actual.kind === 'MAP'
        ? mapType(conversionTarget(actual.key, declared.key), conversionTarget(actual.value, declared.value))
        : actual;
    default:
      return declared;
  }
}

/** A pattern that is a plain SQL type (no generics, no "any"), or null. */
export function concreteType(pattern: ParamType): SqlType | null {
  if (hasGenerics(pattern)) return null;
  const t = applyBindings(pattern, new Map());
  return typeof t === 'string' ? null : t;
}
