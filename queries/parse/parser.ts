/**
 * The parser's entry points: scripts, single statements, expressions and types.
 *
 * Like ksqlDB, a script is checked in two stages: first the whole text's syntax (any syntax
 * error throws, with no statement returned), then each statement's AST-building checks (number
 * literals in range, LIMIT an integer, valid source names...), which ksqlDB only reports when it
 * reaches that statement. `parseScript` returns those second-stage errors per statement;
 * `parseStatements` throws the first.
 */
import type { SluiceError } from '../../common/index.js';
import type { Expression, ParsedStatement, Span, Statement, Type } from './ast.js';
import { Cursor, statementStartKinds, SyntaxFailure, toSyntaxError } from './cursor.js';
import type { ParseOptions, VariableUse } from './cursor.js';
import { parseExpression as parseExpressionRule, parseType as parseTypeRule } from './expressions.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import { parseStatementBody } from './statements.js';

export type { ParseOptions } from './cursor.js';

/** A statement of a script, with the error ksqlDB's second stage would raise for it, if any. */
export interface ScriptStatement extends ParsedStatement {
  readonly error?: SluiceError | undefined;
}

/**
 * Runs `rule` from token `startIndex`, turning a failure into ksqlDB's syntax error. `followOk`
 * tells, after a successful trial parse, whether the next token may follow it (used to decide
 * between "missing X" and "mismatched input").
 */
function run<T>(
  text: string,
  tokens: readonly Token[],
  options: ParseOptions,
  startIndex: number,
  rule: (c: Cursor) => T,
  followOk: (c: Cursor) => boolean,
): { value: T; cursor: Cursor } {
  const cursor = new Cursor(text, tokens, options);
  cursor.pos = startIndex;
  cursor.prevEnd = tokens[startIndex]!.start;
  try {
    return { value: rule(cursor), cursor };
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    throw toSyntaxError(error, text, tokens, cursor.depthMax, (patched) => {
      const trial = new Cursor(text, patched, options, true);
      trial.pos = startIndex;
      trial.prevEnd = patched[startIndex]!.start;
      try {
        rule(trial);
        return followOk(trial) ? Number.POSITIVE_INFINITY : trial.pos;
      } catch (failure) {
        if (failure instanceof SyntaxFailure) return failure.index;
        throw failure;
      }
    });
  }
}

/**
 * Parses a script of `;`-terminated statements. Throws the first syntax error of the text;
 * errors of ksqlDB's second stage are returned on each statement instead.
 */
export function parseScript(text: string, options: ParseOptions = {}): ScriptStatement[] {
  return parseScriptWith(text, options, undefined);
}

/** `parseScript`, also recording where variables are used (for variables.ts). */
export function scanVariableUses(text: string, options: ParseOptions = {}): VariableUse[] {
  const uses: VariableUse[] = [];
  parseScriptWith(text, options, uses);
  return uses;
}

function parseScriptWith(text: string, options: ParseOptions, variableUses: VariableUse[] | undefined): ScriptStatement[] {
  const tokens = tokenize(text);
  const starts = new Set(statementStartKinds(options, true));
  const followOk = (c: Cursor): boolean => starts.has(c.token.kind);
  const statements: ScriptStatement[] = [];
  for (let index = 0; ; ) {
    const { value, cursor } = run(text, tokens, options, index, (c) => {
      if (!c.speculative) c.variableUses = variableUses;
      if (c.is('EOF')) return undefined;
      const statement = parseStatementBody(c, true);
      c.expect('SEMICOLON');
      return statement;
    }, followOk);
    if (value === undefined) return statements;
    const span: Span = { start: tokens[index]!.start, end: cursor.prevEnd };
    statements.push({ statement: value, statementText: text.slice(span.start, span.end), span, error: cursor.prepareError });
    index = cursor.pos;
  }
}

/** Parses a script of `;`-terminated statements; throws its first error. */
export function parseStatements(text: string, options: ParseOptions = {}): ParsedStatement[] {
  const statements = parseScript(text, options);
  const failed = statements.find((statement) => statement.error !== undefined);
  if (failed !== undefined) throw failed.error!;
  return statements.map(({ statement, statementText, span }) => ({ statement, statementText, span }));
}

/** Parses exactly one statement; its trailing `;` may be omitted at the end of the text. */
export function parseStatement(text: string, options: ParseOptions = {}): Statement {
  const tokens = tokenize(text);
  const { value, cursor } = run(text, tokens, options, 0, (c) => {
    const statement = parseStatementBody(c, false);
    // Like ksqlDB, a complete statement is followed by ';' (so the tokens expected after it are
    // reported as ksqlDB's grammar lists them, never as "missing <EOF>"); the text may end without it.
    // The end is checked without recording EOF as expected.
    if (c.token.kind !== 'EOF') {
      c.expect('SEMICOLON');
      c.expect('EOF');
    }
    return statement;
  }, () => true);
  if (cursor.prepareError !== undefined) throw cursor.prepareError;
  return value;
}

/** Parses one expression (the grammar's `singleExpression`). */
export function parseExpression(text: string, options: ParseOptions = {}): Expression {
  const tokens = tokenize(text);
  const { value, cursor } = run(text, tokens, options, 0, (c) => {
    const expression = parseExpressionRule(c);
    c.expect('EOF');
    return expression;
  }, () => true);
  if (cursor.prepareError !== undefined) throw cursor.prepareError;
  return value;
}

/** Parses a SQL type such as `ARRAY<STRUCT<A INT, B STRING>>`. */
export function parseType(text: string, options: ParseOptions = {}): Type {
  const tokens = tokenize(text);
  const { value, cursor } = run(text, tokens, options, 0, (c) => {
    const type = parseTypeRule(c);
    c.expect('EOF');
    return type;
  }, () => true);
  if (cursor.prepareError !== undefined) throw cursor.prepareError;
  return value;
}

/** A statement's text as cut from a script by `splitStatements`. */
export interface StatementText {
  /** From the statement's first token through its `;` (absent for an unterminated last one). */
  readonly text: string;
  readonly span: Span;
}

/**
 * Cuts a script into statements at each `;` outside strings, quoted identifiers and comments,
 * without parsing them. Whitespace and comments between statements are dropped.
 */
export function splitStatements(text: string): StatementText[] {
  const pieces: StatementText[] = [];
  let start: number | undefined;
  let end = 0;
  for (const token of tokenize(text)) {
    if (token.kind === 'EOF') break;
    start ??= token.start;
    end = token.end;
    if (token.kind === 'SEMICOLON') {
      pieces.push({ text: text.slice(start, end), span: { start, end } });
      start = undefined;
    }
  }
  if (start !== undefined) pieces.push({ text: text.slice(start, end), span: { start, end } });
  return pieces;
}
