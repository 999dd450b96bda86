/**
 * Expressions, types, identifiers and literals: the grammar's `expression`, `type`, `identifier`,
 * `literal` and `number` rules. Expressions are parsed by precedence climbing (Pratt), with
 * ksqlDB's precedence, loosest first:
 *
 *   OR < AND < NOT < predicate (= <> != < <= > >=, [NOT] BETWEEN, [NOT] IN, [NOT] LIKE, IS ...)
 *      < || < + - < * / % < unary + - < AT TIME ZONE < postfix [i] and ->
 *
 * A predicate applies once (`a = b = c` is an error), and its operands are value expressions
 * (no AND/OR/NOT inside without parentheses), as in the grammar.
 */
import type {
  DecimalLiteral, Duration, Expression, FunctionArgument, Lambda, Literal, MapEntry, PrimitiveTypeName,
  StructField, StructTypeField, TimeUnit, Type, WhenClause,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { IDENTIFIER_START, isIdentifierStart } from './lexer.js';
import type { Token, TokenKind } from './lexer.js';
import { bigDecimalToString, INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, parseBigDecimal, unquote } from './literals.js';

// ---------------------------------------------------------------------------------------------
// Identifiers and names

export interface Identifier {
  /** Upper-cased unless quoted. */
  readonly name: string;
  readonly token: Token;
  readonly quoted: boolean;
}

export function parseIdentifier(c: Cursor): Identifier {
  if (!c.isIdentifier()) throw c.failSync(IDENTIFIER_START);
  const token = c.advance();
  if (token.kind === 'VARIABLE') c.noteVariableUse('identifier', token);
  const quoted = token.kind === 'QUOTED_IDENTIFIER' || token.kind === 'BACKQUOTED_IDENTIFIER';
  return { name: quoted ? unquote(token.text) : token.text.toUpperCase(), token, quoted };
}

/** Java's String.trim: strips characters up to U+0020. */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 32) start++;
  while (end > start && value.charCodeAt(end - 1) <= 32) end--;
  return value.slice(start, end);
}

/** ksqlDB's column, source and function names must be non-empty and trimmed. */
export function checkName(c: Cursor, identifier: Identifier): string {
  const name = identifier.name;
  if (name.length === 0) c.prepareFail('Failed to prepare statement: name is empty', identifier.token.start);
  else if (javaTrim(name) !== name) c.prepareFail(`Failed to prepare statement: name is not trimmed: '${name}'`, identifier.token.start);
  return name;
}

/** A column name (ksqlDB's ColumnName). */
export function parseColumnName(c: Cursor): Identifier {
  const identifier = parseIdentifier(c);
  checkName(c, identifier);
  return identifier;
}

const VALID_SOURCE_NAME = /^[a-zA-Z0-9_-]*$/;

/** A stream or table name (or alias): letters, digits, '_' and '-' only, as ksqlDB requires. */
export function parseSourceName(c: Cursor): Identifier {
  const identifier = parseIdentifier(c);
  validateSourceName(c, identifier);
  return identifier;
}

export function validateSourceName(c: Cursor, identifier: Identifier): void {
  if (!VALID_SOURCE_NAME.test(identifier.name)) {
    const { line, column } = c.location(identifier.token.start);
    c.prepareFail(
      `Illegal argument at Line: ${line}, Col: ${column}. Source names may only contain alphanumeric values, '_' or '-'.`,
      identifier.token.start,
      { found: identifier.name },
    );
  }
  checkName(c, identifier);
}

/** ksqlDB's `resourceName` (topics, subjects): an identifier, case kept even unquoted, or a string. */
export function parseResourceName(c: Cursor): string {
  if (c.is('STRING_LITERAL')) return parseString(c, true);
  if (!c.isIdentifier()) throw c.failSync([...IDENTIFIER_START, 'STRING_LITERAL']);
  const identifier = parseIdentifier(c);
  return identifier.quoted ? identifier.name : identifier.token.text;
}

/** A quoted string; `substitutable` if ksqlDB substitutes `${name}` variables inside it. */
export function parseString(c: Cursor, substitutable = false): string {
  const token = c.expect('STRING_LITERAL');
  if (substitutable) c.noteVariableUse('string', token);
  return unquote(token.text);
}

// ---------------------------------------------------------------------------------------------
// Numbers, literals, durations

const NUMBER_KINDS: readonly TokenKind[] = ['DECIMAL_VALUE', 'FLOATING_POINT_VALUE', 'INTEGER_VALUE'];

function isNumberKind(kind: TokenKind): boolean {
  return kind === 'INTEGER_VALUE' || kind === 'DECIMAL_VALUE' || kind === 'FLOATING_POINT_VALUE';
}

/** The grammar's `number`: MINUS? followed by an integer, decimal or floating-point token. */
export interface NumberText {
  readonly kind: 'INTEGER_VALUE' | 'DECIMAL_VALUE' | 'FLOATING_POINT_VALUE';
  /** The digits, with the minus sign if any. */
  readonly text: string;
  readonly start: number;
}

export function parseNumber(c: Cursor): NumberText {
  const start = c.token.start;
  let sign = '';
  if (c.is('MINUS') && isNumberKind(c.peek().kind)) {
    c.advance();
    sign = '-';
  } else if (!c.isAny(NUMBER_KINDS)) {
    throw c.failNoViable(c.token.kind === 'MINUS' ? c.pos + 1 : c.pos);
  }
  const token = c.advance();
  return { kind: token.kind as NumberText['kind'], text: sign + token.text, start };
}

/**
 * ksqlDB reports literal errors of its second stage with the column one further right than the
 * token (it adds one to an already 1-based column); kept so messages match.
 */
function literalErrorPrefix(c: Cursor, offset: number): string {
  const { line, column } = c.location(offset);
  return `Failed to prepare statement: line ${line}:${column + 1}: `;
}

export function numberLiteral(c: Cursor, number: NumberText): Literal {
  const span = c.span(number.start);
  switch (number.kind) {
    case 'INTEGER_VALUE': {
      const value = BigInt(number.text);
      if (value < LONG_MIN || value > LONG_MAX) {
        c.prepareFail(`${literalErrorPrefix(c, number.start)}Invalid numeric literal: ${number.text}`, number.start);
        return { kind: 'bigintLiteral', value: 0n, span };
      }
      if (value >= BigInt(INT_MIN) && value <= BigInt(INT_MAX)) return { kind: 'integerLiteral', value: Number(value), span };
      return { kind: 'bigintLiteral', value, span };
    }
    case 'DECIMAL_VALUE':
      return { kind: 'decimalLiteral', value: bigDecimalToString(parseBigDecimal(number.text)!), span };
    case 'FLOATING_POINT_VALUE': {
      const value = Number(number.text);
      if (!Number.isFinite(value)) {
        c.prepareFail(`${literalErrorPrefix(c, number.start)}Number overflows DOUBLE: ${number.text}`, number.start);
        return { kind: 'doubleLiteral', value: 0, span };
      }
      return { kind: 'doubleLiteral', value, span };
    }
  }
}

/** ksqlDB's processIntegerNumber: the number must be an INT literal. */
export function integerValue(c: Cursor, number: NumberText, command: string): number {
  const literal = numberLiteral(c, number);
  if (literal.kind !== 'integerLiteral') {
    c.prepareFail(`Failed to prepare statement: Value must be integer for command: ${command}`, number.start);
    return 0;
  }
  return literal.value;
}

/** Java's Long.parseLong; undefined where it would throw. */
function parseJavaLong(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < LONG_MIN || value > LONG_MAX ? undefined : Number(value);
}

const WINDOW_UNITS: Partial<Record<TokenKind, TimeUnit>> = {
  DAY: 'DAYS', HOUR: 'HOURS', MINUTE: 'MINUTES', SECOND: 'SECONDS', MILLISECOND: 'MILLISECONDS',
  DAYS: 'DAYS', HOURS: 'HOURS', MINUTES: 'MINUTES', SECONDS: 'SECONDS', MILLISECONDS: 'MILLISECONDS',
};
const WINDOW_UNIT_KINDS = Object.keys(WINDOW_UNITS) as TokenKind[];

/** Units that are reserved words, so a bare one as a function argument is a unit, not a column. */
const RESERVED_UNIT_KINDS: ReadonlySet<TokenKind> = new Set<TokenKind>(['MILLISECOND', 'DAYS', 'HOURS', 'MINUTES', 'SECONDS', 'MILLISECONDS']);

export function parseWindowUnit(c: Cursor): TimeUnit {
  if (!c.isAny(WINDOW_UNIT_KINDS)) throw c.failSync(WINDOW_UNIT_KINDS);
  return WINDOW_UNITS[c.advance().kind]!;
}

/** `number windowUnit`, a whole number of units (ksqlDB's WindowTimeClause). */
export function parseDuration(c: Cursor): Duration {
  const start = c.token.start;
  const number = parseNumber(c);
  const unit = parseWindowUnit(c);
  const value = parseJavaLong(number.text);
  if (value === undefined) c.prepareFail(`Failed to prepare statement: For input string: "${number.text}"`, number.start);
  return { kind: 'duration', value: value ?? 0, unit, span: c.span(start) };
}

const LITERAL_START: readonly TokenKind[] = [
  'NULL', 'TRUE', 'FALSE', 'MINUS', 'STRING_LITERAL', 'INTEGER_VALUE', 'DECIMAL_VALUE', 'FLOATING_POINT_VALUE', 'VARIABLE',
];

/** The grammar's `literal`: NULL, a number, TRUE/FALSE, a string (or an unresolved ${variable}). */
export function parseLiteral(c: Cursor): Literal {
  if (!c.isAny(LITERAL_START)) throw c.failSync(LITERAL_START);
  const token = c.token;
  switch (token.kind) {
    case 'NULL':
      c.advance();
      return { kind: 'nullLiteral', span: c.span(token.start) };
    case 'TRUE':
    case 'FALSE':
      c.advance();
      return { kind: 'booleanLiteral', value: token.kind === 'TRUE', span: c.span(token.start) };
    case 'STRING_LITERAL':
      return { kind: 'stringLiteral', value: parseString(c, true), span: c.span(token.start) };
    case 'VARIABLE':
      return unresolvedVariable(c);
    default:
      return numberLiteral(c, parseNumber(c));
  }
}

/** A `${name}` left in a literal position: ksqlDB's variable substitution rejects it. */
function unresolvedVariable(c: Cursor): Literal {
  const token = c.advance();
  c.noteVariableUse('literal', token);
  const { line, column } = c.location(token.start);
  c.prepareFail(`Illegal argument at Line: ${line}, Col: ${column}. Got: '${token.text}'`, token.start, { found: token.text });
  return { kind: 'stringLiteral', value: token.text, span: c.span(token.start) };
}

// ---------------------------------------------------------------------------------------------
// Types

const PRIMITIVE_TYPES: Readonly<Record<string, PrimitiveTypeName>> = {
  BOOLEAN: 'BOOLEAN', INTEGER: 'INTEGER', INT: 'INTEGER', BIGINT: 'BIGINT', DOUBLE: 'DOUBLE',
  STRING: 'STRING', VARCHAR: 'STRING', BYTES: 'BYTES', DATE: 'DATE', TIME: 'TIME', TIMESTAMP: 'TIMESTAMP',
};

export function parseType(c: Cursor): Type {
  c.enter();
  const start = c.token.start;
  const next = c.peek().kind;
  let type: Type;
  if (c.token.kind === 'ARRAY' && next === 'LT') {
    c.advance();
    c.advance();
    const element = parseType(c);
    c.expect('GT');
    type = { kind: 'arrayType', element, span: c.span(start) };
  } else if (c.token.kind === 'MAP' && next === 'LT') {
    c.advance();
    c.advance();
    const key = parseType(c);
    c.expect('COMMA');
    const value = parseType(c);
    c.expect('GT');
    type = { kind: 'mapType', key, value, span: c.span(start) };
  } else if (c.token.kind === 'STRUCT' && next === 'LT') {
    c.advance();
    c.advance();
    const fields: StructTypeField[] = [];
    if (!c.accept('GT')) {
      for (;;) {
        const fieldStart = c.token.start;
        const name = parseIdentifier(c).name;
        const fieldType = parseType(c);
        fields.push({ kind: 'structTypeField', name, type: fieldType, span: c.span(fieldStart) });
        if (c.accept('COMMA')) continue;
        if (!c.is('GT')) throw c.failSync(['COMMA', 'GT']);
        c.advance();
        break;
      }
    }
    type = { kind: 'structType', fields, span: c.span(start) };
  } else if (c.is('DECIMAL')) {
    c.advance();
    c.expect('LPAREN');
    const precision = parseNumber(c);
    c.expect('COMMA');
    const scale = parseNumber(c);
    c.expect('RPAREN');
    type = {
      kind: 'decimalType',
      precision: integerValue(c, precision, 'DECIMAL(PRECISION)'),
      scale: integerValue(c, scale, 'DECIMAL(SCALE)'),
      span: c.span(start),
    };
  } else if (c.isIdentifier()) {
    const name = parseIdentifier(c).name;
    if (c.accept('LPAREN')) {
      // type parameters (VARCHAR(10)...) are accepted and ignored, as in ksqlDB
      for (;;) {
        if (!c.isAny(['INTEGER_VALUE', 'STRING'])) throw c.failSync(['INTEGER_VALUE', 'STRING']);
        c.advance();
        if (c.accept('COMMA')) continue;
        if (!c.is('RPAREN')) throw c.failSync(['COMMA', 'RPAREN']);
        c.advance();
        break;
      }
    }
    const primitive = PRIMITIVE_TYPES[name.toUpperCase()];
    type = primitive !== undefined
      ? { kind: 'primitiveType', name: primitive, span: c.span(start) }
      : { kind: 'customType', name, span: c.span(start) };
  } else {
    throw c.failNoViable();
  }
  let levels = 1;
  while (c.accept('ARRAY')) {
    c.enter();
    levels++;
    type = { kind: 'arrayType', element: type, span: c.span(start) };
  }
  c.leave(levels);
  return type;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export function parseExpression(c: Cursor): Expression {
  return parseBoolean(c, 0);
}

/** The grammar's `valueExpression`: no predicates or boolean operators outside parentheses. */
export function parseValueExpression(c: Cursor): Expression {
  return parseValue(c, 0);
}

/** booleanExpression: OR (1) < AND (2) < NOT (3) < predicated. */
function parseBoolean(c: Cursor, minPrecedence: number): Expression {
  c.enter();
  const start = c.token.start;
  let left: Expression;
  if (c.leftmost === undefined && c.is('NOT')) {
    c.advance();
    const operand = parseBoolean(c, 3);
    left = { kind: 'not', operand, span: c.span(start) };
  } else {
    left = parsePredicated(c);
  }
  let levels = 1;
  for (;;) {
    const isAnd = c.is('AND');
    const isOr = c.is('OR');
    if (isAnd && minPrecedence <= 2) {
      c.advance();
      const right = parseBoolean(c, 3);
      left = { kind: 'logicalBinary', operator: 'AND', left, right, span: c.span(left.span.start) };
    } else if (isOr && minPrecedence <= 1) {
      c.advance();
      const right = parseBoolean(c, 2);
      left = { kind: 'logicalBinary', operator: 'OR', left, right, span: c.span(left.span.start) };
    } else {
      break;
    }
    c.enter();
    levels++;
  }
  c.leave(levels);
  return left;
}

const COMPARISON_OPERATORS: Partial<Record<TokenKind, '=' | '<>' | '<' | '<=' | '>' | '>='>> = {
  EQ: '=', NEQ: '<>', LT: '<', LTE: '<=', GT: '>', GTE: '>=',
};
const COMPARISON_KINDS = Object.keys(COMPARISON_OPERATORS) as TokenKind[];

/** A value expression with at most one predicate after it. */
function parsePredicated(c: Cursor): Expression {
  const value = parseValue(c, 0);
  const start = value.span.start;
  if (c.isAny(COMPARISON_KINDS)) {
    const operator = COMPARISON_OPERATORS[c.advance().kind]!;
    const right = parseValue(c, 0);
    return { kind: 'comparison', operator, left: value, right, span: c.span(start) };
  }
  if (c.is('IS')) {
    c.advance();
    const negated = c.accept('NOT') !== undefined;
    if (c.accept('NULL')) {
      return { kind: negated ? 'isNotNull' : 'isNull', operand: value, span: c.span(start) };
    }
    if (!c.is('DISTINCT')) throw c.failNoViable();
    c.advance();
    c.expect('FROM');
    const right = parseValue(c, 0);
    const distinct: Expression = { kind: 'comparison', operator: 'IS DISTINCT FROM', left: value, right, span: c.span(start) };
    return negated ? { kind: 'not', operand: distinct, span: c.span(start) } : distinct;
  }
  const negated = c.is('NOT');
  if (negated) {
    c.advance();
    if (!c.isAny(['BETWEEN', 'IN', 'LIKE'])) throw c.failNoViable();
  }
  let predicate: Expression;
  if (c.is('BETWEEN')) {
    c.advance();
    const min = parseValue(c, 0);
    c.expect('AND');
    const max = parseValue(c, 0);
    predicate = { kind: 'between', value, min, max, span: c.span(start) };
  } else if (c.is('IN')) {
    c.advance();
    c.expect('LPAREN');
    const list = [parseExpression(c)];
    while (!c.is('RPAREN')) {
      if (!c.is('COMMA')) throw c.failSync(['COMMA', 'RPAREN']);
      c.advance();
      list.push(parseExpression(c));
    }
    c.advance();
    predicate = { kind: 'inList', value, list, span: c.span(start) };
  } else if (c.is('LIKE')) {
    c.advance();
    const pattern = parseValue(c, 0);
    let escape: string | undefined;
    if (c.accept('ESCAPE')) {
      const token = c.expect('STRING_LITERAL');
      escape = unquote(token.text);
      if (escape.length !== 1) {
        const { line, column } = c.location(token.start);
        c.prepareFail(`Failed to prepare statement: Line: ${line}, Col: ${column}: Expected single character escape but got: ${escape}`, token.start);
      }
    }
    predicate = { kind: 'like', value, pattern, escape, span: c.span(start) };
  } else {
    return value;
  }
  return negated ? { kind: 'not', operand: predicate, span: c.span(start) } : predicate;
}

/** valueExpression: || (1) < + - (2) < * / % (3) < unary (4) < AT TIME ZONE (5). */
function parseValue(c: Cursor, minPrecedence: number): Expression {
  c.enter();
  let left = parseUnary(c);
  let levels = 1;
  for (;;) {
    if (c.is('AT')) {
      const at = c.advance();
      c.expect('TIME');
      c.expect('ZONE');
      c.expect('STRING_LITERAL');
      c.prepareFail('Failed to prepare statement: AT TIME ZONE is not supported', at.start);
      continue;
    }
    const multiplicative = c.isAny(['ASTERISK', 'SLASH', 'PERCENT']);
    const additive = c.isAny(['PLUS', 'MINUS']);
    const concat = c.is('CONCAT');
    if (multiplicative && minPrecedence <= 3) {
      const kind = c.advance().kind;
      const operator = kind === 'ASTERISK' ? '*' : kind === 'SLASH' ? '/' : '%';
      const right = parseValue(c, 4);
      left = { kind: 'arithmeticBinary', operator, left, right, span: c.span(left.span.start) };
    } else if (additive && minPrecedence <= 2) {
      const operator = c.advance().kind === 'PLUS' ? '+' : '-';
      const right = parseValue(c, 3);
      left = { kind: 'arithmeticBinary', operator, left, right, span: c.span(left.span.start) };
    } else if (concat && minPrecedence <= 1) {
      c.advance();
      const right = parseValue(c, 2);
      // ksqlDB reads `a || b` as the function call concat(a, b)
      left = { kind: 'functionCall', name: 'concat', args: [left, right], span: c.span(left.span.start) };
    } else {
      break;
    }
    c.enter();
    levels++;
  }
  c.leave(levels);
  return left;
}

function parseUnary(c: Cursor): Expression {
  if (c.leftmost === undefined) {
    const isMinus = c.is('MINUS');
    const isPlus = c.is('PLUS');
    if ((isMinus && !isNumberKind(c.peek().kind)) || isPlus) {
      const start = c.advance().start;
      const operand = parseValue(c, 4);
      return { kind: 'arithmeticUnary', sign: isMinus ? '-' : '+', operand, span: c.span(start) };
    }
  }
  return parsePrimary(c);
}

/** Whether the current token can begin a primary expression (not an operator or NOT). */
export function atPrimaryStart(c: Cursor): boolean {
  const kind = c.token.kind;
  switch (kind) {
    case 'NULL': case 'TRUE': case 'FALSE': case 'STRING_LITERAL': case 'INTEGER_VALUE': case 'DECIMAL_VALUE':
    case 'FLOATING_POINT_VALUE': case 'CASE': case 'CAST': case 'LPAREN':
      return true;
    case 'MINUS':
      return isNumberKind(c.peek().kind);
    default:
      return isIdentifierStart(kind);
  }
}

/** primaryExpression with its postfix subscripts and dereferences (stops before `-> *`). */
export function parsePrimary(c: Cursor): Expression {
  if (c.leftmost !== undefined) {
    const leftmost = c.leftmost;
    c.leftmost = undefined;
    return leftmost;
  }
  c.enter();
  let levels = 1;
  let expression = parsePrimaryBase(c);
  for (;;) {
    if (c.is('LBRACKET')) {
      c.advance();
      const index = parseValue(c, 0);
      c.expect('RBRACKET');
      expression = { kind: 'subscript', base: expression, index, span: c.span(expression.span.start) };
    } else if (c.is('STRUCT_FIELD_REF') && c.peek().kind !== 'ASTERISK') {
      c.advance();
      const field = parseIdentifier(c).name;
      expression = { kind: 'dereference', base: expression, field, span: c.span(expression.span.start) };
    } else {
      break;
    }
    c.enter();
    levels++;
  }
  c.leave(levels);
  return expression;
}

function parsePrimaryBase(c: Cursor): Expression {
  const token = c.token;
  const start = token.start;
  const next = c.peek().kind;
  switch (token.kind) {
    case 'NULL':
    case 'TRUE':
    case 'FALSE':
    case 'STRING_LITERAL':
    case 'INTEGER_VALUE':
    case 'DECIMAL_VALUE':
    case 'FLOATING_POINT_VALUE':
      return parseLiteral(c);
    case 'MINUS':
      if (isNumberKind(next)) return parseLiteral(c);
      break;
    case 'VARIABLE':
      if (next !== 'LPAREN' && next !== 'DOT' && next !== 'STRING_LITERAL') return unresolvedVariable(c);
      break;
    case 'CASE':
      return parseCase(c);
    case 'CAST': {
      c.advance();
      c.expect('LPAREN');
      const expression = parseExpression(c);
      c.expect('AS');
      const type = parseType(c);
      c.expect('RPAREN');
      return { kind: 'cast', expression, type, span: c.span(start) };
    }
    case 'LPAREN': {
      c.advance();
      const inner = parseExpression(c);
      c.expect('RPAREN');
      return inner;
    }
    case 'ARRAY':
      if (next === 'LBRACKET') {
        c.advance();
        c.advance();
        const values: Expression[] = [];
        if (!c.accept('RBRACKET')) {
          values.push(parseExpression(c));
          while (!c.is('RBRACKET')) {
            if (!c.is('COMMA')) throw c.failSync(['COMMA', 'RBRACKET']);
            c.advance();
            values.push(parseExpression(c));
          }
          c.advance();
        }
        return { kind: 'createArray', values, span: c.span(start) };
      }
      break;
    case 'MAP':
      if (next === 'LPAREN') return parseMapConstructorOrCall(c);
      break;
    case 'STRUCT':
      if (next === 'LPAREN') return parseStructConstructorOrCall(c);
      break;
    default:
      break;
  }
  if (!isIdentifierStart(token.kind)) {
    c.isIdentifier();
    throw c.failNoViable();
  }
  const identifier = parseIdentifier(c);
  if (c.is('LPAREN')) {
    checkName(c, identifier);
    c.advance();
    return parseCallArguments(c, identifier.name, start, []);
  }
  if (c.is('STRING_LITERAL')) return parseTypedLiteral(c, identifier);
  if (c.is('DOT')) {
    c.advance();
    checkName(c, identifier);
    const column = parseColumnName(c);
    return { kind: 'qualifiedColumnReference', source: identifier.name, name: column.name, span: c.span(start) };
  }
  checkName(c, identifier);
  const inLambda = c.lambdaScopes.some((scope) => scope.includes(identifier.name));
  return { kind: inLambda ? 'lambdaVariable' : 'columnReference', name: identifier.name, span: c.span(start) };
}

/** `identifier 'text'`: only DECIMAL is a typed literal in ksqlDB (and DECIMAL must be quoted to be an identifier). */
function parseTypedLiteral(c: Cursor, type: Identifier): DecimalLiteral {
  const token = c.advance();
  const text = unquote(token.text);
  const span = c.span(type.token.start);
  if (type.name !== 'DECIMAL') {
    const { line, column } = c.location(type.token.start);
    c.prepareFail(`Failed to prepare statement: Unknown type: ${type.name}, location:Optional[Line: ${line}, Col: ${column}]`, type.token.start);
    return { kind: 'decimalLiteral', value: '0', span };
  }
  const parts = parseBigDecimal(text);
  if (parts === undefined) {
    c.prepareFail(`Failed to prepare statement: Invalid DECIMAL literal: '${text}'`, token.start, { found: text });
    return { kind: 'decimalLiteral', value: '0', span };
  }
  return { kind: 'decimalLiteral', value: bigDecimalToString(parts), span };
}

function parseCase(c: Cursor): Expression {
  const start = c.advance().start;
  const operand = c.is('WHEN') ? undefined : parseValue(c, 0);
  const whenClauses: WhenClause[] = [];
  do {
    const whenStart = c.expect('WHEN').start;
    const condition = parseExpression(c);
    c.expect('THEN');
    const result = parseExpression(c);
    whenClauses.push({ kind: 'whenClause', condition, result, span: c.span(whenStart) });
  } while (c.is('WHEN'));
  const elseValue = c.accept('ELSE') ? parseExpression(c) : undefined;
  c.expect('END');
  return operand === undefined
    ? { kind: 'searchedCase', whenClauses, elseValue, span: c.span(start) }
    : { kind: 'simpleCase', operand, whenClauses, elseValue, span: c.span(start) };
}

/** `MAP(k := v, ...)` is a constructor; `MAP(x, y)` is a call of a function named MAP. */
function parseMapConstructorOrCall(c: Cursor): Expression {
  const start = c.advance().start;
  c.advance();
  const entries: MapEntry[] = [];
  if (c.accept('RPAREN')) return { kind: 'createMap', entries, span: c.span(start) };
  if (RESERVED_UNIT_KINDS.has(c.token.kind)) return parseCallArguments(c, 'MAP', start, []);
  const key = parseExpression(c);
  if (!c.is('ASSIGN')) return parseCallArguments(c, 'MAP', start, [key]);
  for (let entryKey = key; ; ) {
    c.expect('ASSIGN');
    const value = parseExpression(c);
    entries.push({ kind: 'mapEntry', key: entryKey, value, span: c.span(entryKey.span.start) });
    if (c.is('RPAREN')) break;
    if (!c.is('COMMA')) throw c.failSync(['COMMA', 'RPAREN']);
    c.advance();
    entryKey = parseExpression(c);
  }
  c.advance();
  return { kind: 'createMap', entries, span: c.span(start) };
}

/** `STRUCT(name := v, ...)` is a constructor; `STRUCT(x)` is a call of a function named STRUCT. */
function parseStructConstructorOrCall(c: Cursor): Expression {
  const start = c.token.start;
  const isConstructor = c.peek(2).kind === 'RPAREN' || (isIdentifierStart(c.peek(2).kind) && c.peek(3).kind === 'ASSIGN');
  c.advance();
  c.advance();
  if (!isConstructor) return parseCallArguments(c, 'STRUCT', start, []);
  const fields: StructField[] = [];
  if (!c.accept('RPAREN')) {
    for (;;) {
      const fieldStart = c.token.start;
      const name = parseIdentifier(c).name;
      c.expect('ASSIGN');
      const value = parseExpression(c);
      fields.push({ kind: 'structField', name, value, span: c.span(fieldStart) });
      if (c.is('RPAREN')) break;
      if (!c.is('COMMA')) throw c.failSync(['COMMA', 'RPAREN']);
      c.advance();
    }
    c.advance();
  }
  return { kind: 'createStruct', fields, span: c.span(start) };
}

/**
 * The rest of a call after `name(`, given the arguments already read: `*` (COUNT(*) has no
 * arguments), or arguments (expressions or bare time units) followed by trailing lambdas.
 */
function parseCallArguments(c: Cursor, name: string, start: number, args: FunctionArgument[]): Expression {
  if (args.length === 0) {
    if (c.accept('ASTERISK')) {
      c.expect('RPAREN');
      return { kind: 'functionCall', name, args, span: c.span(start) };
    }
    if (c.accept('RPAREN')) return { kind: 'functionCall', name, args, span: c.span(start) };
    args.push(parseFunctionArgument(c));
  }
  let lambdas = false;
  for (;;) {
    if (c.is('RPAREN')) break;
    if (!c.is('COMMA')) throw c.failSync(['COMMA', 'RPAREN']);
    c.advance();
    if (lambdas || atLambda(c)) {
      lambdas = true;
      args.push(parseLambda(c));
    } else {
      args.push(parseFunctionArgument(c));
    }
  }
  c.advance();
  return { kind: 'functionCall', name, args, span: c.span(start) };
}

function parseFunctionArgument(c: Cursor): FunctionArgument {
  if (RESERVED_UNIT_KINDS.has(c.token.kind)) {
    const start = c.token.start;
    const unit = parseWindowUnit(c);
    return { kind: 'intervalUnit', unit, span: c.span(start) };
  }
  return parseExpression(c);
}

/** `x =>` or `(x, y) =>` ahead. */
function atLambda(c: Cursor): boolean {
  if (isIdentifierStart(c.token.kind)) return c.peek().kind === 'LAMBDA_EXPRESSION';
  if (c.token.kind !== 'LPAREN') return false;
  for (let offset = 1; ; offset += 2) {
    if (!isIdentifierStart(c.peek(offset).kind)) return false;
    const after = c.peek(offset + 1).kind;
    if (after === 'RPAREN') return c.peek(offset + 2).kind === 'LAMBDA_EXPRESSION';
    if (after !== 'COMMA') return false;
  }
}

function parseLambda(c: Cursor): Lambda {
  const start = c.token.start;
  const params: string[] = [];
  if (c.accept('LPAREN')) {
    params.push(parseIdentifier(c).name);
    while (!c.is('RPAREN')) {
      if (!c.is('COMMA')) throw c.failSync(['COMMA', 'RPAREN']);
      c.advance();
      params.push(parseIdentifier(c).name);
    }
    c.advance();
  } else {
    params.push(parseIdentifier(c).name);
  }
  c.expect('LAMBDA_EXPRESSION');
  c.lambdaScopes.push(params);
  const body = parseExpression(c);
  c.lambdaScopes.pop();
  return { kind: 'lambda', params, body, span: c.span(start) };
}
