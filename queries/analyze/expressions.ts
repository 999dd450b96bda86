/**
 * Expression analysis: a parsed expression (AST) resolved against a scope into the engine's typed
 * expression form (`Expr`), as ksqlDB's ExpressionTypeManager, CoercionUtil and code generator
 * together type and coerce it:
 *
 * - names: columns through the scope (key, value, header and pseudo-columns, qualified or not),
 *   lambda parameters through the lambda scope;
 * - literals: INT / BIGINT / DECIMAL(p, s) from the value / DOUBLE / STRING / BOOLEAN; an untyped
 *   NULL stays untyped until something gives it a type;
 * - functions: overloads through the registry (implicit casts become `cast` nodes, NULL arguments
 *   take the parameter's type, lambdas are typed from the bound generics, time units arrive as
 *   STRING literals); aggregate and table functions through hooks of the caller;
 * - user lists (IN, BETWEEN, ARRAY[...], MAP(...), STRUCT(...) when compared) coerced to a common
 *   type as ksqlDB's UserListCoercer does: literals converted, other expressions cast;
 * - comparisons validated as ComparisonUtil does; CASE branches must have one type.
 *
 * Errors carry ksqlDB's wording (`SELECT column 'X' cannot be resolved.`, `Cannot compare ...`,
 * `operator does not exist: ...`, `invalid input syntax for type ...`).
 */
import {
  Ast,
  BIGINT,
  BOOLEAN,
  DOUBLE,
  Decimal,
  INTEGER,
  STRING,
  SluiceError,
  arithmeticResultType,
  arrayType,
  canImplicitlyCastKind,
  castValue,
  coerceType,
  decimalTypeOfValue,
  formatAstExpression,
  formatSqlType,
  isCastSupported,
  isNumericKind,
  isTimeKind,
  javaTrim,
  mapType,
  numericTypeOfString,
  parseTimestamp,
  parseSqlBooleanExact,
  sqlTypesEqual,
  structType,
  unsupportedCastMessage,
  widenDecimal,
  type ColumnSource,
  type Expr,
  type FunctionArgument,
  type FunctionRegistry,
  type SqlType,
} from './deps.js';
import { resolveType, type TypeResolver } from './types.js';

/** A column visible to expressions: where it is in the step's input and its type. */
export interface ColumnBinding {
  readonly name: string;
  /** The source alias the column belongs to (null for synthetic columns). */
  readonly qualifier: string | null;
  readonly type: SqlType;
  readonly source: ColumnSource;
  /** Key column of its source. */
  readonly isKey?: boolean;
}

export type ResolveResult = ColumnBinding | { readonly ambiguous: readonly string[] } | { readonly unknownQualifier: string } | undefined;

/** Names visible to an expression. */
export interface Scope {
  resolve(qualifier: string | undefined, name: string): ResolveResult;
}

/** An analyzed expression; `type` is null only for an untyped NULL literal. */
export interface Typed {
  readonly expr: Expr;
  readonly type: SqlType | null;
  readonly ast: Ast.Expression;
}

export interface ExpressionHooks {
  /**
   * Called on every node before it is analyzed; a result replaces the node (used for GROUP BY /
   * PARTITION BY expressions and aggregate calls, which become column references).
   */
  substitute?(ast: Ast.Expression, analyzer: ExpressionAnalyzer): Typed | undefined;
  /** An aggregate function call (not substituted); throws when aggregates are not allowed. */
  aggregate?(call: Ast.FunctionCall, analyzer: ExpressionAnalyzer): Typed;
  /** A table function call. */
  tableFunction?(call: Ast.FunctionCall, analyzer: ExpressionAnalyzer): Typed;
}

export interface ExpressionContext {
  readonly scope: Scope;
  readonly functions: FunctionRegistry;
  readonly types: TypeResolver;
  /** The clause, for messages: SELECT, WHERE, GROUP BY, PARTITION BY, HAVING, JOIN ON... */
  readonly clause: string;
  readonly hooks?: ExpressionHooks;
}

/** Marks errors about names, which are never wrapped in "Invalid Predicate: ". */
const NAME_ERROR = 'nameResolution';

export function analysisError(message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message, details);
}

/** ksqlDB's ExpressionFormatter text of an expression, names unquoted as in its messages. */
export function expressionText(ast: Ast.Expression | Ast.FunctionArgument): string {
  return formatAstExpression(ast, { quoteIdentifiers: false });
}

/** The JSON form of a literal value in an `Expr` (see engine/expressions ir.ts). */
export function encodeLiteral(type: SqlType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'DECIMAL':
      return value instanceof Decimal ? value.toString() : String(value);
    case 'BYTES':
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
    case 'ARRAY':
      return (value as unknown[]).map((v) => encodeLiteral(type.element, v));
    case 'MAP':
      return [...(value as Map<unknown, unknown>).entries()].map(([k, v]) => [encodeLiteral(type.key, k), encodeLiteral(type.value, v)]);
    case 'STRUCT': {
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = encodeLiteral(f.type, (value as Record<string, unknown>)[f.name] ?? null);
      return out;
    }
    default:
      return value;
  }
}

function literal(type: SqlType, value: unknown): Expr {
  return value === null ? { kind: 'null', type } : { kind: 'literal', type, value: encodeLiteral(type, value) };
}

function isLiteralAst(ast: Ast.Expression): boolean {
  switch (ast.kind) {
    case 'nullLiteral':
    case 'booleanLiteral':
    case 'integerLiteral':
    case 'bigintLiteral':
    case 'decimalLiteral':
    case 'doubleLiteral':
    case 'stringLiteral':
      return true;
    default:
      return false;
  }
}

/** The JS value of a literal Expr (for literal coercion). */
function literalValue(expr: Expr): unknown {
  if (expr.kind === 'null') return null;
  if (expr.kind !== 'literal') return undefined;
  if (expr.type.kind === 'DECIMAL') return Decimal.fromString(String(expr.value));
  return expr.value;
}

function comparisonOperatorName(op: Ast.ComparisonOperator | 'IS NOT DISTINCT FROM'): string {
  switch (op) {
    case '=':
      return 'EQUAL';
    case '<>':
      return 'NOT_EQUAL';
    case '<':
      return 'LESS_THAN';
    case '<=':
      return 'LESS_THAN_OR_EQUAL';
    case '>':
      return 'GREATER_THAN';
    case '>=':
      return 'GREATER_THAN_OR_EQUAL';
    case 'IS DISTINCT FROM':
      return 'IS_DISTINCT_FROM';
    default:
      return 'IS_NOT_DISTINCT_FROM';
  }
}

/** ComparisonUtil.isValidComparison. */
export function isValidComparison(left: SqlType, op: string, right: SqlType): boolean {
  const equality = op === '=' || op === '<>' || op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM';
  const l = left.kind;
  const r = right.kind;
  if (isNumericKind(l)) return isNumericKind(r);
  switch (l) {
    case 'STRING':
      return r === 'STRING' || isTimeKind(r);
    case 'BOOLEAN':
      return r === 'BOOLEAN' && equality;
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return r === l && equality;
    case 'TIME':
      return r === 'TIME' || r === 'STRING';
    case 'DATE':
    case 'TIMESTAMP':
      return r === 'DATE' || r === 'TIMESTAMP' || r === 'STRING';
    case 'BYTES':
      return r === 'BYTES';
    default:
      return false;
  }
}

function invalidSyntax(value: string, target: SqlType): SluiceError {
  return analysisError(`invalid input syntax for type ${target.kind}: "${value}".`);
}

function coercionFailure(ast: Ast.Expression, source: SqlType | null, target: SqlType): SluiceError {
  return analysisError(
    `operator does not exist: ${formatSqlType(target)} = ${source === null ? 'null' : formatSqlType(source)} (${expressionText(ast)})\n` +
      'Hint: You might need to add explicit type casts.',
  );
}

function isPseudoTimestamp(t: Typed): boolean {
  return t.expr.kind === 'column' && (t.expr.source.kind === 'ROWTIME' || t.expr.source.kind === 'WINDOWSTART' || t.expr.source.kind === 'WINDOWEND');
}

/**
 * ksqlDB's StatementRewriteForMagicPseudoTimestamp: a string literal compared with ROWTIME,
 * WINDOWSTART or WINDOWEND is a (partial) timestamp, turned into its epoch milliseconds.
 */
function magicTimestamps(left: Typed, right: Typed): [Typed, Typed] {
  const convert = (t: Typed): Typed => {
    if (t.ast.kind !== 'stringLiteral') return t;
    let ms: number;
    try {
      ms = parseTimestamp(t.ast.value.trim());
    } catch (error) {
      throw analysisError((error as Error).message);
    }
    return { expr: { kind: 'literal', type: BIGINT, value: ms }, type: BIGINT, ast: { kind: 'bigintLiteral', value: BigInt(ms), span: t.ast.span } };
  };
  if (isPseudoTimestamp(left)) return [left, convert(right)];
  if (isPseudoTimestamp(right)) return [convert(left), right];
  return [left, right];
}

export class ExpressionAnalyzer {
  private readonly lambdaScopes: Array<Map<string, SqlType>> = [];
  /** Depth of IN / BETWEEN operand coercion in a WHERE clause (errors get "Invalid Predicate: "). */
  private predicateDepth = 0;

  constructor(readonly context: ExpressionContext) {}

  /** Analyzes an expression that must have a type. */
  analyze(ast: Ast.Expression): Typed {
    return this.visit(ast);
  }

  /** Analyzes and requires a concrete type (NULL literals must be cast). */
  analyzeTyped(ast: Ast.Expression): { expr: Expr; type: SqlType } {
    const t = this.visit(ast);
    if (t.type === null) {
      throw analysisError("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).");
    }
    return { expr: t.expr, type: t.type };
  }

  /** A boolean expression for WHERE / HAVING (ksqlDB's FilterTypeValidator). */
  analyzePredicate(ast: Ast.Expression, filterType: 'WHERE' | 'HAVING'): Expr {
    let t: Typed;
    try {
      t = this.visit(ast);
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'SQL_ANALYSIS' && error.details.kind === 'typeCheck') {
        throw analysisError(`Error in ${filterType} expression: ${error.message}`, { kind: 'typeCheck' });
      }
      throw error;
    }
    if (t.type === null) return { kind: 'null', type: BOOLEAN };
    if (t.type.kind !== 'BOOLEAN') {
      throw analysisError(
        `Type error in ${filterType} expression: Should evaluate to boolean but is ${expressionText(ast)} (${formatSqlType(t.type)}) instead.`,
      );
    }
    return t.expr;
  }

  /** Coerces an analyzed expression to `target` (implicit cast / literal conversion). */
  coerce(t: Typed, target: SqlType): Expr {
    if (t.type === null) return { kind: 'null', type: target };
    if (sqlTypesEqual(t.type, target)) return t.expr;
    if (t.expr.kind === 'literal' || t.expr.kind === 'null') {
      const value = literalValue(t.expr);
      try {
        return literal(target, castValue(value, t.type, target));
      } catch {
        // fall through to a run-time cast
      }
    }
    return { kind: 'cast', type: target, operand: t.expr };
  }

  private visit(ast: Ast.Expression): Typed {
    const hooks = this.context.hooks;
    if (hooks?.substitute !== undefined) {
      const replaced = hooks.substitute(ast, this);
      if (replaced !== undefined) return replaced;
    }
    const result = this.visitNode(ast);
    return result;
  }

  private typed(expr: Expr, ast: Ast.Expression, type: SqlType | null = expr.type): Typed {
    return { expr, type, ast };
  }

  private visitNode(ast: Ast.Expression): Typed {
    switch (ast.kind) {
      case 'nullLiteral':
        return { expr: { kind: 'null', type: STRING }, type: null, ast };
      case 'booleanLiteral':
        return this.typed({ kind: 'literal', type: BOOLEAN, value: ast.value }, ast);
      case 'integerLiteral':
        return this.typed({ kind: 'literal', type: INTEGER, value: ast.value }, ast);
      case 'bigintLiteral':
        return this.typed({ kind: 'literal', type: BIGINT, value: Number(ast.value) }, ast);
      case 'decimalLiteral': {
        const value = Decimal.fromString(ast.value);
        const type = decimalTypeOfValue(value);
        return this.typed({ kind: 'literal', type, value: value.toString() }, ast);
      }
      case 'doubleLiteral':
        return this.typed({ kind: 'literal', type: DOUBLE, value: ast.value }, ast);
      case 'stringLiteral':
        return this.typed({ kind: 'literal', type: STRING, value: ast.value }, ast);
      case 'columnReference':
        return this.column(undefined, ast.name, ast);
      case 'qualifiedColumnReference':
        return this.column(ast.source, ast.name, ast);
      case 'lambdaVariable': {
        for (let i = this.lambdaScopes.length - 1; i >= 0; i--) {
          const type = this.lambdaScopes[i]!.get(ast.name);
          if (type !== undefined) return this.typed({ kind: 'lambdaVariable', type, name: ast.name }, ast);
        }
        // Not a lambda parameter after all: a column.
        return this.column(undefined, ast.name, ast);
      }
      case 'dereference':
        return this.dereference(ast);
      case 'subscript':
        return this.subscript(ast);
      case 'functionCall':
        return this.functionCall(ast);
      case 'cast':
        return this.cast(ast);
      case 'searchedCase':
        return this.searchedCase(ast.whenClauses, ast.elseValue, ast);
      case 'simpleCase':
        return this.simpleCase(ast);
      case 'createArray':
        return this.createArray(ast);
      case 'createMap':
        return this.createMap(ast);
      case 'createStruct': {
        const names = new Set<string>();
        const fields = ast.fields.map((f) => {
          if (names.has(f.name)) throw analysisError('Duplicate field names found in STRUCT');
          names.add(f.name);
          const t = this.visit(f.value);
          // An untyped NULL field: ksqlDB gives it no type; STRING keeps the value printable.
          const type = t.type ?? STRING;
          return { name: f.name, value: this.coerce(t, type), type };
        });
        const type = structType(fields.map((f) => ({ name: f.name, type: f.type })));
        return this.typed({ kind: 'createStruct', type, fields: fields.map((f) => ({ name: f.name, value: f.value })) }, ast);
      }
      case 'arithmeticUnary': {
        const t = this.visit(ast.operand);
        if (t.type === null) return t;
        if (!isNumericKind(t.type.kind)) {
          throw analysisError(`Unsupported arithmetic types. ${t.type.kind}`);
        }
        if (ast.sign === '+') return { ...t, ast };
        // -(literal) folds into the literal, as ksqlDB's parser does for numbers.
        if (t.expr.kind === 'literal') {
          const v = literalValue(t.expr);
          if (typeof v === 'number') return this.typed({ kind: 'literal', type: t.type, value: t.type.kind === 'INTEGER' ? -v | 0 : -v }, ast);
        }
        return this.typed({ kind: 'negate', type: t.type, operand: t.expr }, ast);
      }
      case 'arithmeticBinary':
        return this.arithmetic(ast);
      case 'comparison':
        return this.comparison(ast.operator, ast.left, ast.right, ast);
      case 'logicalBinary': {
        const left = this.visit(ast.left);
        const right = this.visit(ast.right);
        const operands = [this.boolean(left), this.boolean(right)];
        const kind = ast.operator === 'AND' ? 'and' : 'or';
        // Flatten nested ANDs / ORs.
        const flat: Expr[] = [];
        for (const o of operands) {
          if (o.kind === kind) flat.push(...o.operands);
          else flat.push(o);
        }
        return this.typed({ kind, type: BOOLEAN, operands: flat }, ast);
      }
      case 'not': {
        const inner = ast.operand;
        // NOT BETWEEN / NOT IN / NOT LIKE / IS NOT DISTINCT FROM fold into the positive node.
        const t = this.visit(inner);
        const e = t.expr;
        if (inner.kind === 'between' && e.kind === 'between') return this.typed({ ...e, negated: !e.negated }, ast);
        if (inner.kind === 'inList' && e.kind === 'in') return this.typed({ ...e, negated: !e.negated }, ast);
        if (inner.kind === 'like' && e.kind === 'like') return this.typed({ ...e, negated: !e.negated }, ast);
        if (inner.kind === 'comparison' && e.kind === 'compare' && e.operator === 'IS DISTINCT FROM') {
          return this.typed({ ...e, operator: 'IS NOT DISTINCT FROM' }, ast);
        }
        return this.typed({ kind: 'not', type: BOOLEAN, operand: this.boolean(t) }, ast);
      }
      case 'isNull':
      case 'isNotNull': {
        const t = this.visit(ast.operand);
        return this.typed({ kind: 'isNull', type: BOOLEAN, operand: t.expr, negated: ast.kind === 'isNotNull' }, ast);
      }
      case 'between':
        return this.between(ast);
      case 'inList':
        return this.inList(ast);
      case 'like': {
        const value = this.visit(ast.value);
        const pattern = this.visit(ast.pattern);
        for (const t of [value, pattern]) {
          if (t.type !== null && t.type.kind !== 'STRING') {
            throw analysisError(`LIKE operator is only supported on STRING, found ${formatSqlType(t.type)}: ${expressionText(t.ast)}`, {
              kind: 'typeCheck',
            });
          }
        }
        return this.typed(
          {
            kind: 'like',
            type: BOOLEAN,
            operand: this.coerce(value, STRING),
            pattern: this.coerce(pattern, STRING),
            escape: ast.escape ?? null,
            negated: false,
          },
          ast,
        );
      }
      default: {
        const never: never = ast;
        throw new SluiceError('INTERNAL_ASSERTION', `unknown expression kind ${(never as Ast.Expression).kind}`);
      }
    }
  }

  private boolean(t: Typed): Expr {
    if (t.type === null) return { kind: 'null', type: BOOLEAN };
    if (t.type.kind !== 'BOOLEAN') {
      throw analysisError(`Unsupported operand type ${formatSqlType(t.type)} for a logical operation: ${expressionText(t.ast)}`, { kind: 'typeCheck' });
    }
    return t.expr;
  }

  // ---- names ----

  private column(qualifier: string | undefined, name: string, ast: Ast.Expression): Typed {
    const result = this.context.scope.resolve(qualifier, name);
    const text = qualifier === undefined ? name : `${qualifier}.${name}`;
    if (result === undefined) {
      throw new SluiceError('SQL_ANALYSIS', `${this.context.clause} column '${text}' cannot be resolved.`, {
        kind: NAME_ERROR,
        found: text,
        span: ast.span,
      });
    }
    if ('ambiguous' in result) {
      throw new SluiceError('SQL_ANALYSIS', `Column '${name}' is ambiguous. Could be ${result.ambiguous.map((s) => `${s}.${name}`).join(' or ')}.`, {
        kind: NAME_ERROR,
        span: ast.span,
      });
    }
    if ('unknownQualifier' in result) {
      throw new SluiceError('SQL_ANALYSIS', `'${result.unknownQualifier}' is not a valid stream/table name or alias.`, { kind: NAME_ERROR });
    }
    return this.typed({ kind: 'column', type: result.type, source: result.source, name: result.name }, ast);
  }

  private dereference(ast: Ast.Dereference): Typed {
    const base = this.visit(ast.base);
    if (base.type === null) return this.typed({ kind: 'null', type: STRING }, ast, null);
    if (base.type.kind !== 'STRUCT') {
      throw analysisError(`Expected STRUCT type, got: ${formatSqlType(base.type)}`);
    }
    const field = base.type.fields.find((f) => f.name === ast.field);
    if (field === undefined) {
      throw analysisError(`Could not find field '${ast.field}' in '${expressionText(ast.base)}'.`);
    }
    return this.typed({ kind: 'dereference', type: field.type, operand: base.expr, field: field.name }, ast);
  }

  private subscript(ast: Ast.Subscript): Typed {
    const base = this.visit(ast.base);
    const index = this.visit(ast.index);
    if (base.type === null) return this.typed({ kind: 'null', type: STRING }, ast, null);
    if (base.type.kind === 'ARRAY') {
      if (index.type !== null && index.type.kind !== 'INTEGER' && index.type.kind !== 'BIGINT') {
        throw analysisError(`Array index must be an INTEGER, found ${formatSqlType(index.type)}: ${expressionText(ast.index)}`);
      }
      return this.typed({ kind: 'subscript', type: base.type.element, operand: base.expr, index: this.coerce(index, INTEGER) }, ast);
    }
    if (base.type.kind === 'MAP') {
      return this.typed({ kind: 'subscript', type: base.type.value, operand: base.expr, index: this.coerce(index, base.type.key) }, ast);
    }
    const structMessage = base.type.kind === 'STRUCT' ? ` Use the dereference operator for STRUCTS: ${expressionText(ast.base)}->'${expressionText(ast.index)}'` : '';
    throw analysisError(`Subscript expression (${expressionText(ast)}) do not apply to ${formatSqlType(base.type)}.${structMessage}`);
  }

  // ---- functions ----

  private functionCall(ast: Ast.FunctionCall): Typed {
    const registry = this.context.functions;
    const kind = registry.kindOf(ast.name);
    if (kind === 'AGGREGATE') {
      if (this.context.hooks?.aggregate === undefined) {
        throw analysisError(`Aggregate functions can not be used in ${this.context.clause}: ${expressionText(ast)}`);
      }
      return this.context.hooks.aggregate(ast, this);
    }
    if (kind === 'TABLE') {
      if (this.context.hooks?.tableFunction === undefined) {
        throw analysisError(`Table functions can not be used in ${this.context.clause}: ${expressionText(ast)}`);
      }
      return this.context.hooks.tableFunction(ast, this);
    }
    const fn = registry.requireScalar(ast.name);
    return this.scalarCall(fn.name, ast);
  }

  /** Analyzes the arguments of a call (lambdas postponed): typed values for the registry. */
  analyzeArguments(args: readonly Ast.FunctionArgument[]): Array<Typed | { lambda: Ast.Lambda } | null> {
    return args.map((arg) => {
      if (arg.kind === 'lambda') return { lambda: arg };
      if (arg.kind === 'intervalUnit') {
        return { expr: { kind: 'literal', type: STRING, value: arg.unit } as Expr, type: STRING, ast: { kind: 'stringLiteral', value: arg.unit, span: arg.span } };
      }
      return this.visit(arg);
    });
  }

  private scalarCall(name: string, ast: Ast.FunctionCall): Typed {
    const analyzed = this.analyzeArguments(ast.args);
    const shapes: FunctionArgument[] = analyzed.map((a) => {
      if (a === null) return null;
      if ('lambda' in a) return { kind: 'LAMBDA', parameterCount: a.lambda.params.length };
      return a.type;
    });
    const lambdaBodies = new Map<number, { params: string[]; body: Expr; paramTypes: SqlType[] }>();
    const resolved = this.context.functions.resolveScalar(name, shapes, (index, parameterTypes) => {
      const a = analyzed[index];
      if (a === null || a === undefined || !('lambda' in a)) throw new SluiceError('INTERNAL_ASSERTION', 'lambda typer called for a non-lambda');
      const lambda = a.lambda;
      if (lambda.params.length !== parameterTypes.length) {
        throw analysisError(`Was expecting ${parameterTypes.length} arguments but found ${lambda.params.length}, ${lambda.params.join(', ')}. Check your lambda statement.`);
      }
      const scope = new Map<string, SqlType>();
      lambda.params.forEach((p, i) => scope.set(p, parameterTypes[i]!));
      this.lambdaScopes.push(scope);
      try {
        const body = this.analyzeTyped(lambda.body);
        lambdaBodies.set(index, { params: [...lambda.params], body: body.expr, paramTypes: [...parameterTypes] });
        return body.type;
      } finally {
        this.lambdaScopes.pop();
      }
    });
    const fn = resolved.function;
    const overloadIndex = fn.overloads.indexOf(resolved.overload);
    const args: Expr[] = analyzed.map((a, i) => {
      const r = resolved.arguments[i]!;
      if (a !== null && 'lambda' in a) {
        const l = lambdaBodies.get(i)!;
        return { kind: 'lambda', type: l.body.type, params: l.params, body: l.body };
      }
      const t = a!;
      if (t.type === null) return { kind: 'null', type: r.expectedType ?? STRING };
      if (r.expectedType !== null && r.needsCast) return this.coerce(t, r.expectedType);
      return t.expr;
    });
    return this.typed({ kind: 'call', type: resolved.returnType, functionName: fn.name, overloadIndex, args }, ast);
  }

  // ---- casts and CASE ----

  private cast(ast: Ast.Cast): Typed {
    const target = resolveType(ast.type, this.context.types);
    const t = this.visit(ast.expression);
    if (t.type === null) return this.typed({ kind: 'null', type: target }, ast);
    if (!isCastSupported(t.type, target)) throw analysisError(unsupportedCastMessage(t.type, target));
    if (sqlTypesEqual(t.type, target)) return this.typed(t.expr, ast);
    return this.typed({ kind: 'cast', type: target, operand: t.expr }, ast);
  }

  private searchedCase(whens: readonly Ast.WhenClause[], elseValue: Ast.Expression | undefined, ast: Ast.Expression): Typed {
    let resultType: SqlType | null = null;
    const analyzed = whens.map((w) => {
      const condition = this.visit(w.condition);
      if (condition.type !== null && condition.type.kind !== 'BOOLEAN') {
        throw analysisError(`WHEN operand type should be boolean.\nType for '${expressionText(w.condition)}' is ${formatSqlType(condition.type)}`);
      }
      const result = this.visit(w.result);
      if (result.type !== null) {
        if (resultType === null) resultType = result.type;
        else if (!sqlTypesEqual(resultType, result.type)) {
          throw analysisError(
            "Invalid Case expression. Type for all 'THEN' clauses should be the same.\n" +
              `THEN expression 'WHEN ${expressionText(w.condition)} THEN ${expressionText(w.result)}' has type: ${formatSqlType(result.type)}.\n` +
              `Previous THEN expression(s) type: ${formatSqlType(resultType)}.`,
          );
        }
      }
      return { condition, result };
    });
    const otherwise = elseValue === undefined ? undefined : this.visit(elseValue);
    let type: SqlType;
    if (resultType !== null && otherwise?.type) {
      if (!sqlTypesEqual(resultType, otherwise.type)) {
        throw analysisError(
          "Invalid Case expression. Type for the default clause should be the same as for 'THEN' clauses.\n" +
            `THEN type: ${formatSqlType(resultType)}.\nDEFAULT type: ${formatSqlType(otherwise.type)}.`,
        );
      }
      type = resultType;
    } else if (resultType !== null) {
      type = resultType;
    } else if (otherwise?.type) {
      type = otherwise.type;
    } else {
      throw analysisError('Invalid Case expression. All case branches have NULL type');
    }
    return this.typed(
      {
        kind: 'case',
        type,
        whens: analyzed.map((w) => ({ condition: this.boolean(w.condition), result: this.coerce(w.result, type) })),
        otherwise: otherwise === undefined ? null : this.coerce(otherwise, type),
      },
      ast,
    );
  }

  private simpleCase(ast: Ast.SimpleCase): Typed {
    // ksqlDB rewrites CASE x WHEN v THEN r into CASE WHEN x = v THEN r.
    const whens: Ast.WhenClause[] = ast.whenClauses.map((w) => ({
      kind: 'whenClause',
      condition: { kind: 'comparison', operator: '=', left: ast.operand, right: w.condition, span: w.span },
      result: w.result,
      span: w.span,
    }));
    return this.searchedCase(whens, ast.elseValue, ast);
  }

  // ---- operators ----

  private arithmetic(ast: Ast.ArithmeticBinary): Typed {
    const left = this.visit(ast.left);
    const right = this.visit(ast.right);
    if (left.type === null || right.type === null) {
      // ksqlDB's Operator.resultType rejects an untyped NULL operand (Java prints its type as "null").
      const typeText = (t: SqlType | null): string => (t === null ? 'null' : formatSqlType(t));
      throw analysisError(
        `Error processing expression: ${expressionText(ast)}. Arithmetic on types ${typeText(left.type)} and ${typeText(right.type)} are not supported.`,
        { kind: 'typeCheck' },
      );
    }
    let type: SqlType;
    try {
      type = arithmeticResultType(ast.operator, left.type, right.type);
    } catch (error) {
      if (error instanceof SluiceError) {
        throw analysisError(`Error processing expression: ${expressionText(ast)}. ${error.message}`, { kind: 'typeCheck' });
      }
      throw error;
    }
    return this.typed({ kind: 'arithmetic', type, operator: ast.operator, left: left.expr, right: right.expr }, ast);
  }

  private comparison(operator: Ast.ComparisonOperator, leftAst: Ast.Expression, rightAst: Ast.Expression, ast: Ast.Expression): Typed {
    let left = this.visit(leftAst);
    let right = this.visit(rightAst);
    [left, right] = magicTimestamps(left, right);
    if (left.type === null || right.type === null) {
      const nullDistinct = operator === 'IS DISTINCT FROM';
      if (nullDistinct && (left.type !== null || right.type !== null)) {
        const type = (left.type ?? right.type)!;
        return this.typed({ kind: 'compare', type: BOOLEAN, operator, left: this.coerce(left, type), right: this.coerce(right, type) }, ast);
      }
      throw analysisError(
        `Comparison with NULL not supported: ${left.type === null ? 'NULL' : left.type.kind} ${operator} ${right.type === null ? 'NULL' : right.type.kind}\n` +
          "Use 'IS NULL' or 'IS NOT NULL' instead.",
      );
    }
    if (!isValidComparison(left.type, operator, right.type)) {
      throw analysisError(
        `Cannot compare ${expressionText(leftAst)} (${formatSqlType(left.type)}) to ${expressionText(rightAst)} (${formatSqlType(right.type)}) with ${comparisonOperatorName(operator)}.`,
        { kind: 'typeCheck' },
      );
    }
    let l = left.expr;
    let r = right.expr;
    // Structured values compare after coercion to a common type (ksqlDB coerces them).
    if (left.type.kind === 'ARRAY' || left.type.kind === 'MAP' || left.type.kind === 'STRUCT') {
      const common = this.commonType([left, right]);
      if (common !== null) {
        l = this.coerce(left, common);
        r = this.coerce(right, common);
      }
    }
    return this.typed({ kind: 'compare', type: BOOLEAN, operator, left: l, right: r }, ast);
  }

  private inPredicateScope<T>(run: () => T): T {
    const where = this.context.clause === 'WHERE';
    this.predicateDepth++;
    try {
      return run();
    } catch (error) {
      if (where && this.predicateDepth === 1 && error instanceof SluiceError && error.code === 'SQL_ANALYSIS' && error.details.kind !== NAME_ERROR) {
        throw new SluiceError('SQL_ANALYSIS', `Invalid Predicate: ${error.message}`, { ...error.details, kind: NAME_ERROR });
      }
      throw error;
    } finally {
      this.predicateDepth--;
    }
  }

  private between(ast: Ast.Between): Typed {
    const value = this.visit(ast.value);
    let min = this.visit(ast.min);
    let max = this.visit(ast.max);
    [, min] = magicTimestamps(value, min);
    [, max] = magicTimestamps(value, max);
    return this.inPredicateScope(() => {
      const common = this.commonType([value, min, max]);
      if (common === null) return this.typed({ kind: 'null', type: BOOLEAN }, ast);
      return this.typed(
        {
          kind: 'between',
          type: BOOLEAN,
          operand: this.coerceMember(value, common),
          low: this.coerceMember(min, common),
          high: this.coerceMember(max, common),
          negated: false,
        },
        ast,
      );
    });
  }

  private inList(ast: Ast.InList): Typed {
    const value = this.visit(ast.value);
    const items = ast.list.map((e) => this.visit(e));
    return this.inPredicateScope(() => {
      const all = [value, ...items];
      const common = this.commonType(all);
      if (common === null) return this.typed({ kind: 'literal', type: BOOLEAN, value: false }, ast);
      return this.typed(
        {
          kind: 'in',
          type: BOOLEAN,
          operand: this.coerceMember(value, common),
          list: items.map((i) => this.coerceMember(i, common)),
          negated: false,
        },
        ast,
      );
    });
  }

  private createArray(ast: Ast.CreateArray): Typed {
    if (ast.values.length === 0) {
      throw analysisError(
        'Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).',
      );
    }
    const items = ast.values.map((v) => this.visit(v));
    const element = this.commonType(items);
    if (element === null) {
      throw analysisError(
        'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
      );
    }
    return this.typed({ kind: 'createArray', type: arrayType(element), elements: items.map((i) => this.coerceMember(i, element)) }, ast);
  }

  private createMap(ast: Ast.CreateMap): Typed {
    if (ast.entries.length === 0) {
      throw analysisError(
        'Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).',
      );
    }
    const keys = ast.entries.map((e) => this.visit(e.key));
    const values = ast.entries.map((e) => this.visit(e.value));
    const keyType = this.commonType(keys);
    if (keyType === null) {
      throw analysisError(
        'Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.',
      );
    }
    const valueType = this.commonType(values);
    if (valueType === null) {
      throw analysisError(
        'Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
      );
    }
    return this.typed(
      {
        kind: 'createMap',
        type: mapType(keyType, valueType),
        entries: keys.map((k, i) => ({ key: this.coerceMember(k, keyType), value: this.coerceMember(values[i]!, valueType) })),
      },
      ast,
    );
  }

  // ---- user-list coercion (ksqlDB's CoercionUtil.UserListCoercer) ----

  /** The common type of a list (first non-null drives it); null when all are NULL literals. */
  commonType(items: readonly Typed[]): SqlType | null {
    let result: SqlType | null = null;
    let first = true;
    for (const item of items) {
      if (first) {
        result = item.type;
        first = false;
        continue;
      }
      result = this.resolveCommon(item, result);
    }
    return result;
  }

  private resolveCommon(item: Typed, common: SqlType | null): SqlType | null {
    if (common === null) return item.type;
    if (item.type === null) return common;
    const ast = item.ast;
    const target = common;
    if (ast.kind === 'createArray') {
      if (target.kind !== 'ARRAY') throw coercionFailure(ast, item.type, target);
      return arrayType(this.structuredCommon(target.element, ast.values, ast, item.type, target));
    }
    if (ast.kind === 'createMap') {
      if (target.kind !== 'MAP') throw coercionFailure(ast, item.type, target);
      const k = this.structuredCommon(target.key, ast.entries.map((e) => e.key), ast, item.type, target);
      const v = this.structuredCommon(target.value, ast.entries.map((e) => e.value), ast, item.type, target);
      return mapType(k, v);
    }
    if (ast.kind === 'createStruct') {
      if (target.kind !== 'STRUCT') throw coercionFailure(ast, item.type, target);
      const names: string[] = [];
      for (const f of ast.fields) if (!names.includes(f.name)) names.push(f.name);
      for (const f of target.fields) if (!names.includes(f.name)) names.push(f.name);
      const fields = names.map((name) => {
        const sourceField = ast.fields.find((f) => f.name === name);
        const targetField = target.fields.find((f) => f.name === name);
        if (sourceField === undefined) return { name, type: targetField!.type };
        const analyzed = this.visit(sourceField.value);
        if (targetField === undefined) return { name, type: analyzed.type ?? STRING };
        if (analyzed.type === null) return { name, type: targetField.type };
        try {
          return { name, type: this.resolveCommon(analyzed, targetField.type)! };
        } catch (error) {
          if (error instanceof SluiceError && /^invalid input syntax/.test(error.message)) throw error;
          throw coercionFailure(ast, item.type, target);
        }
      });
      return structType(fields);
    }
    if (ast.kind === 'stringLiteral') {
      if (isNumericKind(target.kind)) return this.numericFromString(ast.value, target);
      if (target.kind === 'BOOLEAN') {
        if (parseSqlBooleanExact(javaTrim(ast.value)) === null) throw invalidSyntax(ast.value, target);
        return common;
      }
    }
    const literal = isLiteralAst(ast);
    const c0 = coerceType(item.type, target, literal);
    if (c0 !== null) return c0;
    const c1 = coerceType(target, item.type, literal);
    if (c1 !== null) return c1;
    throw coercionFailure(ast, item.type, target);
  }

  private structuredCommon(target: SqlType, values: readonly Ast.Expression[], ast: Ast.Expression, sourceType: SqlType, outer: SqlType): SqlType {
    const typed = values.map((v) => this.visit(v));
    if (typed.every((t) => t.type === null)) return target;
    let result: SqlType | null = target;
    try {
      for (const t of typed) result = this.resolveCommon(t, result);
    } catch (error) {
      if (error instanceof SluiceError && /^invalid input syntax/.test(error.message)) throw error;
      throw coercionFailure(ast, sourceType, outer);
    }
    return result ?? target;
  }

  private numericFromString(value: string, target: SqlType): SqlType {
    const source = numericTypeOfString(value);
    if (source === null) throw invalidSyntax(value, target);
    if (source.kind === 'DOUBLE' || target.kind === 'DOUBLE') return DOUBLE;
    if (source.kind === 'DECIMAL' || target.kind === 'DECIMAL') return widenDecimal(source, target);
    return canImplicitlyCastKind(source.kind, target.kind) ? target : source;
  }

  /** Converts a list member to the common type: literals become literals, the rest are cast. */
  private coerceMember(t: Typed, target: SqlType): Expr {
    if (t.type === null) return { kind: 'null', type: target };
    if (sqlTypesEqual(t.type, target)) return t.expr;
    const ast = t.ast;
    if (ast.kind === 'stringLiteral') {
      try {
        return literal(target, castValue(ast.value, STRING, target));
      } catch {
        throw invalidSyntax(ast.value, target);
      }
    }
    if (t.expr.kind === 'createArray' && target.kind === 'ARRAY') {
      return { kind: 'createArray', type: target, elements: (ast as Ast.CreateArray).values.map((v) => this.coerceMember(this.visit(v), target.element)) };
    }
    if (t.expr.kind === 'createMap' && target.kind === 'MAP') {
      const entries = (ast as Ast.CreateMap).entries;
      return {
        kind: 'createMap',
        type: target,
        entries: entries.map((e) => ({ key: this.coerceMember(this.visit(e.key), target.key), value: this.coerceMember(this.visit(e.value), target.value) })),
      };
    }
    if (t.expr.kind === 'createStruct' && target.kind === 'STRUCT') {
      const fields = (ast as Ast.CreateStruct).fields;
      return {
        kind: 'createStruct',
        type: target,
        fields: target.fields.map((f) => {
          const source = fields.find((x) => x.name === f.name);
          return { name: f.name, value: source === undefined ? { kind: 'null', type: f.type } : this.coerceMember(this.visit(source.value), f.type) };
        }),
      };
    }
    return this.coerce(t, target);
  }
}

/** Visits every sub-expression of an AST expression (pre-order), lambdas' bodies included. */
export function walkAst(ast: Ast.Expression | Ast.FunctionArgument, visit: (e: Ast.Expression) => boolean | void): void {
  if (ast.kind === 'lambda') {
    walkAst(ast.body, visit);
    return;
  }
  if (ast.kind === 'intervalUnit') return;
  if (visit(ast) === false) return;
  const children: Array<Ast.Expression | Ast.FunctionArgument> = [];
  switch (ast.kind) {
    case 'dereference':
      children.push(ast.base);
      break;
    case 'subscript':
      children.push(ast.base, ast.index);
      break;
    case 'functionCall':
      children.push(...ast.args);
      break;
    case 'cast':
      children.push(ast.expression);
      break;
    case 'searchedCase':
      for (const w of ast.whenClauses) children.push(w.condition, w.result);
      if (ast.elseValue) children.push(ast.elseValue);
      break;
    case 'simpleCase':
      children.push(ast.operand);
      for (const w of ast.whenClauses) children.push(w.condition, w.result);
      if (ast.elseValue) children.push(ast.elseValue);
      break;
    case 'createArray':
      children.push(...ast.values);
      break;
    case 'createMap':
      for (const e of ast.entries) children.push(e.key, e.value);
      break;
    case 'createStruct':
      for (const f of ast.fields) children.push(f.value);
      break;
    case 'arithmeticUnary':
    case 'not':
    case 'isNull':
    case 'isNotNull':
      children.push(ast.operand);
      break;
    case 'arithmeticBinary':
    case 'comparison':
    case 'logicalBinary':
      children.push(ast.left, ast.right);
      break;
    case 'between':
      children.push(ast.value, ast.min, ast.max);
      break;
    case 'inList':
      children.push(ast.value, ...ast.list);
      break;
    case 'like':
      children.push(ast.value, ast.pattern);
      break;
    default:
      break;
  }
  for (const c of children) walkAst(c, visit);
}

/** A canonical text for structural comparison of expressions (column names qualified by `qualify`). */
export function expressionKey(ast: Ast.Expression, qualify: (qualifier: string | undefined, name: string) => string): string {
  const rewritten = rewriteColumns(ast, qualify);
  return formatAstExpression(rewritten, { quoteIdentifiers: true });
}

function rewriteColumns(ast: Ast.Expression, qualify: (qualifier: string | undefined, name: string) => string): Ast.Expression {
  return mapAst(ast, (e) => {
    if (e.kind === 'columnReference') return { kind: 'columnReference', name: qualify(undefined, e.name), span: e.span };
    if (e.kind === 'qualifiedColumnReference') return { kind: 'columnReference', name: qualify(e.source, e.name), span: e.span };
    return undefined;
  });
}

/** Rebuilds an expression, replacing nodes where `replace` returns one. */
export function mapAst(ast: Ast.Expression, replace: (e: Ast.Expression) => Ast.Expression | undefined): Ast.Expression {
  const r = replace(ast);
  if (r !== undefined) return r;
  const m = (e: Ast.Expression): Ast.Expression => mapAst(e, replace);
  const mArg = (a: Ast.FunctionArgument): Ast.FunctionArgument =>
    a.kind === 'lambda' ? { ...a, body: m(a.body) } : a.kind === 'intervalUnit' ? a : m(a);
  switch (ast.kind) {
    case 'dereference':
      return { ...ast, base: m(ast.base) };
    case 'subscript':
      return { ...ast, base: m(ast.base), index: m(ast.index) };
    case 'functionCall':
      return { ...ast, args: ast.args.map(mArg) };
    case 'cast':
      return { ...ast, expression: m(ast.expression) };
    case 'searchedCase':
      return {
        ...ast,
        whenClauses: ast.whenClauses.map((w) => ({ ...w, condition: m(w.condition), result: m(w.result) })),
        elseValue: ast.elseValue ? m(ast.elseValue) : undefined,
      };
    case 'simpleCase':
      return {
        ...ast,
        operand: m(ast.operand),
        whenClauses: ast.whenClauses.map((w) => ({ ...w, condition: m(w.condition), result: m(w.result) })),
        elseValue: ast.elseValue ? m(ast.elseValue) : undefined,
      };
    case 'createArray':
      return { ...ast, values: ast.values.map(m) };
    case 'createMap':
      return { ...ast, entries: ast.entries.map((e) => ({ ...e, key: m(e.key), value: m(e.value) })) };
    case 'createStruct':
      return { ...ast, fields: ast.fields.map((f) => ({ ...f, value: m(f.value) })) };
    case 'arithmeticUnary':
    case 'not':
    case 'isNull':
    case 'isNotNull':
      return { ...ast, operand: m(ast.operand) } as Ast.Expression;
    case 'arithmeticBinary':
    case 'comparison':
    case 'logicalBinary':
      return { ...ast, left: m(ast.left), right: m(ast.right) } as Ast.Expression;
    case 'between':
      return { ...ast, value: m(ast.value), min: m(ast.min), max: m(ast.max) };
    case 'inList':
      return { ...ast, value: m(ast.value), list: ast.list.map(m) };
    case 'like':
      return { ...ast, value: m(ast.value), pattern: m(ast.pattern) };
    default:
      return ast;
  }
}
