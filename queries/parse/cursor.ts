/**
 * The parser's cursor over the tokens, and how syntax errors become ksqlDB's messages.
 *
 * ksqlDB's parser is ANTLR-generated; its messages come in three shapes, which this module
 * reproduces:
 *   - "no viable alternative" (a choice between alternatives where none fits) ->
 *     `Syntax error at or near 'X' at line L:C`;
 *   - a required token is missing -> `extraneous input 'X' expecting ...` when dropping X would fix
 *     it, `missing ')' at 'X'` when inserting the token would, else `mismatched input 'X' expecting
 *     {...}`; ksqlDB then rewrites those (`Unknown statement 'FOO'`, `Expecting {',', ')'}`,
 *     `"FROM" is a reserved keyword ...`).
 * To print the same expected-token sets, the cursor collects every token kind the parser tested
 * at the current position since it last consumed one, as ANTLR's error strategy does.
 */
import { defaultLimits, SluiceError } from '../../common/index.js';
import { locate } from './ast.js';
import type { Expression, Location } from './ast.js';
import { displayTokenKind, IDENTIFIER_START, isIdentifierStart, isReservedWord, tokenRank } from './lexer.js';
import type { Token, TokenKind } from './lexer.js';

export interface ParseOptions {
  /**
   * Also accept the statements of ksqlDB's test runner and CLI: RUN SCRIPT, ASSERT VALUES,
   * ASSERT NULL VALUES, ASSERT STREAM, ASSERT TABLE. ksqlDB's server rejects them.
   */
  readonly testStatements?: boolean;
  /** Deepest nesting of expressions and types accepted (default: `defaultLimits.expressionDepthMax`, 500). */
  readonly expressionDepthMax?: number;
}

/** How a parse failed, before it is turned into a message (see `toSyntaxError`). */
export class SyntaxFailure {
  constructor(
    /**
     * `match`: a required token was missing; `sync`: none of a fixed set of tokens was found;
     * `noViable`: no alternative fits; `depth`: nesting too deep.
     */
    readonly kind: 'match' | 'sync' | 'noViable' | 'depth',
    /** Index of the offending token. */
    readonly index: number,
    readonly expected: readonly TokenKind[],
    /** For `match`: the token that was required. */
    readonly required?: TokenKind,
  ) {}
}

/**
 * A place where ksqlDB's variable substitution looks: a `${name}` token used as an identifier or
 * as a literal, or a string whose `${name}` references are substituted.
 */
export interface VariableUse {
  readonly context: 'identifier' | 'literal' | 'string';
  readonly token: Token;
}

export class Cursor {
  pos = 0;
  /** End offset of the last consumed token. */
  prevEnd = 0;
  depth = 0;
  /** Set while inside the prefix of a choice ANTLR resolves by lookahead: failures are "no viable alternative". */
  predicting = false;
  /** A primary expression already parsed by the caller, to be used as the next expression's first operand. */
  leftmost: Expression | undefined = undefined;
  /** Lambda parameters in scope (innermost last). */
  readonly lambdaScopes: (readonly string[])[] = [];
  /** When set, where `${name}` variables and substitutable strings appear (see variables.ts). */
  variableUses: VariableUse[] | undefined = undefined;
  /** The first error of ksqlDB's second (AST-building) stage in the current statement. */
  prepareError: SluiceError | undefined = undefined;
  readonly depthMax: number;
  /** Token kinds tested at `expectedAt` since the last token was consumed. */
  private expectedAt = -1;
  private readonly expected = new Set<TokenKind>();
  /** Whether an identifier was tested there too (its ~60 starting kinds are added only on failure). */
  private expectedIdentifier = false;

  constructor(
    readonly text: string,
    readonly tokens: readonly Token[],
    readonly options: ParseOptions,
    /** A trial parse: failures only matter by position, and prepare errors are ignored. */
    readonly speculative = false,
  ) {
    this.depthMax = options.expressionDepthMax ?? defaultLimits.expressionDepthMax;
  }

  get token(): Token {
    return this.tokens[this.pos]!;
  }

  /** The token `offset` places ahead, without recording an expectation. */
  peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private here(): void {
    if (this.expectedAt !== this.pos) {
      this.expected.clear();
      this.expectedIdentifier = false;
      this.expectedAt = this.pos;
    }
  }

  private note(kind: TokenKind): void {
    this.here();
    this.expected.add(kind);
  }

  /** Whether the current token is `kind`; records `kind` as expected here. */
  is(kind: TokenKind): boolean {
    this.note(kind);
    return this.token.kind === kind;
  }

  isAny(kinds: readonly TokenKind[]): boolean {
    let found = false;
    for (const kind of kinds) {
      this.note(kind);
      if (this.token.kind === kind) found = true;
    }
    return found;
  }

  isIdentifier(): boolean {
    this.here();
    this.expectedIdentifier = true;
    return isIdentifierStart(this.token.kind);
  }

  advance(): Token {
    const token = this.token;
    if (token.kind !== 'EOF') {
      this.pos++;
      this.prevEnd = token.end;
    }
    return token;
  }

  accept(kind: TokenKind): Token | undefined {
    return this.is(kind) ? this.advance() : undefined;
  }

  expect(kind: TokenKind): Token {
    if (!this.is(kind)) throw this.failMatch(kind);
    return this.advance();
  }

  /** A required token is missing (ANTLR's `match`). */
  failMatch(kind: TokenKind): SyntaxFailure {
    if (this.predicting) return this.failNoViable();
    this.note(kind);
    const expected = [...this.expected];
    if (this.expectedIdentifier) expected.push(...IDENTIFIER_START);
    return new SyntaxFailure('match', this.pos, expected, kind);
  }

  /** None of `kinds` is here (ANTLR's sync before a block or loop). */
  failSync(kinds: readonly TokenKind[]): SyntaxFailure {
    if (this.predicting) return this.failNoViable();
    return new SyntaxFailure('sync', this.pos, kinds);
  }

  failNoViable(index = this.pos): SyntaxFailure {
    return new SyntaxFailure('noViable', index, []);
  }

  /** Runs `parse` as the prefix of a lookahead decision: failures inside are "no viable alternative". */
  predict<T>(parse: () => T): T {
    const outer = this.predicting;
    this.predicting = true;
    const result = parse();
    this.predicting = outer;
    return result;
  }

  /** Enters one nesting level; fails beyond the depth limit. */
  enter(): void {
    if (++this.depth > this.depthMax) throw new SyntaxFailure('depth', this.pos, []);
  }

  leave(levels = 1): void {
    this.depth -= levels;
  }

  span(start: number): { start: number; end: number } {
    return { start, end: Math.max(this.prevEnd, start) };
  }

  noteVariableUse(context: VariableUse['context'], token: Token): void {
    this.variableUses?.push({ context, token });
  }

  location(offset: number): Location {
    return locate(this.text, offset);
  }

  /**
   * Records an error of ksqlDB's AST-building ("prepare") stage: the statement is syntactically
   * valid, so parsing goes on (a later syntax error wins), but the statement is rejected.
   */
  prepareFail(message: string, offset: number, extra: Record<string, unknown> = {}): void {
    if (this.speculative || this.prepareError !== undefined) return;
    const { line, column } = this.location(offset);
    this.prepareError = new SluiceError('SQL_SYNTAX', message, { line, column, offset, ...extra });
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

/** The statement keywords, in the order ksqlDB lists them after "Unknown statement". */
export const STATEMENT_KEYWORDS: readonly TokenKind[] = [
  'SELECT', 'CREATE', 'INSERT', 'DESCRIBE', 'PRINT', 'EXPLAIN', 'SHOW', 'LIST', 'TERMINATE', 'PAUSE',
  'RESUME', 'DROP', 'SET', 'DEFINE', 'UNDEFINE', 'UNSET', 'ASSERT', 'ALTER',
];

function tokenText(token: Token): string {
  return token.kind === 'EOF' ? '<EOF>' : token.text;
}

/** ANTLR's getTokenErrorDisplay: the text in quotes, with line breaks and tabs escaped. */
function tokenDisplay(token: Token): string {
  return `'${tokenText(token).replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')}'`;
}

/** ANTLR's IntervalSet.toString: `'X'` alone, or `{a, b}` in token-type order. */
export function displayTokenSet(kinds: readonly TokenKind[]): string {
  const sorted = [...new Set(kinds)].sort((a, b) => tokenRank.get(a)! - tokenRank.get(b)!);
  const names = sorted.map(displayTokenKind);
  return names.length === 1 ? names[0]! : `{${names.join(', ')}}`;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function mostSimilarStatement(word: string): string {
  let best = '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const keyword of STATEMENT_KEYWORDS) {
    const distance = levenshtein(keyword, word.toUpperCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = keyword;
    }
  }
  return best;
}

/** ksqlDB's SyntaxErrorValidator: turns ANTLR's message into the one users see. */
function ksqlDetail(raw: string, kind: 'extraneous' | 'mismatched' | 'missing' | 'noViable', found: Token, location: Location): string {
  const text = tokenText(found);
  if (kind === 'extraneous' && isReservedWord(text)) {
    return `"${text}" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as '${text}' `;
  }
  if (raw.includes('expecting')) {
    const expecting = raw.split('expecting ')[1] ?? '';
    const listed = expecting.replace(/[{}]/g, '').replace('<EOF>,', '').replaceAll(" '", '').replaceAll("'", '').split(',');
    if (listed.join(',') === STATEMENT_KEYWORDS.join(',')) {
      return `Unknown statement '${text}'\nDid you mean '${mostSimilarStatement(text)}'?`;
    }
    if (raw.includes('EOF')) return `Syntax error at or near ";"\n'}', ']', or ')' is missing`;
    if (expecting.split(',').length <= 3) return `Expecting ${expecting}`;
    return '';
  }
  if (kind === 'noViable') return `Syntax error at or near '${text}' at line ${location.line}:${location.column}`;
  return raw;
}

/**
 * Turns a failure into the SluiceError users see. `retry` re-parses the failed statement with
 * a token list where the required token was inserted, returning the index where that parse
 * fails (Infinity if it succeeds), to tell "missing X" from "mismatched input".
 */
export function toSyntaxError(
  failure: SyntaxFailure,
  text: string,
  tokens: readonly Token[],
  depthMax: number,
  retry: (tokens: readonly Token[]) => number,
): SluiceError {
  const found = tokens[failure.index]!;
  const location = locate(text, found.start);
  const position = { line: location.line, column: location.column, offset: found.start, found: tokenText(found) };
  if (failure.kind === 'depth') {
    return new SluiceError(
      'SQL_SYNTAX',
      'Error processing statement: Statement is too large to parse. This may be caused by having too many nested expressions in the statement.',
      { ...position, limit: depthMax },
    );
  }
  const next = tokens[Math.min(failure.index + 1, tokens.length - 1)]!;
  let kind: 'extraneous' | 'mismatched' | 'missing' | 'noViable';
  let expected: readonly TokenKind[] = failure.expected;
  let raw: string;
  if (failure.kind === 'noViable') {
    kind = 'noViable';
    raw = `no viable alternative at input ${tokenDisplay(found)}`;
  } else if (failure.kind === 'match' && next.kind === failure.required) {
    kind = 'extraneous';
    expected = [failure.required];
    raw = `extraneous input ${tokenDisplay(found)} expecting ${displayTokenSet(expected)}`;
  } else if (failure.kind === 'sync' && failure.expected.includes(next.kind)) {
    kind = 'extraneous';
    raw = `extraneous input ${tokenDisplay(found)} expecting ${displayTokenSet(expected)}`;
  } else if (failure.kind === 'match' && insertionHelps(failure, tokens, retry)) {
    kind = 'missing';
    expected = [failure.required!];
    raw = `missing ${displayTokenSet(expected)} at ${tokenDisplay(found)}`;
  } else {
    kind = 'mismatched';
    raw = `mismatched input ${tokenDisplay(found)} expecting ${displayTokenSet(expected)}`;
  }
  const detail = ksqlDetail(raw, kind, found, location);
  return new SluiceError('SQL_SYNTAX', `line ${location.line}:${location.column}: Syntax Error\n${detail}`, {
    ...position,
    expected: kind === 'noViable' ? undefined : displayTokenSet(expected),
    reason: raw,
  });
}

function insertionHelps(failure: SyntaxFailure, tokens: readonly Token[], retry: (tokens: readonly Token[]) => number): boolean {
  const found = tokens[failure.index]!;
  const virtual: Token = { kind: failure.required!, text: '', start: found.start, end: found.start };
  const patched = [...tokens.slice(0, failure.index), virtual, ...tokens.slice(failure.index)];
  // the offending token now sits at index + 1: it must have been consumed
  return retry(patched) > failure.index + 1;
}

/** The statement-start tokens ksqlDB expects between statements. */
export function statementStartKinds(options: ParseOptions, includeEof: boolean): TokenKind[] {
  const kinds: TokenKind[] = includeEof ? ['EOF'] : [];
  kinds.push(...STATEMENT_KEYWORDS);
  if (options.testStatements) kinds.push('RUN');
  return kinds;
}
