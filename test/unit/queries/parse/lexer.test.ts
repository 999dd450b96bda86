import { describe, expect, it } from 'vitest';
import { needsQuotes, tokenize } from '../../../../queries/parse/index.js';

const kinds = (sql: string) => tokenize(sql).map((token) => token.kind);
const texts = (sql: string) => tokenize(sql).map((token) => token.text);

describe('tokenize', () => {
  it('matches keywords in any case and keeps the text', () => {
    expect(kinds('select Select SELECTX _x x@1')).toEqual(['SELECT', 'SELECT', 'IDENTIFIER', 'IDENTIFIER', 'IDENTIFIER', 'EOF']);
    expect(texts('select')).toEqual(['select', '']);
  });

  it('reads STRING as the keyword and quoted text as a string literal', () => {
    expect(kinds("string 'a''b' \"q\"\"x\" `b``t`")).toEqual([
      'STRING', 'STRING_LITERAL', 'QUOTED_IDENTIFIER', 'BACKQUOTED_IDENTIFIER', 'EOF',
    ]);
  });

  it('takes the longest number token, then the first rule', () => {
    expect(kinds('1 1.5 1. .5 1.5E3 1e5 .5e-2 1E 1abc 1_0')).toEqual([
      'INTEGER_VALUE', 'DECIMAL_VALUE', 'DECIMAL_VALUE', 'DECIMAL_VALUE', 'FLOATING_POINT_VALUE', 'FLOATING_POINT_VALUE',
      'FLOATING_POINT_VALUE', 'DIGIT_IDENTIFIER', 'DIGIT_IDENTIFIER', 'DIGIT_IDENTIFIER', 'EOF',
    ]);
    expect(texts('t.1col')).toEqual(['t', '.1', 'col', '']);
  });

  it('reads operators, preferring the longer ones', () => {
    expect(kinds('= <> != < <= > >= + - * / % || := -> => ; , ( ) . [ ]')).toEqual([
      'EQ', 'NEQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'PLUS', 'MINUS', 'ASTERISK', 'SLASH', 'PERCENT', 'CONCAT',
      'ASSIGN', 'STRUCT_FIELD_REF', 'LAMBDA_EXPRESSION', 'SEMICOLON', 'COMMA', 'LPAREN', 'RPAREN', 'DOT',
      'LBRACKET', 'RBRACKET', 'EOF',
    ]);
    expect(kinds('a>>b')).toEqual(['IDENTIFIER', 'GT', 'GT', 'IDENTIFIER', 'EOF']);
  });

  it('skips whitespace and both kinds of comment', () => {
    expect(texts('a -- one\n b /* two\n */ c --@directive\nd')).toEqual(['a', 'b', 'c', 'd', '']);
    // as in ksqlDB's grammar, the character right after "--" belongs to the comment even if it is a line break
    expect(texts('a --\nb\nc')).toEqual(['a', 'c', '']);
    expect(texts('a --')).toEqual(['a', '-', '-', '']);
  });

  it('reads ${name} as a variable', () => {
    expect(kinds('${abc_1} ${1} $x')).toEqual(['VARIABLE', 'UNRECOGNIZED', 'UNRECOGNIZED', 'INTEGER_VALUE', 'UNRECOGNIZED', 'UNRECOGNIZED', 'IDENTIFIER', 'EOF']);
  });

  it('turns anything else into UNRECOGNIZED tokens, and unterminated quotes into the longest complete token', () => {
    expect(kinds('a ! | : { } # ?')).toEqual(['IDENTIFIER', ...Array(7).fill('UNRECOGNIZED'), 'EOF']);
    expect(texts("'abc")).toEqual(["'", 'abc', '']);
    expect(kinds("'abc''")).toEqual(['STRING_LITERAL', 'UNRECOGNIZED', 'EOF']);
    expect(kinds('a /* open')).toEqual(['IDENTIFIER', 'SLASH', 'ASTERISK', 'IDENTIFIER', 'EOF']);
  });

  it('records offsets', () => {
    expect(tokenize('  ab  c').map((token) => [token.start, token.end])).toEqual([[2, 4], [6, 7], [7, 7]]);
  });
});

describe('needsQuotes', () => {
  it('quotes what would not read back as the same identifier', () => {
    expect(needsQuotes('FOO')).toBe(false);
    expect(needsQuotes('KEY')).toBe(false); // non-reserved keyword
    expect(needsQuotes('1ABC')).toBe(false);
    expect(needsQuotes('foo')).toBe(true); // would be upper-cased
    expect(needsQuotes('FROM')).toBe(true); // reserved
    expect(needsQuotes('A B')).toBe(true);
    expect(needsQuotes('123')).toBe(true);
    expect(needsQuotes('')).toBe(true);
  });
});
