import { describe, expect, it } from 'vitest';
import { format, parseExpression, parseType } from '../../../../queries/parse/index.js';
import { expression, syntaxError, withoutSpans } from './helpers.js';

const col = (name: string) => ({ kind: 'columnReference', name });
const int = (value: number) => ({ kind: 'integerLiteral', value });
const str = (value: string) => ({ kind: 'stringLiteral', value });

/** The expression printed with full parentheses, which shows how it was grouped. */
const grouped = (sql: string): string => format(parseExpression(sql), { quoteIdentifiers: false });

describe('precedence', () => {
  it('orders OR < AND < NOT < predicates', () => {
    expect(grouped('a OR b AND c')).toBe('(A OR (B AND C))');
    expect(grouped('a AND b OR c')).toBe('((A AND B) OR C)');
    expect(grouped('NOT a AND b')).toBe('((NOT A) AND B)');
    expect(grouped('NOT a = b')).toBe('(NOT (A = B))');
    expect(grouped('a OR NOT b OR c')).toBe('((A OR (NOT B)) OR C)');
    expect(grouped('NOT NOT a')).toBe('(NOT (NOT A))');
  });

  it('orders predicates < || < + - < * / % < unary < postfix', () => {
    expect(grouped('a = b || c')).toBe('(A = concat(B, C))');
    expect(grouped('a || b + c')).toBe('concat(A, (B + C))');
    expect(grouped('a + b * c - d / e % f')).toBe('((A + (B * C)) - ((D / E) % F))');
    expect(grouped('-a * b')).toBe('(-A * B)');
    expect(grouped('-a->b[1]')).toBe('-A->B[1]');
    expect(expression('-a->b[1]')).toMatchObject({ kind: 'arithmeticUnary', operand: { kind: 'subscript' } });
    expect(grouped('a - b - c')).toBe('((A - B) - C)');
    expect(grouped('a || b || c')).toBe('concat(concat(A, B), C)');
  });

  it('applies one predicate only', () => {
    expect(() => parseExpression('a = b = c')).toThrow(/Syntax Error/);
    expect(() => parseExpression('a IS NULL IS NULL')).toThrow(/Syntax Error/);
    expect(grouped('a = b AND c = d')).toBe('((A = B) AND (C = D))');
    expect(grouped('a BETWEEN 1 AND 2 AND c')).toBe('((A BETWEEN 1 AND 2) AND C)');
  });

  it('parses every comparison operator; != is <>', () => {
    for (const [sql, operator] of [['=', '='], ['<>', '<>'], ['!=', '<>'], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']] as const) {
      expect(expression(`a ${sql} 1`)).toEqual({ kind: 'comparison', operator, left: col('A'), right: int(1) });
    }
  });

  it('parses IS [NOT] NULL and IS [NOT] DISTINCT FROM', () => {
    expect(expression('a IS NULL')).toEqual({ kind: 'isNull', operand: col('A') });
    expect(expression('a IS NOT NULL')).toEqual({ kind: 'isNotNull', operand: col('A') });
    expect(expression('a IS DISTINCT FROM b')).toEqual({ kind: 'comparison', operator: 'IS DISTINCT FROM', left: col('A'), right: col('B') });
    expect(expression('a IS NOT DISTINCT FROM b')).toEqual({
      kind: 'not',
      operand: { kind: 'comparison', operator: 'IS DISTINCT FROM', left: col('A'), right: col('B') },
    });
  });

  it('parses [NOT] BETWEEN, [NOT] IN, [NOT] LIKE with ESCAPE', () => {
    expect(expression('a NOT BETWEEN 1 AND 2')).toEqual({
      kind: 'not',
      operand: { kind: 'between', value: col('A'), min: int(1), max: int(2) },
    });
    expect(expression("a IN (1, 'x', b)")).toEqual({ kind: 'inList', value: col('A'), list: [int(1), str('x'), col('B')] });
    expect(expression('a NOT IN (1)')).toMatchObject({ kind: 'not', operand: { kind: 'inList' } });
    expect(expression("a LIKE 'x!%' ESCAPE '!'")).toEqual({ kind: 'like', value: col('A'), pattern: str('x!%'), escape: '!' });
    expect(expression("a NOT LIKE 'x'")).toMatchObject({ kind: 'not', operand: { kind: 'like' } });
    expect(() => parseExpression("a LIKE 'x' ESCAPE 'ab'")).toThrow('Expected single character escape but got: ab');
  });
});

describe('literals', () => {
  it('types integers as INT when they fit, else BIGINT', () => {
    expect(expression('2147483647')).toEqual(int(2147483647));
    expect(expression('-2147483648')).toEqual(int(-2147483648));
    expect(expression('2147483648')).toEqual({ kind: 'bigintLiteral', value: 2147483648n });
    expect(expression('-9223372036854775808')).toEqual({ kind: 'bigintLiteral', value: -9223372036854775808n });
    expect(() => parseExpression('9223372036854775808')).toThrow('Invalid numeric literal: 9223372036854775808');
  });

  it('reads a minus before a number as part of the literal, elsewhere as an operator', () => {
    expect(expression('-5')).toEqual(int(-5));
    expect(expression('- 5')).toEqual(int(-5));
    expect(expression('a-5')).toEqual({ kind: 'arithmeticBinary', operator: '-', left: col('A'), right: int(5) });
    expect(expression('-(5)')).toEqual({ kind: 'arithmeticUnary', sign: '-', operand: int(5) });
    expect(expression('+5')).toEqual({ kind: 'arithmeticUnary', sign: '+', operand: int(5) });
  });

  it('types 1.5 as DECIMAL (text kept as BigDecimal prints it) and 1.5E3 as DOUBLE', () => {
    expect(expression('1.50')).toEqual({ kind: 'decimalLiteral', value: '1.50' });
    expect(expression('.5')).toEqual({ kind: 'decimalLiteral', value: '0.5' });
    expect(expression('1.')).toEqual({ kind: 'decimalLiteral', value: '1' });
    expect(expression('-0.001')).toEqual({ kind: 'decimalLiteral', value: '-0.001' });
    expect(expression('0.0000001')).toEqual({ kind: 'decimalLiteral', value: '1E-7' });
    expect(expression('1.5E3')).toEqual({ kind: 'doubleLiteral', value: 1500 });
    expect(expression('1e-3')).toEqual({ kind: 'doubleLiteral', value: 0.001 });
    expect(() => parseExpression('1.7976931348623159E308')).toThrow('Number overflows DOUBLE: 1.7976931348623159E308');
  });

  it('parses strings with doubled quotes, booleans, null and typed DECIMAL literals', () => {
    expect(expression("'it''s'")).toEqual(str("it's"));
    expect(expression("''")).toEqual(str(''));
    expect(expression('TRUE')).toEqual({ kind: 'booleanLiteral', value: true });
    expect(expression('false')).toEqual({ kind: 'booleanLiteral', value: false });
    expect(expression('NULL')).toEqual({ kind: 'nullLiteral' });
    expect(expression("`DECIMAL` '1.25'")).toEqual({ kind: 'decimalLiteral', value: '1.25' });
    expect(() => parseExpression("`DATE` '2020-01-01'")).toThrow('Unknown type: DATE');
  });
});

describe('primary expressions', () => {
  it('parses column references, qualified ones, dereferences and subscripts', () => {
    expect(expression('s.col')).toEqual({ kind: 'qualifiedColumnReference', source: 'S', name: 'COL' });
    expect(expression('a->b->c')).toEqual({
      kind: 'dereference',
      base: { kind: 'dereference', base: col('A'), field: 'B' },
      field: 'C',
    });
    expect(expression("m['k'][1]")).toEqual({
      kind: 'subscript',
      base: { kind: 'subscript', base: col('M'), index: str('k') },
      index: int(1),
    });
    expect(expression('s.a->b')).toEqual({
      kind: 'dereference',
      base: { kind: 'qualifiedColumnReference', source: 'S', name: 'A' },
      field: 'B',
    });
  });

  it('upper-cases unquoted identifiers and keeps quoted ones', () => {
    expect(expression('aBc')).toEqual(col('ABC'));
    expect(expression('"aBc"')).toEqual(col('aBc'));
    expect(expression('`a``b`')).toEqual(col('a`b'));
    expect(expression('"a""b"')).toEqual(col('a"b'));
    expect(expression('1col')).toEqual(col('1COL'));
  });

  it('lets non-reserved keywords name columns', () => {
    expect(expression('key + date + `from`')).toMatchObject({ left: { left: col('KEY'), right: col('DATE') }, right: col('from') });
    expect(() => parseExpression('from')).toThrow(/Syntax Error/);
  });

  it('parses function calls, COUNT(*), time units and lambdas', () => {
    expect(expression('COUNT(*)')).toEqual({ kind: 'functionCall', name: 'COUNT', args: [] });
    expect(expression('now()')).toEqual({ kind: 'functionCall', name: 'NOW', args: [] });
    expect(expression('TIMESTAMPADD(MILLISECONDS, 5, ts)')).toEqual({
      kind: 'functionCall',
      name: 'TIMESTAMPADD',
      args: [{ kind: 'intervalUnit', unit: 'MILLISECONDS' }, int(5), col('TS')],
    });
    // DAY/HOUR/MINUTE/SECOND are non-reserved: bare, they are columns
    expect(expression('f(SECOND)')).toEqual({ kind: 'functionCall', name: 'F', args: [col('SECOND')] });
    expect(expression('REDUCE(arr, 0, (s, x) => s + x + y)')).toEqual({
      kind: 'functionCall',
      name: 'REDUCE',
      args: [
        col('ARR'),
        int(0),
        {
          kind: 'lambda',
          params: ['S', 'X'],
          body: {
            kind: 'arithmeticBinary',
            operator: '+',
            left: { kind: 'arithmeticBinary', operator: '+', left: { kind: 'lambdaVariable', name: 'S' }, right: { kind: 'lambdaVariable', name: 'X' } },
            right: col('Y'),
          },
        },
      ],
    });
    expect(expression('TRANSFORM(m, (k, v) => k, (k, v) => v)')).toMatchObject({ args: [col('M'), { kind: 'lambda' }, { kind: 'lambda' }] });
    expect(expression('FILTER(a, x => x)')).toMatchObject({ args: [col('A'), { kind: 'lambda', params: ['X'] }] });
    // a lambda cannot be a first argument, nor be followed by a plain one
    expect(() => parseExpression('FILTER(x => x)')).toThrow(/Syntax Error/);
    expect(() => parseExpression('FILTER(a, x => x, 1)')).toThrow(/Syntax Error/);
  });

  it('parses CAST, CASE, and the ARRAY, MAP and STRUCT constructors', () => {
    expect(expression('CAST(a AS DECIMAL(4, 2))')).toEqual({
      kind: 'cast',
      expression: col('A'),
      type: { kind: 'decimalType', precision: 4, scale: 2 },
    });
    expect(expression('CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END')).toEqual({
      kind: 'searchedCase',
      whenClauses: [
        { kind: 'whenClause', condition: col('A'), result: int(1) },
        { kind: 'whenClause', condition: col('B'), result: int(2) },
      ],
      elseValue: int(3),
    });
    expect(expression("CASE a WHEN 1 THEN 'x' END")).toEqual({
      kind: 'simpleCase',
      operand: col('A'),
      whenClauses: [{ kind: 'whenClause', condition: int(1), result: str('x') }],
    });
    expect(expression('ARRAY[1, a]')).toEqual({ kind: 'createArray', values: [int(1), col('A')] });
    expect(expression('ARRAY[]')).toEqual({ kind: 'createArray', values: [] });
    expect(expression("MAP('a' := 1, b := 2)")).toEqual({
      kind: 'createMap',
      entries: [
        { kind: 'mapEntry', key: str('a'), value: int(1) },
        { kind: 'mapEntry', key: col('B'), value: int(2) },
      ],
    });
    expect(expression('MAP()')).toEqual({ kind: 'createMap', entries: [] });
    expect(expression('STRUCT(a := 1, `b` := x)')).toEqual({
      kind: 'createStruct',
      fields: [
        { kind: 'structField', name: 'A', value: int(1) },
        { kind: 'structField', name: 'b', value: col('X') },
      ],
    });
    // without := they are calls of functions named MAP / STRUCT, and ARRAY alone is a column
    expect(expression('MAP(a, b)')).toEqual({ kind: 'functionCall', name: 'MAP', args: [col('A'), col('B')] });
    expect(expression('STRUCT(a)')).toEqual({ kind: 'functionCall', name: 'STRUCT', args: [col('A')] });
    expect(expression('array')).toEqual(col('ARRAY'));
  });

  it('parses parentheses away', () => {
    expect(expression('((a))')).toEqual(col('A'));
  });

  it('records spans as source offsets', () => {
    const parsed = parseExpression('  a + f(b)  ');
    expect(parsed.span).toEqual({ start: 2, end: 10 });
    expect(parsed.kind === 'arithmeticBinary' && parsed.right.span).toEqual({ start: 6, end: 10 });
  });
});

describe('types', () => {
  const type = (sql: string) => withoutSpans(parseType(sql));

  it('parses primitive types and their aliases', () => {
    for (const [sql, name] of [
      ['BOOLEAN', 'BOOLEAN'], ['INT', 'INTEGER'], ['integer', 'INTEGER'], ['BIGINT', 'BIGINT'], ['DOUBLE', 'DOUBLE'],
      ['STRING', 'STRING'], ['VARCHAR', 'STRING'], ['BYTES', 'BYTES'], ['DATE', 'DATE'], ['TIME', 'TIME'],
      ['TIMESTAMP', 'TIMESTAMP'], ['VARCHAR(10)', 'STRING'],
    ] as const) {
      expect(type(sql)).toEqual({ kind: 'primitiveType', name });
    }
  });

  it('parses DECIMAL, ARRAY, MAP, STRUCT, postfix ARRAY and custom types', () => {
    expect(type('DECIMAL(10, 2)')).toEqual({ kind: 'decimalType', precision: 10, scale: 2 });
    expect(type('MAP<STRING, ARRAY<INT>>')).toEqual({
      kind: 'mapType',
      key: { kind: 'primitiveType', name: 'STRING' },
      value: { kind: 'arrayType', element: { kind: 'primitiveType', name: 'INTEGER' } },
    });
    // `<>` is one token (not-equal), as in ksqlDB: an empty struct needs a space
    expect(type('STRUCT< >')).toEqual({ kind: 'structType', fields: [] });
    expect(() => parseType('STRUCT<>')).toThrow(/Syntax Error/);
    expect(type('INT ARRAY ARRAY')).toEqual({
      kind: 'arrayType',
      element: { kind: 'arrayType', element: { kind: 'primitiveType', name: 'INTEGER' } },
    });
    expect(type('address')).toEqual({ kind: 'customType', name: 'ADDRESS' });
    expect(() => parseType('DECIMAL(1.5, 2)')).toThrow('Value must be integer for command: DECIMAL(PRECISION)');
    expect(syntaxError(() => parseType('NULL')).message).toBe("line 1:1: Syntax Error\nSyntax error at or near 'NULL' at line 1:1");
  });
});

describe('nesting limit', () => {
  it('rejects expressions nested deeper than the limit, with a clear message', () => {
    const deep = `${'('.repeat(600)}1${')'.repeat(600)}`;
    const error = syntaxError(() => parseExpression(deep));
    expect(error.code).toBe('SQL_SYNTAX');
    expect(error.message).toContain('Statement is too large to parse');
    expect(error.details['limit']).toBe(500);
    expect(() => parseExpression(`${'('.repeat(100)}1${')'.repeat(100)}`)).not.toThrow();
    expect(() => parseExpression(`${'('.repeat(100)}1${')'.repeat(100)}`, { expressionDepthMax: 50 })).toThrow('too large');
  });

  it('counts long operator chains too', () => {
    expect(() => parseExpression(Array.from({ length: 1000 }, (_, index) => `a${index}`).join(' + '))).toThrow('too large');
    expect(() => parseExpression(Array.from({ length: 200 }, (_, index) => `a${index}`).join(' + '))).not.toThrow();
  });
});
