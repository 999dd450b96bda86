/**
 * Compiles an `Expr` ONCE into a JavaScript function over an `EngineRecord` (`new Function` code
 * generation), so evaluating a row walks no tree: column reads are hoisted into locals, nulls are
 * checked inline, and everything that is not a plain number, identifier or operator reaches the
 * generated code through a constants array (`K[i]`), never through interpolation. The only text
 * spliced into the source is: integers we validated (column indexes, decimal precision/scale),
 * finite numeric literals (`String(n)`), string literals and struct field names through
 * `JSON.stringify`, operators from a fixed table, and identifiers we made up (`t12`, `l3`).
 *
 * Semantics (ksqlDB's generated Java, SqlToJavaVisitor, wherever its tests check them):
 * - comparisons with a null operand are false (never null); IS [NOT] DISTINCT FROM is null-safe;
 *   BETWEEN is two comparisons, so NOT BETWEEN and NOT IN with a null operand are true;
 * - AND/OR/NOT use SQL's three-valued logic (ksqlDB would throw on a null BOOLEAN operand: the
 *   row's column becomes null / the filter drops it — the same outcome where it matters);
 * - arithmetic propagates null, except inside a lambda body, where ksqlDB's generated Java unboxes
 *   the operands and a null throws a NullPointerException (TRANSFORM(a, x => x + 5) over [5, NULL]
 *   fails the whole call, so the column is null); INT wraps to 32 bits, BIGINT is a JS number; integer division
 *   truncates; integer division by zero throws `/ by zero` (ksqlDB's ArithmeticException: a
 *   processing-log entry, the column becomes null, a filter drops the row); DOUBLE follows IEEE;
 *   DECIMAL is exact with MathContext(precision, UNNECESSARY) then the result type's scale;
 * - string `+` is Java's string concatenation (a null operand prints `null`);
 * - struct dereference and subscripts are null-safe; arrays are 1-based, negative from the end,
 *   out of range → null; a missing map key → null;
 * - LIKE: `%`, `_`, ESCAPE, whole-string match (Java regex semantics); a null operand → null;
 * - CASE: the first WHEN whose condition is TRUE (null counts as false), lazily;
 * - CAST through engine/types' compileCast; function calls through the registry's overload (its
 *   `implementationFor` specialisation when present), FunctionContext first when `needsContext`;
 *   lambdas become JS functions (hoisted out of the row function when they read no column);
 * - nested errors (ksqlDB's `ksql.nested.error.set.null`, on for new queries): an array item, map
 *   key or value, struct field, CAST, or a function argument that is itself a function call is
 *   null when it throws; the rest of the value survives (see `guarded`).
 */
import { SluiceError, systemClock } from '../../common/index.js';
import {
  Decimal,
  compileCast,
  decimalBinaryOp,
  decimalNegate,
  formatSqlType,
  parseDate,
  parseTime,
  parseTimestamp,
  sqlTypesEqual,
  type SqlType,
} from '../types/index.js';
import type { FunctionContext, ScalarFunction } from '../functions/index.js';
import type { EngineRecord } from '../operators/index.js';
import type { ColumnSource, ComparisonOperator, Expr } from './ir.js';
import * as helpers from './helpers.js';
import { formatExpression } from './format.js';

/** What compiled calls need from the function registry (FunctionRegistry satisfies it). */
export interface ScalarFunctionLookup {
  getScalar(name: string): ScalarFunction | undefined;
}

export interface CompileOptions {
  functions: ScalarFunctionLookup;
  /** Passed to implementations that declare `needsContext`. Default: the system clock, no properties. */
  functionContext?: FunctionContext;
}

export type Evaluator = (record: EngineRecord) => unknown;

export interface CompiledExpression {
  readonly expression: Expr;
  readonly type: SqlType;
  /** The expression as SQL-ish text, for processing-log messages (`(A + B)`, `UCASE(NAME)`). */
  readonly text: string;
  /** Evaluates the expression; throws SluiceError ENGINE_EVALUATION (or the function's error). */
  readonly evaluate: Evaluator;
  /** The generated JavaScript, for debugging and tests. */
  readonly source: string;
}

/** Called when one output column of a projection failed: the column is null, the row goes on. */
export type ProjectionErrorHandler = (columnIndex: number, error: unknown, record: EngineRecord) => void;

export interface CompiledProjection {
  readonly expressions: readonly Expr[];
  readonly texts: readonly string[];
  /** A new array of the evaluated expressions; a failing expression yields null and calls the handler. */
  readonly evaluate: (record: EngineRecord) => unknown[];
  readonly source: string;
}

const defaultFunctionContext: FunctionContext = Object.freeze({
  nowMs: () => systemClock.nowMs(),
  properties: Object.freeze({}),
});

/** Compiles one expression into an evaluator that throws SluiceError ENGINE_EVALUATION on errors. */
export function compileExpression(expr: Expr, options: CompileOptions): CompiledExpression {
  const generator = new Generator(options);
  const inner: string[] = [];
  generator.root = expr;
  const result = generator.gen(expr, inner, null);
  inner.push(`return ${result.code};`);
  // Anything a function implementation throws leaves as a SluiceError ENGINE_EVALUATION.
  const body = generator.mayThrow ? ['try {', ...inner, `} catch (e) { throw ${generator.constant(helpers.toEvaluationError)}(e); }`] : inner;
  const source = generator.assemble('evaluate', body);
  const evaluate = generator.instantiate(source) as Evaluator;
  return { expression: expr, type: expr.type, text: formatExpression(expr), evaluate, source };
}

/**
 * Compiles several expressions into one function returning a new array of their values: column
 * reads are shared, one call per row. Each expression that can fail runs in its own try/catch:
 * on error its value is null and `onError(index, error, record)` is called (ksqlDB's
 * SelectValueMapper: the row is still produced).
 */
export function compileProjection(expressions: readonly Expr[], options: CompileOptions, onError: ProjectionErrorHandler): CompiledProjection {
  const generator = new Generator(options);
  const body: string[] = [];
  const handler = generator.constant(onError);
  const wrap = generator.constant(helpers.toEvaluationError);
  const outputs: string[] = [];
  expressions.forEach((expr, index) => {
    const inner: string[] = [];
    const before = generator.mayThrow;
    generator.mayThrow = false;
    generator.root = expr;
    const result = generator.gen(expr, inner, null);
    const name = `o${index}`;
    outputs.push(name);
    if (generator.mayThrow) {
      body.push(`let ${name};`, 'try {', ...inner, `${name} = ${result.code};`, `} catch (e) { ${name} = null; ${handler}(${index}, ${wrap}(e), r); }`);
    } else {
      body.push(...inner, `const ${name} = ${result.code};`);
    }
    generator.mayThrow = before || generator.mayThrow;
  });
  body.push(`return [${outputs.join(', ')}];`);
  const source = generator.assemble('project', body);
  const evaluate = generator.instantiate(source) as (record: EngineRecord) => unknown[];
  return { expressions, texts: expressions.map(formatExpression), evaluate, source };
}

// ---------------------------------------------------------------------------------------------

interface Atom {
  /** A JS expression without side effects: an identifier or a literal. */
  code: string;
  nullable: boolean;
}

interface LambdaScope {
  names: Map<string, string>;
  parent: LambdaScope | null;
}

const NULL_ATOM: Atom = { code: 'null', nullable: true };
const COMPARISON_OPERATORS: Readonly<Record<string, string>> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const UNSAFE_FIELD_NAMES = new Set<string>(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)]);
const SAFE_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function checkIndex(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new SluiceError('INTERNAL_ASSERTION', `${what}: expected a non-negative integer, found ${String(n)}`);
  }
  return n;
}

function unsupported(what: string): SluiceError {
  return new SluiceError('SQL_UNSUPPORTED', what);
}

class Generator {
  private readonly constants: unknown[] = [];
  private readonly constantNames = new Map<unknown, string>();
  private readonly hoisted: string[] = [];
  private readonly columnLocals = new Map<string, { name: string; code: string }>();
  private usesValue = false;
  private usesKey = false;
  private nextTemp = 0;
  private nextLambdaParam = 0;
  private nextLabel = 0;
  /** Set when the code emitted since the last reset can throw. */
  mayThrow = false;
  /**
   * The expression being compiled: a CAST there is not guarded, so its failure stays the
   * expression's (a null column, reported; a filter's error) as ksqlDB's logged null would be.
   */
  root: Expr | null = null;
  private readonly functionContext: FunctionContext;

  constructor(private readonly options: CompileOptions) {
    this.functionContext = options.functionContext ?? defaultFunctionContext;
  }

  /** A local name bound to `value` in the factory's prologue. */
  constant(value: unknown): string {
    const existing = this.constantNames.get(value);
    if (existing !== undefined) return existing;
    const name = `k${this.constants.length}`;
    this.constants.push(value);
    this.constantNames.set(value, name);
    return name;
  }

  private helper(name: keyof typeof helpers): string {
    return this.constant(helpers[name]);
  }

  private temp(): string {
    return `t${this.nextTemp++}`;
  }

  assemble(functionName: string, body: string[]): string {
    const prologue: string[] = ['"use strict";'];
    this.constants.forEach((_, i) => prologue.push(`const k${i} = K[${i}];`));
    prologue.push(...this.hoisted);
    const reads: string[] = [];
    if (this.usesKey) reads.push('const kk = r.key;');
    if (this.usesValue) reads.push('const v = r.value;');
    for (const local of this.columnLocals.values()) reads.push(`const ${local.name} = ${local.code};`);
    return [...prologue, `return function ${functionName}(r) {`, ...reads, ...body, '};'].join('\n');
  }

  instantiate(source: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('K', source) as (constants: unknown[]) => unknown;
    return factory(this.constants);
  }

  // ---- columns ----

  private column(source: ColumnSource): Atom {
    let key: string;
    let name: string;
    let code: string;
    switch (source.kind) {
      case 'KEY': {
        const i = checkIndex(source.index, 'key column index');
        key = `K${i}`;
        name = `ck${i}`;
        code = `kk[${i}]`;
        this.usesKey = true;
        break;
      }
      case 'VALUE': {
        const i = checkIndex(source.index, 'value column index');
        key = `V${i}`;
        name = `cv${i}`;
        code = `v === null ? null : v[${i}]`;
        this.usesValue = true;
        break;
      }
      case 'ROWTIME':
        key = name = 'crowtime';
        code = 'r.timestampMs';
        return this.registerColumn(key, name, code, false);
      case 'ROWPARTITION':
        key = name = 'crowpartition';
        code = 'r.partition';
        return this.registerColumn(key, name, code, false);
      case 'ROWOFFSET':
        key = name = 'crowoffset';
        code = 'r.offset';
        return this.registerColumn(key, name, code, false);
      case 'WINDOWSTART':
        key = name = 'cwindowstart';
        code = 'r.window === null ? null : r.window.startMs';
        break;
      case 'WINDOWEND':
        key = name = 'cwindowend';
        code = 'r.window === null ? null : r.window.endMs';
        break;
      case 'HEADERS':
        key = name = 'cheaders';
        code = `${this.helper('headersArray')}(r.headers)`;
        return this.registerColumn(key, name, code, false);
      case 'HEADER': {
        const headerKey = this.constant(source.headerKey);
        key = `H:${source.headerKey}`;
        name = `ch${this.columnLocals.size}`;
        const existing = this.columnLocals.get(key);
        if (existing !== undefined) return { code: existing.name, nullable: true };
        code = `${this.helper('lastHeader')}(r.headers, ${headerKey})`;
        break;
      }
      default:
        throw new SluiceError('INTERNAL_ASSERTION', `unknown column source ${JSON.stringify(source)}`);
    }
    return this.registerColumn(key, name, code, true);
  }

  private registerColumn(key: string, name: string, code: string, nullable: boolean): Atom {
    const existing = this.columnLocals.get(key);
    if (existing !== undefined) return { code: existing.name, nullable };
    this.columnLocals.set(key, { name, code });
    return { code: name, nullable };
  }

  // ---- expressions ----

  gen(expr: Expr, b: string[], scope: LambdaScope | null): Atom {
    switch (expr.kind) {
      case 'column':
        return this.column(expr.source);
      case 'literal':
        return this.literal(expr.type, expr.value);
      case 'null':
        return NULL_ATOM;
      case 'arithmetic':
        return this.arithmetic(expr, b, scope);
      case 'negate':
        return this.negate(expr, b, scope);
      case 'concat': {
        const left = this.gen(expr.left, b, scope);
        const right = this.gen(expr.right, b, scope);
        const t = this.temp();
        if (expr.type.kind === 'BYTES') {
          b.push(`const ${t} = ${this.nullCheck(left, right)} ? null : Buffer.concat([${left.code}, ${right.code}]);`);
          return { code: t, nullable: left.nullable || right.nullable };
        }
        b.push(`const ${t} = ${this.helper('javaConcat')}(${left.code}, ${right.code});`);
        return { code: t, nullable: false };
      }
      case 'compare': {
        const left = this.gen(expr.left, b, scope);
        const right = this.gen(expr.right, b, scope);
        const t = this.temp();
        b.push(`const ${t} = ${this.comparison(expr.operator, left, expr.left.type, right, expr.right.type)};`);
        return { code: t, nullable: false };
      }
      case 'and':
      case 'or':
        return this.logical(expr.kind, expr.operands, b, scope);
      case 'not': {
        const operand = this.gen(expr.operand, b, scope);
        const t = this.temp();
        b.push(`const ${t} = ${operand.nullable ? `${operand.code} === null ? null : ` : ''}!${operand.code};`);
        return { code: t, nullable: operand.nullable };
      }
      case 'isNull': {
        const operand = this.gen(expr.operand, b, scope);
        const t = this.temp();
        b.push(`const ${t} = ${operand.code} ${expr.negated ? '!==' : '==='} null;`);
        return { code: t, nullable: false };
      }
      case 'between': {
        const operand = this.gen(expr.operand, b, scope);
        const low = this.gen(expr.low, b, scope);
        const high = this.gen(expr.high, b, scope);
        const t = this.temp();
        const ge = this.comparison('>=', operand, expr.operand.type, low, expr.low.type);
        const le = this.comparison('<=', operand, expr.operand.type, high, expr.high.type);
        b.push(`const ${t} = ${expr.negated ? '!' : ''}((${ge}) && (${le}));`);
        return { code: t, nullable: false };
      }
      case 'in':
        return this.inList(expr, b, scope);
      case 'like':
        return this.like(expr, b, scope);
      case 'case':
        return this.caseWhen(expr, b, scope);
      case 'cast': {
        const from = expr.operand.kind === 'null' ? null : expr.operand.type;
        if (from !== null && sqlTypesEqual(from, expr.type)) return this.gen(expr.operand, b, scope);
        if (expr === this.root) return this.castValue(expr, from, b, scope);
        return this.guarded(b, (inner) => this.castValue(expr, from, inner, scope));
      }
      case 'call':
        return this.call(expr, b, scope);
      case 'lambda':
        return this.lambda(expr, b, scope);
      case 'lambdaVariable': {
        for (let s = scope; s !== null; s = s.parent) {
          const name = s.names.get(expr.name);
          if (name !== undefined) return { code: name, nullable: true };
        }
        throw new SluiceError('INTERNAL_ASSERTION', `lambda variable ${JSON.stringify(expr.name)} is not bound`);
      }
      case 'dereference': {
        const operand = this.gen(expr.operand, b, scope);
        const t = this.temp();
        const field = expr.field;
        const read = UNSAFE_FIELD_NAMES.has(field)
          ? `${this.helper('ownField')}(${operand.code}, ${JSON.stringify(field)})`
          : `(${operand.code}[${JSON.stringify(field)}] ?? null)`;
        b.push(`const ${t} = ${operand.nullable ? `${operand.code} === null ? null : ` : ''}${read};`);
        return { code: t, nullable: true };
      }
      case 'subscript': {
        const operand = this.gen(expr.operand, b, scope);
        const index = this.gen(expr.index, b, scope);
        const t = this.temp();
        let read: string;
        if (expr.operand.type.kind === 'ARRAY') read = `${this.helper('arrayAt')}(${operand.code}, ${index.code})`;
        else if (expr.operand.type.kind === 'MAP') read = `${this.helper('mapGet')}(${operand.code}, ${index.code})`;
        else throw unsupported(`Subscript on ${formatSqlType(expr.operand.type)} is not supported`);
        b.push(`const ${t} = ${this.nullCheck(operand, index)} ? null : ${read};`);
        return { code: t, nullable: true };
      }
      case 'createArray': {
        const elements = expr.elements.map((e) => this.guarded(b, (inner) => this.gen(e, inner, scope)).code);
        const t = this.temp();
        b.push(`const ${t} = [${elements.join(', ')}];`);
        return { code: t, nullable: false };
      }
      case 'createMap': {
        const entries = expr.entries.map((e) => {
          const key = this.guarded(b, (inner) => this.gen(e.key, inner, scope));
          const value = this.guarded(b, (inner) => this.gen(e.value, inner, scope));
          return `.set(${key.code}, ${value.code})`;
        });
        const t = this.temp();
        b.push(`const ${t} = new Map()${entries.join('')};`);
        return { code: t, nullable: false };
      }
      case 'createStruct': {
        const fields = expr.fields.map((f) => {
          const value = this.guarded(b, (inner) => this.gen(f.value, inner, scope));
          const key = SAFE_IDENTIFIER.test(f.name) && f.name !== '__proto__' ? JSON.stringify(f.name) : `[${JSON.stringify(f.name)}]`;
          return `${key}: ${value.code}`;
        });
        const t = this.temp();
        b.push(`const ${t} = { ${fields.join(', ')} };`);
        return { code: t, nullable: false };
      }
      default: {
        const never: never = expr;
        throw new SluiceError('INTERNAL_ASSERTION', `unknown expression kind ${JSON.stringify((never as Expr).kind)}`);
      }
    }
  }

  /**
   * ksqlDB's `evaluateOrReturnNull` (`ksql.nested.error.set.null`, on for every new query): an
   * array item, a map key or value, a struct field, a CAST, and a function argument that is itself
   * a function call evaluate to null when they throw, so only that part of the value is lost.
   * A CAST that is the whole expression is left unguarded: its failure nulls the column and is
   * reported (ksqlDB logs it too), and a GROUP BY or filter sees the error.
   */
  private guarded(b: string[], generate: (inner: string[]) => Atom): Atom {
    const before = this.mayThrow;
    this.mayThrow = false;
    const inner: string[] = [];
    const atom = generate(inner);
    const canThrow = this.mayThrow;
    this.mayThrow = before;
    if (!canThrow) {
      b.push(...inner);
      return atom;
    }
    const t = this.temp();
    b.push(`let ${t} = null;`, 'try {', ...inner, `${t} = ${atom.code};`, `} catch { ${t} = null; }`);
    return { code: t, nullable: true };
  }

  private castValue(expr: Extract<Expr, { kind: 'cast' }>, from: SqlType | null, b: string[], scope: LambdaScope | null): Atom {
    const operand = this.gen(expr.operand, b, scope);
    const cast = compileCast(from, expr.type);
    this.mayThrow = true;
    const t = this.temp();
    b.push(`const ${t} = ${operand.nullable ? `${operand.code} === null ? null : ` : ''}${this.constant(cast)}(${operand.code});`);
    return { code: t, nullable: true };
  }

  private nullCheck(...atoms: Atom[]): string {
    const nullable = atoms.filter((a) => a.nullable);
    if (nullable.length === 0) return 'false';
    return `(${nullable.map((a) => `${a.code} === null`).join(' || ')})`;
  }

  private literal(type: SqlType, encoded: unknown): Atom {
    const value = decodeLiteral(type, encoded);
    if (value === null) return NULL_ATOM;
    if (typeof value === 'boolean') return { code: value ? 'true' : 'false', nullable: false };
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return { code: `(${String(value)})`, nullable: false };
    if (typeof value === 'string') return { code: JSON.stringify(value), nullable: false };
    return { code: this.constant(value), nullable: false };
  }

  private arithmetic(expr: Extract<Expr, { kind: 'arithmetic' }>, b: string[], scope: LambdaScope | null): Atom {
    const left = this.gen(expr.left, b, scope);
    const right = this.gen(expr.right, b, scope);
    const op = expr.operator;
    if (!['+', '-', '*', '/', '%'].includes(op)) throw new SluiceError('INTERNAL_ASSERTION', `unknown arithmetic operator ${JSON.stringify(op)}`);
    const type = expr.type;
    let code: string;
    switch (type.kind) {
      case 'DECIMAL': {
        const l = this.toDecimal(left.code, expr.left.type);
        const r = this.toDecimal(right.code, expr.right.type);
        const result = this.constant(Object.freeze({ precision: type.precision, scale: type.scale }));
        code = `${this.constant(decimalBinaryOp)}(${JSON.stringify(op)}, ${l}, ${r}, ${result})`;
        this.mayThrow = true;
        break;
      }
      case 'DOUBLE': {
        const l = expr.left.type.kind === 'DECIMAL' ? `${left.code}.toNumber()` : left.code;
        const r = expr.right.type.kind === 'DECIMAL' ? `${right.code}.toNumber()` : right.code;
        code = `(${l} ${op} ${r})`;
        break;
      }
      case 'BIGINT':
        if (op === '/') code = `${this.helper('longDivide')}(${left.code}, ${right.code})`;
        else if (op === '%') code = `${this.helper('longRemainder')}(${left.code}, ${right.code})`;
        else code = `(${left.code} ${op} ${right.code})`;
        if (op === '/' || op === '%') this.mayThrow = true;
        break;
      case 'INTEGER':
        if (op === '/') code = `${this.helper('intDivide')}(${left.code}, ${right.code})`;
        else if (op === '%') code = `${this.helper('intRemainder')}(${left.code}, ${right.code})`;
        else if (op === '*') code = `Math.imul(${left.code}, ${right.code})`;
        else code = `((${left.code} ${op} ${right.code}) | 0)`;
        if (op === '/' || op === '%') this.mayThrow = true;
        break;
      case 'STRING': {
        if (op !== '+') throw unsupported(`Operator ${op} is not supported on STRING`);
        const t = this.temp();
        b.push(`const ${t} = ${this.helper('javaConcat')}(${left.code}, ${right.code});`);
        return { code: t, nullable: false };
      }
      default:
        throw unsupported(`Arithmetic with result type ${formatSqlType(type)} is not supported`);
    }
    const t = this.temp();
    const check = this.nullCheck(left, right);
    if (check !== 'false' && scope !== null) {
      // Inside a lambda ksqlDB's generated Java unboxes the operands: null throws (NPE).
      this.mayThrow = true;
      b.push(`const ${t} = ${check} ? ${this.helper('nullPointer')}() : ${code};`);
      return { code: t, nullable: false };
    }
    b.push(check === 'false' ? `const ${t} = ${code};` : `const ${t} = ${check} ? null : ${code};`);
    return { code: t, nullable: left.nullable || right.nullable };
  }

  private toDecimal(code: string, type: SqlType): string {
    switch (type.kind) {
      case 'DECIMAL':
        return code;
      case 'INTEGER':
      case 'BIGINT':
        return `${this.helper('decimalFromInteger')}(${code})`;
      case 'DOUBLE':
        this.mayThrow = true;
        return `${this.constant(Decimal.fromDouble)}(${code})`;
      default:
        throw unsupported(`Cannot use ${formatSqlType(type)} as a DECIMAL`);
    }
  }

  private negate(expr: Extract<Expr, { kind: 'negate' }>, b: string[], scope: LambdaScope | null): Atom {
    const operand = this.gen(expr.operand, b, scope);
    let code: string;
    switch (expr.type.kind) {
      case 'INTEGER':
        code = `((0 - ${operand.code}) | 0)`;
        break;
      case 'BIGINT':
        code = `(0 - ${operand.code})`;
        break;
      case 'DOUBLE':
        code = `(-${operand.code})`;
        break;
      case 'DECIMAL':
        this.mayThrow = true;
        code = `${this.constant(decimalNegate)}(${operand.code}, ${checkIndex(expr.type.precision, 'decimal precision')})`;
        break;
      default:
        throw unsupported(`Negation of ${formatSqlType(expr.type)} is not supported`);
    }
    const t = this.temp();
    if (operand.nullable && scope !== null) {
      this.mayThrow = true;
      b.push(`const ${t} = ${operand.code} === null ? ${this.helper('nullPointer')}() : ${code};`);
      return { code: t, nullable: false };
    }
    b.push(`const ${t} = ${operand.nullable ? `${operand.code} === null ? null : ` : ''}${code};`);
    return { code: t, nullable: operand.nullable };
  }

  /** A boolean JS expression (never null) comparing two atoms as ksqlDB does. */
  comparison(operator: ComparisonOperator, left: Atom, leftType: SqlType, right: Atom, rightType: SqlType): string {
    const nullCheck = this.nullCheck(left, right);
    if (operator === 'IS DISTINCT FROM' || operator === 'IS NOT DISTINCT FROM') {
      const equal = this.nonNullComparison('=', left.code, leftType, right.code, rightType);
      const distinct = nullCheck === 'false' ? `!(${equal})` : `(${nullCheck} ? ((${left.code} === null) !== (${right.code} === null)) : !(${equal}))`;
      return operator === 'IS DISTINCT FROM' ? distinct : `!${distinct}`;
    }
    const compare = this.nonNullComparison(operator, left.code, leftType, right.code, rightType);
    return nullCheck === 'false' ? compare : `(${nullCheck} ? false : ${compare})`;
  }

  private nonNullComparison(operator: '=' | '<>' | '<' | '<=' | '>' | '>=', l: string, lt: SqlType, r: string, rt: SqlType): string {
    const relational = COMPARISON_OPERATORS[operator];
    if (operator !== '=' && operator !== '<>' && relational === undefined) {
      throw new SluiceError('INTERNAL_ASSERTION', `unknown comparison operator ${JSON.stringify(operator)}`);
    }
    if (lt.kind === 'DECIMAL' || rt.kind === 'DECIMAL') {
      const cmp = `${this.toDecimal(l, lt)}.compare(${this.toDecimal(r, rt)})`;
      return operator === '=' ? `(${cmp} === 0)` : operator === '<>' ? `(${cmp} !== 0)` : `(${cmp} ${relational} 0)`;
    }
    const timeKinds = new Set(['DATE', 'TIME', 'TIMESTAMP']);
    if (timeKinds.has(lt.kind) || timeKinds.has(rt.kind)) {
      const target = lt.kind === 'TIME' || rt.kind === 'TIME' ? 'TIME' : lt.kind === 'TIMESTAMP' || rt.kind === 'TIMESTAMP' ? 'TIMESTAMP' : 'DATE';
      l = this.toTime(l, lt, target);
      r = this.toTime(r, rt, target);
      return numberComparison(operator, l, r);
    }
    switch (lt.kind) {
      case 'STRING':
      case 'BOOLEAN':
        if (operator === '=') return `(${l} === ${r})`;
        if (operator === '<>') return `(${l} !== ${r})`;
        return `(${l} ${relational} ${r})`;
      case 'BYTES': {
        const cmp = `${this.helper('compareBytes')}(${l}, ${r})`;
        return operator === '=' ? `(${cmp} === 0)` : operator === '<>' ? `(${cmp} !== 0)` : `(${cmp} ${relational} 0)`;
      }
      case 'ARRAY':
      case 'MAP':
      case 'STRUCT':
        if (operator === '=') return `${this.helper('valuesEqual')}(${l}, ${r})`;
        if (operator === '<>') return `!${this.helper('valuesEqual')}(${l}, ${r})`;
        throw unsupported(`Operator ${operator} is not supported on ${formatSqlType(lt)}`);
      default:
        return numberComparison(operator, l, r);
    }
  }

  private toTime(code: string, type: SqlType, target: 'DATE' | 'TIME' | 'TIMESTAMP'): string {
    if (type.kind === target) return code;
    if (type.kind === 'STRING') {
      this.mayThrow = true;
      const parse = target === 'DATE' ? parseDate : target === 'TIME' ? parseTime : parseTimestamp;
      return `${this.constant(parse)}(${code})`;
    }
    if (type.kind === 'DATE' && target === 'TIMESTAMP') return `(${code} * 86400000)`;
    throw unsupported(`Cannot compare ${formatSqlType(type)} with ${target}`);
  }

  private logical(kind: 'and' | 'or', operands: readonly Expr[], b: string[], scope: LambdaScope | null): Atom {
    const t = this.temp();
    // AND: true until a false (stop) or a null (remember); OR: false until a true or a null.
    const start = kind === 'and' ? 'true' : 'false';
    const stop = kind === 'and' ? 'false' : 'true';
    b.push(`let ${t} = ${start};`);
    operands.forEach((operand, index) => {
      const inner: string[] = [];
      const atom = this.gen(operand, inner, scope);
      const update = atom.nullable
        ? `if (${atom.code} === ${stop}) ${t} = ${stop}; else if (${atom.code} === null) ${t} = null;`
        : `if (${atom.code} === ${stop}) ${t} = ${stop};`;
      if (index === 0) b.push('{', ...inner, update, '}');
      else b.push(`if (${t} !== ${stop}) {`, ...inner, update, '}');
    });
    return { code: t, nullable: true };
  }

  private inList(expr: Extract<Expr, { kind: 'in' }>, b: string[], scope: LambdaScope | null): Atom {
    const operand = this.gen(expr.operand, b, scope);
    const t = this.temp();
    const list = expr.list.filter((item) => item.kind !== 'null');
    const setKinds = new Set(['STRING', 'BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE']);
    const allLiterals = list.every((item) => item.kind === 'literal' && setKinds.has(item.type.kind));
    const sameDomain = (k: string): boolean =>
      expr.operand.type.kind === k || (['INTEGER', 'BIGINT', 'DOUBLE'].includes(k) && ['INTEGER', 'BIGINT', 'DOUBLE'].includes(expr.operand.type.kind));
    if (allLiterals && setKinds.has(expr.operand.type.kind) && list.every((item) => sameDomain(item.type.kind))) {
      const set = new Set(list.map((item) => decodeLiteral(item.type, (item as Extract<Expr, { kind: 'literal' }>).value)));
      const has = `${this.constant(set)}.has(${operand.code})`;
      b.push(`const ${t} = ${expr.negated ? '!' : ''}(${operand.nullable ? `${operand.code} !== null && ` : ''}${has});`);
      return { code: t, nullable: false };
    }
    b.push(`let ${t} = false;`);
    const inner: string[] = [];
    list.forEach((item, index) => {
      const block: string[] = [];
      const atom = this.gen(item, block, scope);
      const equal = this.comparison('=', operand, expr.operand.type, atom, item.type);
      block.push(`if (${equal}) ${t} = true;`);
      if (index === 0) inner.push('{', ...block, '}');
      else inner.push(`if (!${t}) {`, ...block, '}');
    });
    if (operand.nullable) b.push(`if (${operand.code} !== null) {`, ...inner, '}');
    else b.push(...inner);
    if (expr.negated) {
      const n = this.temp();
      b.push(`const ${n} = !${t};`);
      return { code: n, nullable: false };
    }
    return { code: t, nullable: false };
  }

  private like(expr: Extract<Expr, { kind: 'like' }>, b: string[], scope: LambdaScope | null): Atom {
    const operand = this.gen(expr.operand, b, scope);
    const t = this.temp();
    let test: string;
    let pattern: Atom | null = null;
    let regex: RegExp | null = null;
    if (expr.pattern.kind === 'literal') {
      const text = decodeLiteral(expr.pattern.type, expr.pattern.value);
      if (typeof text === 'string') {
        try {
          regex = helpers.likeToRegExp(text, expr.escape);
        } catch {
          regex = null; // report per row, as ksqlDB does
        }
      }
    }
    if (regex !== null) {
      test = `${this.constant(regex)}.test(${operand.code})`;
    } else {
      pattern = this.gen(expr.pattern, b, scope);
      this.mayThrow = true;
      test = `${this.constant(new helpers.DynamicLike(expr.escape))}.matches(${operand.code}, ${pattern.code})`;
    }
    const check = pattern === null ? this.nullCheck(operand) : this.nullCheck(operand, pattern);
    const result = expr.negated ? `!${test}` : test;
    b.push(check === 'false' ? `const ${t} = ${result};` : `const ${t} = ${check} ? null : ${result};`);
    return { code: t, nullable: check !== 'false' };
  }

  private caseWhen(expr: Extract<Expr, { kind: 'case' }>, b: string[], scope: LambdaScope | null): Atom {
    const t = this.temp();
    const label = `L${this.nextLabel++}`;
    b.push(`let ${t} = null;`, `${label}: {`);
    for (const when of expr.whens) {
      const condition = this.gen(when.condition, b, scope);
      const inner: string[] = [];
      const result = this.gen(when.result, inner, scope);
      b.push(`if (${condition.code} === true) {`, ...inner, `${t} = ${result.code};`, `break ${label};`, '}');
    }
    if (expr.otherwise !== null) {
      const result = this.gen(expr.otherwise, b, scope);
      b.push(`${t} = ${result.code};`);
    }
    b.push('}');
    return { code: t, nullable: true };
  }

  private call(expr: Extract<Expr, { kind: 'call' }>, b: string[], scope: LambdaScope | null): Atom {
    const fn = this.options.functions.getScalar(expr.functionName);
    if (fn === undefined) {
      throw new SluiceError('ENGINE_FUNCTION_NOT_FOUND', `Can't find any functions with the name '${expr.functionName}'`, {
        expected: 'a registered scalar function',
        found: expr.functionName,
      });
    }
    const overload = fn.overloads[expr.overloadIndex];
    if (overload === undefined) {
      throw new SluiceError('INTERNAL_ASSERTION', `function ${fn.name} has no overload ${expr.overloadIndex}`, {
        expected: `an index below ${fn.overloads.length}`,
        found: String(expr.overloadIndex),
      });
    }
    const argumentTypes = expr.args.map((a) => (a.kind === 'lambda' || a.kind === 'null' ? null : a.type));
    const implementation = overload.implementationFor ? overload.implementationFor(argumentTypes, expr.type) : overload.implementation;
    // ksqlDB guards an argument that is itself a function call (a failing UDF passes null on).
    const args = expr.args.map((a) => (a.kind === 'call' ? this.guarded(b, (inner) => this.gen(a, inner, scope)) : this.gen(a, b, scope)).code);
    if (overload.needsContext === true) args.unshift(this.constant(this.functionContext));
    this.mayThrow = true;
    const t = this.temp();
    b.push(`const ${t} = ${this.constant(implementation)}(${args.join(', ')}) ?? null;`);
    return { code: t, nullable: true };
  }

  private lambda(expr: Extract<Expr, { kind: 'lambda' }>, b: string[], scope: LambdaScope | null): Atom {
    const params = expr.params.map(() => `l${this.nextLambdaParam++}`);
    const lambdaScope: LambdaScope = { names: new Map(expr.params.map((p, i) => [p, params[i]!])), parent: scope };
    const hoist = !hasFreeReferences(expr.body, new Set(expr.params));
    const body: string[] = [];
    const result = this.gen(expr.body, body, hoist ? { names: lambdaScope.names, parent: null } : lambdaScope);
    const code = `((${params.join(', ')}) => {\n${body.join('\n')}\nreturn ${result.code};\n})`;
    const name = hoist ? `lam${this.hoisted.length}` : this.temp();
    if (hoist) this.hoisted.push(`const ${name} = ${code};`);
    else b.push(`const ${name} = ${code};`);
    return { code: name, nullable: false };
  }
}

function numberComparison(operator: '=' | '<>' | '<' | '<=' | '>' | '>=', l: string, r: string): string {
  if (operator === '=') return `(${l} === ${r})`;
  // Java: (l < r) || (l > r), so NaN <> NaN is false
  if (operator === '<>') return `(${l} < ${r} || ${l} > ${r})`;
  return `(${l} ${COMPARISON_OPERATORS[operator]!} ${r})`;
}

function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'column':
    case 'literal':
    case 'null':
    case 'lambdaVariable':
      return [];
    case 'arithmetic':
    case 'concat':
    case 'compare':
      return [expr.left, expr.right];
    case 'negate':
    case 'not':
    case 'isNull':
    case 'cast':
    case 'dereference':
      return [expr.operand];
    case 'and':
    case 'or':
      return expr.operands;
    case 'between':
      return [expr.operand, expr.low, expr.high];
    case 'in':
      return [expr.operand, ...expr.list];
    case 'like':
      return [expr.operand, expr.pattern];
    case 'case':
      return [...expr.whens.flatMap((w) => [w.condition, w.result]), ...(expr.otherwise ? [expr.otherwise] : [])];
    case 'call':
      return expr.args;
    case 'lambda':
      return [expr.body];
    case 'subscript':
      return [expr.operand, expr.index];
    case 'createArray':
      return expr.elements;
    case 'createMap':
      return expr.entries.flatMap((e) => [e.key, e.value]);
    case 'createStruct':
      return expr.fields.map((f) => f.value);
  }
}

/** True when `expr` reads a column or a lambda variable not in `bound`. */
function hasFreeReferences(expr: Expr, bound: ReadonlySet<string>): boolean {
  if (expr.kind === 'column') return true;
  if (expr.kind === 'lambdaVariable') return !bound.has(expr.name);
  if (expr.kind === 'lambda') {
    const inner = new Set(bound);
    for (const p of expr.params) inner.add(p);
    return hasFreeReferences(expr.body, inner);
  }
  return children(expr).some((c) => hasFreeReferences(c, bound));
}

/** Visits every node of an expression (pre-order). */
export function walkExpression(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  for (const child of children(expr)) walkExpression(child, visit);
}

/**
 * The run-time value of a literal from its JSON form: decimals as strings (or numbers), bytes as
 * base64, DATE/TIME/TIMESTAMP as numbers (or ISO text), maps as objects or `[key, value]` pairs.
 */
export function decodeLiteral(type: SqlType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'BOOLEAN':
      return value === true || value === 'true';
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
      return typeof value === 'number' ? value : Number(value);
    case 'DECIMAL': {
      if (value instanceof Decimal) return value;
      return Decimal.fromString(String(value));
    }
    case 'STRING':
      return String(value);
    case 'BYTES':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'base64');
    case 'DATE':
      return typeof value === 'number' ? value : parseDate(String(value));
    case 'TIME':
      return typeof value === 'number' ? value : parseTime(String(value));
    case 'TIMESTAMP':
      return typeof value === 'number' ? value : parseTimestamp(String(value));
    case 'ARRAY':
      return (value as unknown[]).map((e) => decodeLiteral(type.element, e));
    case 'MAP': {
      const entries: Array<[unknown, unknown]> = Array.isArray(value)
        ? (value as Array<[unknown, unknown]>).map(([k, v]) => [decodeLiteral(type.key, k), decodeLiteral(type.value, v)])
        : value instanceof Map
          ? [...value.entries()]
          : Object.entries(value as Record<string, unknown>).map(([k, v]) => [decodeLiteral(type.key, k), decodeLiteral(type.value, v)]);
      return new Map(entries);
    }
    case 'STRUCT': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const field of type.fields) {
        Object.defineProperty(out, field.name, {
          value: Object.hasOwn(source, field.name) ? decodeLiteral(field.type, source[field.name]) : null,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}
