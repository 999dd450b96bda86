/**
 * The lexer: SQL text -> tokens, following ksqlDB's `SqlBase.g4` lexer rules.
 *
 * Like ANTLR it takes the longest match at each position and, on a tie, the rule defined first
 * (keywords before IDENTIFIER, INTEGER_VALUE before DIGIT_IDENTIFIER...). Matching is
 * case-insensitive (ksqlDB upper-cases the character stream for the lexer only); token text keeps
 * the original case. It never fails: a character no rule matches becomes an UNRECOGNIZED token,
 * which the parser then rejects. Whitespace and comments are skipped.
 *
 * Token kinds are listed in ANTLR's token-type order so that error messages print expected-token
 * sets exactly as ksqlDB does.
 */

/** Keywords, in the order the grammar defines them (this order is the token-type order). */
export const KEYWORDS = [
  'EMIT', 'CHANGES', 'FINAL', 'SELECT', 'FROM', 'AS', 'ALL', 'DISTINCT', 'WHERE', 'WITHIN', 'WINDOW',
  'GROUP', 'BY', 'HAVING', 'LIMIT', 'AT', 'OR', 'AND', 'IN', 'NOT', 'EXISTS', 'BETWEEN', 'LIKE',
  'ESCAPE', 'IS', 'NULL', 'TRUE', 'FALSE', 'INTEGER', 'DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'YEAR',
  'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'YEARS', 'MONTHS', 'DAYS', 'HOURS',
  'MINUTES', 'SECONDS', 'MILLISECONDS', 'ZONE', 'TUMBLING', 'HOPPING', 'SIZE', 'ADVANCE', 'RETENTION',
  'GRACE', 'PERIOD', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'JOIN', 'FULL', 'OUTER', 'INNER', 'LEFT',
  'RIGHT', 'ON', 'PARTITION', 'STRUCT', 'WITH', 'VALUES', 'CREATE', 'TABLE', 'TOPIC', 'STREAM',
  'STREAMS', 'INSERT', 'DELETE', 'INTO', 'DESCRIBE', 'EXTENDED', 'PRINT', 'EXPLAIN', 'ANALYZE', 'TYPE',
  'TYPES', 'CAST', 'SHOW', 'LIST', 'TABLES', 'TOPICS', 'QUERY', 'QUERIES', 'TERMINATE', 'PAUSE',
  'RESUME', 'LOAD', 'COLUMNS', 'COLUMN', 'PARTITIONS', 'FUNCTIONS', 'FUNCTION', 'DROP', 'TO', 'RENAME',
  'ARRAY', 'MAP', 'SET', 'DEFINE', 'UNDEFINE', 'RESET', 'SESSION', 'SAMPLE', 'EXPORT', 'CATALOG',
  'PROPERTIES', 'BEGINNING', 'UNSET', 'RUN', 'SCRIPT', 'DECIMAL', 'KEY', 'CONNECTOR', 'CONNECTORS',
  'SINK', 'SOURCE', 'NAMESPACE', 'MATERIALIZED', 'VIEW', 'PRIMARY', 'REPLACE', 'ASSERT', 'ADD',
  'ALTER', 'VARIABLES', 'PLUGINS', 'HEADERS', 'HEADER', 'SYSTEM', 'TIMEOUT', 'SCHEMA', 'SUBJECT', 'ID',
  'IF',
] as const;

/** Every token kind, in ANTLR token-type order. `STRING` is the keyword; quoted strings are STRING_LITERAL. */
export const TOKEN_KINDS = [
  // literals used in parser rules only (ANTLR's implicit T__n tokens), in order of first use
  'SEMICOLON', 'COMMA', 'LPAREN', 'RPAREN', 'DOT', 'LBRACKET', 'RBRACKET', 'STRING',
  ...KEYWORDS,
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'PLUS', 'MINUS', 'ASTERISK', 'SLASH', 'PERCENT', 'CONCAT',
  'ASSIGN', 'STRUCT_FIELD_REF', 'LAMBDA_EXPRESSION',
  'STRING_LITERAL', 'INTEGER_VALUE', 'DECIMAL_VALUE', 'FLOATING_POINT_VALUE', 'IDENTIFIER',
  'DIGIT_IDENTIFIER', 'QUOTED_IDENTIFIER', 'BACKQUOTED_IDENTIFIER', 'VARIABLE', 'UNRECOGNIZED',
  'EOF',
] as const;

export type Keyword = (typeof KEYWORDS)[number] | 'STRING';
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token, case preserved ('' for EOF). */
  readonly text: string;
  /** Offset of the first character (UTF-16 index into the lexed text). */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

/** ANTLR token-type rank, for printing expected sets in ksqlDB's order. EOF sorts first. */
export const tokenRank: ReadonlyMap<TokenKind, number> = new Map(
  TOKEN_KINDS.map((kind, index): [TokenKind, number] => [kind, kind === 'EOF' ? -1 : index]),
);

const SYMBOL_DISPLAY: Partial<Record<TokenKind, string>> = {
  SEMICOLON: "';'", COMMA: "','", LPAREN: "'('", RPAREN: "')'", DOT: "'.'", LBRACKET: "'['",
  RBRACKET: "']'", STRING: "'STRING'", EQ: "'='", NEQ: 'NEQ', LT: "'<'", LTE: "'<='", GT: "'>'",
  GTE: "'>='", PLUS: "'+'", MINUS: "'-'", ASTERISK: "'*'", SLASH: "'/'", PERCENT: "'%'",
  CONCAT: "'||'", ASSIGN: "':='", STRUCT_FIELD_REF: "'->'", LAMBDA_EXPRESSION: "'=>'",
  STRING_LITERAL: 'STRING', EOF: '<EOF>',
};

const keywordSet: ReadonlySet<string> = new Set<string>([...KEYWORDS, 'STRING']);

/** How ANTLR names a token kind in "expecting ..." messages: `'SELECT'`, `';'`, `IDENTIFIER`. */
export function displayTokenKind(kind: TokenKind): string {
  return SYMBOL_DISPLAY[kind] ?? (keywordSet.has(kind) ? `'${kind}'` : kind);
}

/** Keywords that the grammar's `nonReserved` rule lets stand as identifiers. */
export const NON_RESERVED: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'SHOW', 'TABLES', 'COLUMNS', 'COLUMN', 'PARTITIONS', 'FUNCTIONS', 'FUNCTION', 'SESSION', 'STRUCT',
  'MAP', 'ARRAY', 'PARTITION', 'INTEGER', 'DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'ZONE', 'STRING',
  'YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'EXPLAIN', 'ANALYZE', 'TYPE', 'TYPES', 'SET',
  'RESET', 'IF', 'SOURCE', 'SINK', 'PRIMARY', 'KEY', 'EMIT', 'CHANGES', 'FINAL', 'ESCAPE', 'REPLACE',
  'ASSERT', 'ALTER', 'ADD', 'HEADER', 'HEADERS', 'GRACE', 'PERIOD', 'DEFINE', 'UNDEFINE', 'VARIABLES',
  'PLUGINS', 'SYSTEM', 'TIMEOUT', 'SCHEMA', 'SUBJECT', 'ID',
]);

/** Token kinds that can begin an identifier. */
export const IDENTIFIER_START: readonly TokenKind[] = [
  'VARIABLE', 'IDENTIFIER', 'QUOTED_IDENTIFIER', ...NON_RESERVED, 'BACKQUOTED_IDENTIFIER', 'DIGIT_IDENTIFIER',
];
const identifierStartSet: ReadonlySet<TokenKind> = new Set(IDENTIFIER_START);

export function isIdentifierStart(kind: TokenKind): boolean {
  return identifierStartSet.has(kind);
}

/**
 * Whether ksqlDB would call `text` a reserved word in its "is a reserved keyword" message: not a
 * non-reserved keyword, yet one of the grammar's symbolic token names (case-insensitive).
 */
export function isReservedWord(text: string): boolean {
  if (NON_RESERVED.has(tokenize(text)[0]!.kind)) return false;
  return reservedVocabulary.has(text.toLowerCase());
}

const reservedVocabulary: ReadonlySet<string> = new Set(
  [
    ...KEYWORDS, 'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'PLUS', 'MINUS', 'ASTERISK', 'SLASH', 'PERCENT',
    'ASSIGN', 'STRUCT_FIELD_REF', 'LAMBDA_EXPRESSION', 'STRING', 'INTEGER_VALUE', 'DECIMAL_VALUE',
    'FLOATING_POINT_VALUE', 'IDENTIFIER', 'DIGIT_IDENTIFIER', 'QUOTED_IDENTIFIER',
    'BACKQUOTED_IDENTIFIER', 'VARIABLE', 'SIMPLE_COMMENT', 'DIRECTIVE_COMMENT', 'BRACKETED_COMMENT',
    'WS', 'UNRECOGNIZED', 'DELIMITER',
  ]
    .filter((word) => word !== 'REPLACE') // ksqlDB allows these function names: concat, substring, replace
    .map((word) => word.toLowerCase()),
);

/**
 * Whether `name` must be quoted to read back as the same identifier: it is not a single
 * identifier token when unquoted, or it is not all upper case (unquoted names are upper-cased).
 */
export function needsQuotes(name: string): boolean {
  if (name.length === 0 || name.toUpperCase() !== name) return true;
  const tokens = tokenize(name);
  if (tokens.length !== 2) return true;
  const kind = tokens[0]!.kind;
  return !(kind === 'IDENTIFIER' || kind === 'DIGIT_IDENTIFIER' || NON_RESERVED.has(kind));
}

// ---------------------------------------------------------------------------------------------

const enum Char {
  Tab = 9, NewLine = 10, CarriageReturn = 13, Space = 32, Bang = 33, DoubleQuote = 34, Dollar = 36,
  Percent = 37, Quote = 39, LeftParen = 40, RightParen = 41, Star = 42, Plus = 43, Comma = 44,
  Minus = 45, Dot = 46, Slash = 47, Zero = 48, Nine = 57, Colon = 58, Semicolon = 59, Less = 60,
  Equals = 61, Greater = 62, At = 64, UpperA = 65, UpperE = 69, UpperZ = 90, LeftBracket = 91,
  RightBracket = 93, Underscore = 95, Backtick = 96, LowerA = 97, LowerE = 101, LowerZ = 122,
  LeftBrace = 123, Pipe = 124, RightBrace = 125,
}

function isDigit(code: number): boolean {
  return code >= Char.Zero && code <= Char.Nine;
}

/** A LETTER of the grammar: [A-Z] after Java's Character.toUpperCase, so also a-z (and a few others). */
function isLetterAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if ((code >= Char.UpperA && code <= Char.UpperZ) || (code >= Char.LowerA && code <= Char.LowerZ)) return true;
  if (code < 128 || Number.isNaN(code)) return false;
  const upper = String.fromCodePoint(text.codePointAt(index)!).toUpperCase();
  return upper.length === 1 && upper >= 'A' && upper <= 'Z';
}

/** IDENTIFIER tail characters: LETTER | DIGIT | '_' | '@'. */
function isIdentifierPartAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return isDigit(code) || code === Char.Underscore || code === Char.At || isLetterAt(text, index);
}

function scanIdentifierPart(text: string, index: number): number {
  while (index < text.length && isIdentifierPartAt(text, index)) index++;
  return index;
}

function scanDigits(text: string, index: number): number {
  while (index < text.length && isDigit(text.charCodeAt(index))) index++;
  return index;
}

/** EXPONENT: 'E' [+-]? DIGIT+ ; returns the end, or -1 when there is none at `index`. */
function scanExponent(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code !== Char.UpperE && code !== Char.LowerE) return -1;
  let next = index + 1;
  const sign = text.charCodeAt(next);
  if (sign === Char.Plus || sign === Char.Minus) next++;
  const end = scanDigits(text, next);
  return end > next ? end : -1;
}

/**
 * A quoted token ('...', "..." or `...`) where a doubled quote escapes it. As ANTLR does, an
 * unterminated one falls back to the longest prefix that was a complete token; -1 if none.
 */
function scanQuoted(text: string, start: number, quote: number): number {
  let index = start + 1;
  let lastComplete = -1;
  while (index < text.length) {
    if (text.charCodeAt(index) === quote) {
      lastComplete = index + 1;
      if (text.charCodeAt(index + 1) === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index++;
  }
  return lastComplete;
}

interface Match {
  readonly kind: TokenKind;
  readonly end: number;
}

/** The numeric (or DIGIT_IDENTIFIER / '.') token at `start`, by longest match then rule order. */
function scanNumber(text: string, start: number): Match {
  const candidates: Match[] = [];
  if (text.charCodeAt(start) === Char.Dot) {
    const fractionEnd = scanDigits(text, start + 1);
    if (fractionEnd === start + 1) return { kind: 'DOT', end: start + 1 };
    candidates.push({ kind: 'DECIMAL_VALUE', end: fractionEnd });
    const exponentEnd = scanExponent(text, fractionEnd);
    if (exponentEnd > 0) candidates.push({ kind: 'FLOATING_POINT_VALUE', end: exponentEnd });
  } else {
    const digitsEnd = scanDigits(text, start);
    candidates.push({ kind: 'INTEGER_VALUE', end: digitsEnd });
    let mantissaEnd = digitsEnd;
    if (text.charCodeAt(digitsEnd) === Char.Dot) {
      mantissaEnd = scanDigits(text, digitsEnd + 1);
      candidates.push({ kind: 'DECIMAL_VALUE', end: mantissaEnd });
    }
    const exponentEnd = scanExponent(text, mantissaEnd);
    if (exponentEnd > 0) candidates.push({ kind: 'FLOATING_POINT_VALUE', end: exponentEnd });
    const identifierEnd = scanIdentifierPart(text, start + 1);
    if (identifierEnd > start + 1) candidates.push({ kind: 'DIGIT_IDENTIFIER', end: identifierEnd });
  }
  let best = candidates[0]!;
  for (const candidate of candidates) {
    if (candidate.end > best.end) best = candidate;
  }
  return best;
}

function codePointLength(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
}

/** Skips whitespace and comments from `index`; returns where the next token starts. */
function skipHidden(text: string, index: number): number {
  for (;;) {
    const code = text.charCodeAt(index);
    if (code === Char.Space || code === Char.Tab || code === Char.NewLine || code === Char.CarriageReturn) {
      index++;
      continue;
    }
    if (code === Char.Minus && text.charCodeAt(index + 1) === Char.Minus && index + 2 < text.length) {
      // SIMPLE_COMMENT: '--' ~'@' ~[\r\n]* '\r'? '\n'?  and DIRECTIVE_COMMENT: '--@' ~[\r\n]* ...
      // Faithful to the grammar: the one character after '--' may itself be a line break, so a
      // bare "--" line also swallows the line after it, as in ksqlDB.
      let end = index + 3;
      while (end < text.length && text.charCodeAt(end) !== Char.NewLine && text.charCodeAt(end) !== Char.CarriageReturn) end++;
      if (text.charCodeAt(end) === Char.CarriageReturn) end++;
      if (text.charCodeAt(end) === Char.NewLine) end++;
      index = end;
      continue;
    }
    if (code === Char.Slash && text.charCodeAt(index + 1) === Char.Star) {
      const close = text.indexOf('*/', index + 2);
      if (close >= 0) {
        index = close + 2;
        continue;
      }
    }
    return index;
  }
}

/** The token starting at `start` (which is not whitespace or a comment). */
function scanToken(text: string, start: number): Match {
  const code = text.charCodeAt(start);
  const next = text.charCodeAt(start + 1);
  if (isDigit(code) || code === Char.Dot) return scanNumber(text, start);
  if (code === Char.Underscore || isLetterAt(text, start)) {
    const end = scanIdentifierPart(text, start + codePointLength(text, start));
    const upper = text.slice(start, end).toUpperCase();
    return { kind: keywordSet.has(upper) ? (upper as TokenKind) : 'IDENTIFIER', end };
  }
  switch (code) {
    case Char.Quote: {
      const end = scanQuoted(text, start, Char.Quote);
      return end > 0 ? { kind: 'STRING_LITERAL', end } : { kind: 'UNRECOGNIZED', end: start + 1 };
    }
    case Char.DoubleQuote: {
      const end = scanQuoted(text, start, Char.DoubleQuote);
      return end > 0 ? { kind: 'QUOTED_IDENTIFIER', end } : { kind: 'UNRECOGNIZED', end: start + 1 };
    }
    case Char.Backtick: {
      const end = scanQuoted(text, start, Char.Backtick);
      return end > 0 ? { kind: 'BACKQUOTED_IDENTIFIER', end } : { kind: 'UNRECOGNIZED', end: start + 1 };
    }
    case Char.Dollar: {
      // VARIABLE: '${' IDENTIFIER '}'
      if (next === Char.LeftBrace && (text.charCodeAt(start + 2) === Char.Underscore || isLetterAt(text, start + 2))) {
        const nameEnd = scanIdentifierPart(text, start + 2 + codePointLength(text, start + 2));
        if (text.charCodeAt(nameEnd) === Char.RightBrace) return { kind: 'VARIABLE', end: nameEnd + 1 };
      }
      return { kind: 'UNRECOGNIZED', end: start + 1 };
    }
    case Char.Semicolon: return { kind: 'SEMICOLON', end: start + 1 };
    case Char.Comma: return { kind: 'COMMA', end: start + 1 };
    case Char.LeftParen: return { kind: 'LPAREN', end: start + 1 };
    case Char.RightParen: return { kind: 'RPAREN', end: start + 1 };
    case Char.LeftBracket: return { kind: 'LBRACKET', end: start + 1 };
    case Char.RightBracket: return { kind: 'RBRACKET', end: start + 1 };
    case Char.Plus: return { kind: 'PLUS', end: start + 1 };
    case Char.Star: return { kind: 'ASTERISK', end: start + 1 };
    case Char.Slash: return { kind: 'SLASH', end: start + 1 };
    case Char.Percent: return { kind: 'PERCENT', end: start + 1 };
    case Char.Minus: return next === Char.Greater ? { kind: 'STRUCT_FIELD_REF', end: start + 2 } : { kind: 'MINUS', end: start + 1 };
    case Char.Equals: return next === Char.Greater ? { kind: 'LAMBDA_EXPRESSION', end: start + 2 } : { kind: 'EQ', end: start + 1 };
    case Char.Less:
      if (next === Char.Greater) return { kind: 'NEQ', end: start + 2 };
      return next === Char.Equals ? { kind: 'LTE', end: start + 2 } : { kind: 'LT', end: start + 1 };
    case Char.Greater: return next === Char.Equals ? { kind: 'GTE', end: start + 2 } : { kind: 'GT', end: start + 1 };
    case Char.Bang: return next === Char.Equals ? { kind: 'NEQ', end: start + 2 } : { kind: 'UNRECOGNIZED', end: start + 1 };
    case Char.Pipe: return next === Char.Pipe ? { kind: 'CONCAT', end: start + 2 } : { kind: 'UNRECOGNIZED', end: start + 1 };
    case Char.Colon: return next === Char.Equals ? { kind: 'ASSIGN', end: start + 2 } : { kind: 'UNRECOGNIZED', end: start + 1 };
    default: return { kind: 'UNRECOGNIZED', end: start + codePointLength(text, start) };
  }
}

/** Splits `text` into tokens; the last one is always EOF (at `text.length`). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = skipHidden(text, 0);
  while (index < text.length) {
    const match = scanToken(text, index);
    tokens.push({ kind: match.kind, text: text.slice(index, match.end), start: index, end: match.end });
    index = skipHidden(text, match.end);
  }
  tokens.push({ kind: 'EOF', text: '', start: text.length, end: text.length });
  return tokens;
}
