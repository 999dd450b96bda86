/**
 * Overload resolution for aggregate and table functions, as ksqlDB's UdfIndex does it, where the
 * scalar resolver (registry.ts) does not reach: a variadic parameter anywhere in the list (TOPK's
 * `INT val1, ANY... val2, INT k`; UDAFs with variadic columns before literal init arguments),
 * implicit casts optional (UDAF indexes have none; UDTF indexes do), and the function's declared
 * name in messages and hints (`explode(ARRAY<T> list)`).
 *
 * Candidates: every signature that accepts the arguments (exact first, then with casts when
 * allowed); NULL literals match anything; generics bind consistently. Ranking as UdfIndex.Node:
 * non-variadic before variadic, more declared parameters, fewer generic parameters (an `ANY...`
 * counts as one), no `ANY...`, later variadic position. Two best candidates of equal rank are
 * ambiguous unless their parameters line up identically for these arguments (one trie node: the
 * first registered wins).
 */
import type { ParamType } from '../types.js';
import type { FunctionArgument, ResolvedArgument } from '../registry.js';
import {
  type ArgumentShape,
  type GenericBindings,
  applyBindings,
  areCompatible,
  concreteType,
  conversionTarget,
  formatArgument,
  formatParamType,
  hasGenerics,
  reserveGenerics,
} from '../param-types.js';
import type { SqlType } from './deps.js';
import { SluiceError, sqlTypesEqual } from './deps.js';

/** The parameter list of one overload, as resolution sees it. */
export interface Signature {
  readonly params: readonly ParamType[];
  /** Index of the variadic parameter (its element type in `params`), or -1. */
  readonly variadicIndex: number;
  /** One name per parameter ('' for none). */
  readonly paramNames: readonly string[];
}

export interface SignatureMatch {
  /** Index of the chosen signature. */
  readonly index: number;
  readonly bindings: GenericBindings;
  readonly arguments: readonly ResolvedArgument[];
}

function isLambdaArgument(argument: FunctionArgument): boolean {
  return argument !== null && argument.kind === 'LAMBDA' && 'parameterCount' in argument;
}

export function toArgumentShape(argument: FunctionArgument): ArgumentShape {
  if (argument === null) return { shape: 'NULL' };
  if (isLambdaArgument(argument)) return { shape: 'LAMBDA', parameterCount: (argument as { parameterCount: number }).parameterCount };
  return { shape: 'TYPED', type: argument as SqlType };
}

export function arityMatches(signature: Signature, count: number): boolean {
  const n = signature.params.length;
  return signature.variadicIndex >= 0 ? count >= n - 1 : count === n;
}

/** Index of the parameter that argument `argumentIndex` of `count` arguments is passed for. */
export function parameterIndexFor(signature: Signature, argumentIndex: number, count: number): number {
  const v = signature.variadicIndex;
  if (v < 0 || argumentIndex < v) return argumentIndex;
  const n = signature.params.length;
  const trailing = n - 1 - v;
  if (argumentIndex >= count - trailing) return argumentIndex - (count - n);
  return v;
}

function matches(signature: Signature, args: readonly ArgumentShape[], allowCasts: boolean): boolean {
  if (!arityMatches(signature, args.length)) return false;
  const bindings: GenericBindings = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.shape === 'NULL') continue;
    const param = signature.params[parameterIndexFor(signature, i, args.length)]!;
    if (hasGenerics(param)) {
      if (reserveGenerics(param, arg, bindings) !== null) return false;
    } else if (!areCompatible(arg, param, allowCasts)) {
      return false;
    }
  }
  return true;
}

function isObjectVarArg(signature: Signature): boolean {
  return signature.variadicIndex >= 0 && signature.params[signature.variadicIndex]!.kind === 'ANY';
}

function countGenerics(signature: Signature): number {
  let n = 0;
  signature.params.forEach((p, i) => {
    if (hasGenerics(p) || (i === signature.variadicIndex && p.kind === 'ANY')) n++;
  });
  return n;
}

/** UdfIndex.Node's comparator: positive when `a` is preferred to `b`. */
function compareSignatures(a: Signature, b: Signature): number {
  const variadic = (a.variadicIndex >= 0 ? 0 : 1) - (b.variadicIndex >= 0 ? 0 : 1);
  if (variadic !== 0) return variadic;
  const size = a.params.length - b.params.length;
  if (size !== 0) return size;
  const generics = countGenerics(b) - countGenerics(a);
  if (generics !== 0) return generics;
  const objectVarArg = (isObjectVarArg(a) ? 0 : 1) - (isObjectVarArg(b) ? 0 : 1);
  if (objectVarArg !== 0) return objectVarArg;
  return a.variadicIndex - b.variadicIndex;
}

/** `explode(ARRAY<T> list)`, `TOPK(INT val1, ANY... val2, INT k)` as UdfIndex lists a signature. */
export function formatSignatureHint(displayName: string, signature: Signature): string {
  const params = signature.params.map((p, i) => {
    const type = formatParamType(p) + (i === signature.variadicIndex ? '...' : '');
    const name = signature.paramNames[i] ?? '';
    return name === '' ? type : `${type} ${name}`;
  });
  return `${displayName}(${params.join(', ')})`;
}

function formatFound(args: readonly ArgumentShape[]): string {
  return `(${args.map((a) => formatArgument(a)).join(', ')})`;
}

function hints(displayName: string, signatures: readonly Signature[]): string {
  return signatures.map((s) => formatSignatureHint(displayName, s)).join('\n');
}

export function noMatchError(displayName: string, signatures: readonly Signature[], args: readonly ArgumentShape[]): SluiceError {
  const found = formatFound(args);
  return new SluiceError(
    'SQL_ANALYSIS',
    `Function '${displayName}' does not accept parameters ${found}.\n` +
      `Valid alternatives are:\n${hints(displayName, signatures)}\n` +
      'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;',
    { expected: 'arguments matching one of the signatures', found, function: displayName },
  );
}

function ambiguousError(displayName: string, signatures: readonly Signature[], args: readonly ArgumentShape[]): SluiceError {
  const found = formatFound(args);
  return new SluiceError(
    'SQL_ANALYSIS',
    `Function '${displayName}' cannot be resolved due to ambiguous method parameters ${found}.\n` +
      'Use CAST() to explicitly cast your parameters to one of the supported function calls.\n' +
      `Valid function calls are:\n${hints(displayName, signatures)}\n` +
      'For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;',
    { expected: 'arguments matching exactly one best signature', found, function: displayName },
  );
}

function select(displayName: string, signatures: readonly Signature[], args: readonly ArgumentShape[], allowCasts: boolean): number {
  for (const casts of allowCasts ? [false, true] : [false]) {
    const candidates: number[] = [];
    signatures.forEach((s, i) => {
      if (matches(s, args, casts)) candidates.push(i);
    });
    if (candidates.length === 0) continue;
    if (candidates.length === 1) return candidates[0]!;
    const sorted = [...candidates].sort((a, b) => compareSignatures(signatures[b]!, signatures[a]!) || a - b);
    const best = signatures[sorted[0]!]!;
    if (compareSignatures(best, signatures[sorted[1]!]!) > 0) return sorted[0]!;
    const tied = sorted.filter((i) => compareSignatures(signatures[i]!, best) === 0);
    const layout = (s: Signature): string =>
      args.map((_, i) => formatParamType(s.params[parameterIndexFor(s, i, args.length)]!)).join(',');
    const first = layout(best);
    if (tied.every((i) => layout(signatures[i]!) === first)) return Math.min(...tied);
    throw ambiguousError(displayName, signatures, args);
  }
  throw noMatchError(displayName, signatures, args);
}

/**
 * Resolves a call against `signatures` (see the header). Returns the chosen signature's index,
 * the generic bindings and, per argument, the type it must be passed as.
 */
export function resolveSignature(
  displayName: string,
  signatures: readonly Signature[],
  args: readonly FunctionArgument[],
  allowCasts: boolean,
): SignatureMatch {
  const shapes = args.map(toArgumentShape);
  const index = select(displayName, signatures, shapes, allowCasts);
  const signature = signatures[index]!;
  const bindings: GenericBindings = new Map();
  shapes.forEach((shape, i) => {
    const param = signature.params[parameterIndexFor(signature, i, shapes.length)]!;
    if (shape.shape !== 'NULL' && hasGenerics(param)) {
      const failure = reserveGenerics(param, shape, bindings);
      if (failure !== null) throw new SluiceError('SQL_ANALYSIS', failure, { function: displayName });
    }
  });
  const resolved: ResolvedArgument[] = shapes.map((shape, i) => {
    const param = signature.params[parameterIndexFor(signature, i, shapes.length)]!;
    if (shape.shape === 'NULL') {
      const t = hasGenerics(param) ? applyBindings(param, bindings) : concreteType(param);
      return { type: null, expectedType: typeof t === 'string' ? null : t, needsCast: false };
    }
    if (shape.shape !== 'TYPED') {
      throw new SluiceError('SQL_ANALYSIS', `Function '${displayName}' does not accept lambda arguments`, { function: displayName });
    }
    const expectedType = hasGenerics(param) ? shape.type : conversionTarget(shape.type, param);
    return { type: shape.type, expectedType, needsCast: !sqlTypesEqual(shape.type, expectedType) };
  });
  return { index, bindings, arguments: resolved };
}

/** The SQL type a pattern stands for with these bindings, or an SQL_ANALYSIS error. */
export function bindPattern(pattern: ParamType, bindings: GenericBindings, displayName: string): SqlType {
  const t = applyBindings(pattern, bindings);
  if (typeof t === 'string') throw new SluiceError('SQL_ANALYSIS', t, { function: displayName });
  return t;
}
