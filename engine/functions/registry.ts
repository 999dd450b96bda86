/**
 * The function registry: scalar functions by case-insensitive name, and overload resolution as
 * ksqlDB's UdfIndex does it.
 *
 * Resolution (`resolveScalar`):
 * 1. Find every overload whose parameters accept the arguments exactly (same base types; an
 *    untyped NULL literal matches anything; generics bind consistently; a lambda matches a
 *    lambda parameter of the same arity). If none, try again allowing implicit casts
 *    (INT → BIGINT → DECIMAL → DOUBLE, STRING → DATE/TIME/TIMESTAMP/BYTES).
 * 2. Rank the candidates as ksqlDB does: non-variadic before variadic, then more declared
 *    parameters, then fewer generic parameters, then no `Object...`, then a later variadic
 *    position. If the best two rank equal the call is ambiguous (so `GREATEST(INT, BIGINT)` is,
 *    because the BIGINT, DECIMAL and DOUBLE overloads all accept it with casts).
 * 3. Type lambda arguments left to right: their parameter types come from the generics bound so
 *    far; the caller types the body (`typeLambda`); the body type then binds the lambda's result
 *    generic (or must equal a concrete one: FILTER's lambda must return BOOLEAN).
 * 4. Compute the result type: the return pattern with the generics bound, or the overload's
 *    provider applied to the argument types (decimal precision and scale).
 *
 * Errors carry ksqlDB's wording (`Can't find any functions with the name 'X'`,
 * `Function 'x' does not accept parameters (STRING, INTEGER).` with the valid alternatives,
 * `Function 'x' cannot be resolved due to ambiguous method parameters (...)`).
 *
 * Aggregate and table functions will register here too (their own maps; a name belongs to one
 * kind only).
 */
import type { FunctionContext, ParamType, ScalarFunction, ScalarOverload } from './types.js';
import type { SqlType } from './deps.js';
import { SluiceError, sqlTypesEqual } from './deps.js';
import {
  type ArgumentShape,
  type GenericBindings,
  applyBindings,
  areCompatible,
  concreteType,
  conversionTarget,
  formatArgument,
  formatBindings,
  formatParamType,
  hasGenerics,
  reserveGenerics,
} from './param-types.js';

/** A lambda argument before its body is typed: only its parameter count is known. */
import type { AggregateFunction } from './aggregate/types.js';
import type { TableFunction } from './table/types.js';

export interface LambdaArgument {
  readonly kind: 'LAMBDA';
  readonly parameterCount: number;
}

/**
 * An argument of a call, as the analyzer knows it: its SQL type, `null` for an untyped NULL
 * literal, or a lambda.
 */
export type FunctionArgument = SqlType | null | LambdaArgument;

/**
 * Types a lambda's body. Called during resolution, left to right, once per lambda argument, with
 * the lambda's parameter types (bound from the other arguments); returns the body's type.
 */
export type LambdaBodyTyper = (argumentIndex: number, parameterTypes: readonly SqlType[]) => SqlType;

export interface ResolvedArgument {
  /** The argument's own type: null for a NULL literal or a lambda. */
  readonly type: SqlType | null;
  /**
   * The type the implementation receives: the parameter's type with generics bound. For a typed
   * argument that differs from `type` (implicit cast) the analyzer must insert a cast; for a NULL
   * literal it is the type to give the null (null when the parameter has no single type, e.g.
   * an unbound generic or any DECIMAL).
   */
  readonly expectedType: SqlType | null;
  /** True when a typed argument must be cast to `expectedType` before the call. */
  readonly needsCast: boolean;
  /** For a lambda argument: its parameters' types and its body's type. */
  readonly lambda?: { readonly parameterTypes: readonly SqlType[]; readonly returnType: SqlType };
}

export interface ResolvedScalarCall {
  readonly function: ScalarFunction;
  readonly overload: ScalarOverload;
  readonly arguments: readonly ResolvedArgument[];
  readonly returnType: SqlType;
  /** When true, `implementation` takes the FunctionContext as its first argument. */
  readonly needsContext: boolean;
  /**
   * What to call per row, with the (cast) argument values positionally (variadic ones spread,
   * lambdas as JS functions), after the context when `needsContext`. Already specialised for
   * the argument types when the overload asks for it.
   */
  readonly implementation: (...args: any[]) => unknown;
}

export type FunctionKind = 'SCALAR' | 'AGGREGATE' | 'TABLE';

/** Function names must be Java identifiers, as in ksqlDB. */
const VALID_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function isLambdaArgument(argument: FunctionArgument): argument is LambdaArgument {
  return argument !== null && argument.kind === 'LAMBDA' && 'parameterCount' in argument;
}

function toShape(argument: FunctionArgument): ArgumentShape {
  if (argument === null) return { shape: 'NULL' };
  if (isLambdaArgument(argument)) return { shape: 'LAMBDA', parameterCount: argument.parameterCount };
  return { shape: 'TYPED', type: argument };
}

/** The parameter an argument at `index` is passed for (the variadic element past the end). */
export function parameterFor(overload: ScalarOverload, index: number): ParamType {
  const last = overload.params.length - 1;
  if (overload.variadic && index >= last) return overload.params[last]!;
  return overload.params[index]!;
}

function arityMatches(overload: ScalarOverload, count: number): boolean {
  return overload.variadic ? count >= overload.params.length - 1 : count === overload.params.length;
}

function isObjectVarArg(overload: ScalarOverload): boolean {
  return overload.params.some(
    (p, i) => (p.kind === 'ARRAY' && p.element.kind === 'ANY') || (overload.variadic === true && i === overload.params.length - 1 && p.kind === 'ANY'),
  );
}

function countGenerics(overload: ScalarOverload): number {
  let n = 0;
  overload.params.forEach((p, i) => {
    const objectVarArg = (p.kind === 'ARRAY' && p.element.kind === 'ANY') || (overload.variadic === true && i === overload.params.length - 1 && p.kind === 'ANY');
    if (hasGenerics(p) || objectVarArg) n++;
  });
  return n;
}

/** UdfIndex's ranking: positive when `a` is preferred to `b`. */
function compareOverloads(a: ScalarOverload, b: ScalarOverload): number {
  const variadic = (a.variadic ? 0 : 1) - (b.variadic ? 0 : 1);
  if (variadic !== 0) return variadic;
  const size = a.params.length - b.params.length;
  if (size !== 0) return size;
  const generics = countGenerics(b) - countGenerics(a);
  if (generics !== 0) return generics;
  const objectVarArg = (isObjectVarArg(a) ? 0 : 1) - (isObjectVarArg(b) ? 0 : 1);
  if (objectVarArg !== 0) return objectVarArg;
  const variadicIndex = (o: ScalarOverload): number => (o.variadic ? o.params.length - 1 : -1);
  return variadicIndex(a) - variadicIndex(b);
}

/** Does `overload` accept the arguments? Binds generics into a fresh map when it does. */
function matchOverload(overload: ScalarOverload, args: readonly ArgumentShape[], allowCasts: boolean): GenericBindings | null {
  if (!arityMatches(overload, args.length)) return null;
  const bindings: GenericBindings = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.shape === 'NULL') continue;
    const param = parameterFor(overload, i);
    if (hasGenerics(param)) {
      if (reserveGenerics(param, arg, bindings) !== null) return null;
    } else if (!areCompatible(arg, param, allowCasts)) {
      return null;
    }
  }
  return bindings;
}

/** `NAME(INT val, INT... vals)` as UdfIndex lists a signature. */
export function formatSignature(fn: ScalarFunction, overload: ScalarOverload): string {
  const params = overload.params.map((p, i) => {
    const variadic = overload.variadic === true && i === overload.params.length - 1;
    const type = formatParamType(p) + (variadic ? '...' : '');
    const name = overload.paramNames?.[i] ?? '';
    return name === '' ? type : `${type} ${name}`;
  });
  return `${fn.name}(${params.join(', ')})`;
}

function describeHint(fn: ScalarFunction): string {
  return fn.overloads.map((o) => formatSignature(fn, o)).join('\n');
}

function noMatchError(fn: ScalarFunction, args: readonly ArgumentShape[]): SluiceError {
  const found = `(${args.map((a) => formatArgument(a)).join(', ')})`;
  return new SluiceError(
    'SQL_ANALYSIS',
    `Function '${fn.declaredName ?? fn.name}' does not accept parameters ${found}.\n` +
      `Valid alternatives are:\n${describeHint(fn)}\n` +
      'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;',
    { expected: 'arguments matching one of the signatures', found, function: fn.name },
  );
}

function ambiguousError(fn: ScalarFunction, args: readonly ArgumentShape[]): SluiceError {
  const found = `(${args.map((a) => formatArgument(a)).join(', ')})`;
  return new SluiceError(
    'SQL_ANALYSIS',
    `Function '${fn.declaredName ?? fn.name}' cannot be resolved due to ambiguous method parameters ${found}.\n` +
      'Use CAST() to explicitly cast your parameters to one of the supported function calls.\n' +
      `Valid function calls are:\n${describeHint(fn)}\n` +
      'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;',
    { expected: 'arguments matching exactly one best signature', found, function: fn.name },
  );
}

function analysisError(message: string, fn: ScalarFunction): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message, { function: fn.name });
}

/** Picks the overload for the arguments: exact matches first, then with implicit casts. */
function selectOverload(fn: ScalarFunction, args: readonly ArgumentShape[]): ScalarOverload {
  for (const allowCasts of [false, true]) {
    const candidates = fn.overloads.filter((o) => matchOverload(o, args, allowCasts) !== null);
    if (candidates.length === 0) continue;
    if (candidates.length === 1) return candidates[0]!;
    candidates.sort((a, b) => compareOverloads(b, a));
    if (compareOverloads(candidates[0]!, candidates[1]!) > 0) return candidates[0]!;
    // Equal-ranked candidates whose parameters line up identically for this many arguments sit
    // on the same node of ksqlDB's trie, which keeps the first one registered (CONCAT() with no
    // arguments); otherwise the call is ambiguous.
    const best = candidates.filter((c) => compareOverloads(c, candidates[0]!) === 0);
    const layout = (o: ScalarOverload): string => args.map((_, i) => formatParamType(parameterFor(o, i))).join(',');
    const first = layout(best[0]!);
    if (best.every((c) => layout(c) === first)) return fn.overloads.find((o) => best.includes(o))!;
    throw ambiguousError(fn, args);
  }
  throw noMatchError(fn, args);
}

export class FunctionRegistry {
  private readonly scalars = new Map<string, ScalarFunction>();
  private readonly aggregates = new Map<string, AggregateFunction>();
  private readonly tables = new Map<string, TableFunction>();
  /** Every registered name (upper case) and the kind of function it names. */
  private readonly kinds = new Map<string, FunctionKind>();

  /** Adds a scalar function. Its name must be new (across scalar, aggregate and table functions). */
  registerScalar(fn: ScalarFunction): void {
    const key = this.claimName(fn.name, 'SCALAR');
    validateScalar(fn);
    this.scalars.set(key, fn);
  }

  /**
   * Reserves `name` for a function of `kind`; throws with ksqlDB's wording if it is taken or
   * invalid. Returns the upper-case key. (Aggregate and table registration will call this.)
   */
  claimName(name: string, kind: FunctionKind): string {
    if (!VALID_NAME.test(name)) {
      throw new SluiceError(
        'INVALID_ARGUMENT',
        `${name} is not a valid function name. Function names must be valid java identifiers and not a KSQL reserved word`,
      );
    }
    const key = name.toUpperCase();
    const existing = this.kinds.get(key);
    if (existing !== undefined) {
      const what = existing === 'SCALAR' ? 'non-aggregate' : existing === 'AGGREGATE' ? 'aggregate' : 'table function';
      throw new SluiceError('INVALID_ARGUMENT', `Function already registered as ${what}: ${key}`, {
        expected: 'a new function name',
        found: key,
      });
    }
    this.kinds.set(key, kind);
    return key;
  }

  /** The kind of function `name` names (any case), or undefined. */
  kindOf(name: string): FunctionKind | undefined {
    return this.kinds.get(name.toUpperCase());
  }

  isPresent(name: string): boolean {
    return this.kinds.has(name.toUpperCase());
  }

  isScalar(name: string): boolean {
    return this.scalars.has(name.toUpperCase());
  }

  getScalar(name: string): ScalarFunction | undefined {
    return this.scalars.get(name.toUpperCase());
  }

  /** The scalar function, or ksqlDB's `Can't find any functions with the name 'x'`. */
  requireScalar(name: string): ScalarFunction {
    const fn = this.scalars.get(name.toUpperCase());
    if (fn === undefined) {
      throw new SluiceError('ENGINE_FUNCTION_NOT_FOUND', `Can't find any functions with the name '${name}'`, {
        expected: 'a known function',
        found: name,
      });
    }
    return fn;
  }

  /** Adds an aggregate function (UDAF). Its name must be new. */
  registerAggregate(fn: AggregateFunction): void {
    this.aggregates.set(this.claimName(fn.name, 'AGGREGATE'), fn);
  }

  /** Adds a table function (UDTF). Its name must be new. */
  registerTable(fn: TableFunction): void {
    this.tables.set(this.claimName(fn.name, 'TABLE'), fn);
  }

  isAggregate(name: string): boolean {
    return this.aggregates.has(name.toUpperCase());
  }

  getAggregate(name: string): AggregateFunction | undefined {
    return this.aggregates.get(name.toUpperCase());
  }

  isTable(name: string): boolean {
    return this.tables.has(name.toUpperCase());
  }

  getTable(name: string): TableFunction | undefined {
    return this.tables.get(name.toUpperCase());
  }

  listAggregates(): AggregateFunction[] {
    return [...this.aggregates.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  listTables(): TableFunction[] {
    return [...this.tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** All scalar functions, by name. */
  listScalars(): ScalarFunction[] {
    return [...this.scalars.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Resolves a call of scalar function `name` with these arguments (see the header). Lambda
   * arguments need `typeLambda`.
   */
  resolveScalar(name: string, args: readonly FunctionArgument[], typeLambda?: LambdaBodyTyper): ResolvedScalarCall {
    return resolveCall(this.requireScalar(name), args, typeLambda);
  }
}

/** Resolves a call of `fn` (see FunctionRegistry.resolveScalar). */
export function resolveCall(fn: ScalarFunction, args: readonly FunctionArgument[], typeLambda?: LambdaBodyTyper): ResolvedScalarCall {
  const shapes = args.map(toShape);
  const overload = selectOverload(fn, shapes);

  // Second pass: bind generics left to right, typing lambdas as their turn comes.
  const bindings: GenericBindings = new Map();
  const resolvedShapes: ArgumentShape[] = [];
  const lambdas: ({ parameterTypes: SqlType[]; returnType: SqlType } | undefined)[] = [];
  for (let i = 0; i < shapes.length; i++) {
    let shape = shapes[i]!;
    const param = parameterFor(overload, i);
    let lambda: { parameterTypes: SqlType[]; returnType: SqlType } | undefined;
    if (shape.shape === 'LAMBDA') {
      if (param.kind !== 'LAMBDA') {
        throw new SluiceError('INTERNAL_ASSERTION', `Error while processing lambda function. Expected lambda parameter but was ${formatParamType(param)}`);
      }
      if (overload.variadic === true && i >= overload.params.length - 1) {
        throw analysisError(`Lambda function ${formatArgument(shape)} cannot be variadic.`, fn);
      }
      const parameterTypes: SqlType[] = [];
      for (const p of param.params) {
        const t = applyBindings(p, bindings);
        if (typeof t === 'string') {
          const generic = p.kind === 'GENERIC' ? p.name : formatParamType(p);
          throw analysisError(`Could not resolve type for generic ${generic}. The generic mapping so far: ${formatBindings(bindings)}`, fn);
        }
        parameterTypes.push(t);
      }
      if (typeLambda === undefined) {
        throw new SluiceError('INTERNAL_ASSERTION', `Function ${fn.name} has a lambda argument but no lambda typer was given`);
      }
      const returnType = typeLambda(i, parameterTypes);
      lambda = { parameterTypes, returnType };
      shape = { shape: 'LAMBDA_RESOLVED', parameterTypes, returnType };
    }
    if (shape.shape !== 'NULL' && hasGenerics(param)) {
      const failure = reserveGenerics(param, shape, bindings);
      if (failure !== null) throw analysisError(failure, fn);
    } else if (shape.shape === 'LAMBDA_RESOLVED' && !areCompatible(shape, param, true)) {
      throw analysisError(
        `Cannot infer generics for ${formatParamType(param)} from ${formatArgument(shape, true)} because they do not have the same schema structure.`,
        fn,
      );
    }
    resolvedShapes.push(shape);
    lambdas.push(lambda);
  }

  const resolvedArguments: ResolvedArgument[] = resolvedShapes.map((shape, i) => {
    const param = parameterFor(overload, i);
    if (shape.shape === 'LAMBDA_RESOLVED') {
      return { type: null, expectedType: null, needsCast: false, lambda: lambdas[i]! };
    }
    if (shape.shape === 'NULL') {
      const t = hasGenerics(param) ? applyBindings(param, bindings) : concreteType(param);
      return { type: null, expectedType: typeof t === 'string' ? null : t, needsCast: false };
    }
    if (shape.shape === 'LAMBDA') throw new SluiceError('INTERNAL_ASSERTION', 'unresolved lambda after resolution');
    const expectedType = hasGenerics(param) ? shape.type : conversionTarget(shape.type, param);
    return { type: shape.type, expectedType, needsCast: !sqlTypesEqual(shape.type, expectedType) };
  });

  const argumentTypes = resolvedArguments.map((a) => a.type);
  let returnType: SqlType;
  if (typeof overload.returns === 'function') {
    returnType = overload.returns(argumentTypes);
  } else {
    const t = applyBindings(overload.returns, bindings);
    if (typeof t === 'string') throw analysisError(t, fn);
    returnType = t;
  }

  const implementation = overload.implementationFor ? overload.implementationFor(argumentTypes, returnType) : overload.implementation;
  return {
    function: fn,
    overload,
    arguments: resolvedArguments,
    returnType,
    needsContext: overload.needsContext === true,
    implementation,
  };
}

/** Calls a resolved function with a context (when it needs one) and argument values. */
export function invokeResolved(call: ResolvedScalarCall, context: FunctionContext, args: readonly unknown[]): unknown {
  return call.needsContext ? call.implementation(context, ...args) : call.implementation(...args);
}

function validateScalar(fn: ScalarFunction): void {
  const seen = new Set<string>();
  for (const o of fn.overloads) {
    const key = o.params.map(formatParamType).join(',') + (o.variadic ? '...' : '');
    if (seen.has(key)) {
      throw new SluiceError(
        'INTERNAL_ASSERTION',
        `Can't add function ${fn.name} with parameters [${key}] as a function with the same name and parameter types already exists`,
      );
    }
    seen.add(key);
    if (o.variadic === true && o.params.length === 0) {
      throw new SluiceError('INTERNAL_ASSERTION', `Function ${fn.name}: a variadic overload needs a parameter`);
    }
    if (o.paramNames !== undefined && o.paramNames.length !== o.params.length) {
      throw new SluiceError('INTERNAL_ASSERTION', `Function ${fn.name}: ${o.paramNames.length} parameter names for ${o.params.length} parameters`);
    }
  }
}
