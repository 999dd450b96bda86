import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bigDecimalToString, format, formatExpression, formatKsqlStatement, formatStatements, parseExpression, parseStatement, parseStatements, parseType,
} from '../../../../queries/parse/index.js';
import type { Expression, FunctionArgument, TimeUnit, Type } from '../../../../queries/parse/index.js';
import { withoutSpans } from './helpers.js';

const span = { start: 0, end: 0 };

/** format(parse(sql)) parses back to the same AST. */
function roundTrips(sql: string): string {
  const parsed = parseStatement(sql);
  const text = format(parsed);
  expect(withoutSpans(parseStatement(text)), text).toEqual(withoutSpans(parsed));
  return text;
}

describe('format', () => {
  it('prints expressions as ksqlDB does', () => {
    const sql = (text: string) => formatExpression(parseExpression(text), { quoteIdentifiers: false });
    expect(sql('a+b*c')).toBe('(A + (B * C))');
    expect(sql('id = null')).toBe('(ID = null)');
    expect(sql('NOT a OR b IS NULL')).toBe('((NOT A) OR (B IS NULL))');
    expect(sql("MAP('a' := v1)")).toBe("MAP('a':=V1)");
    expect(sql('STRUCT(f0 := v1)')).toBe('STRUCT(F0:=V1)');
    expect(sql('ARRAY[v1]')).toBe('ARRAY[V1]');
    expect(sql('SUBSTRING(source, 0, 1)')).toBe('SUBSTRING(SOURCE, 0, 1)');
    expect(sql('COUNT(*)')).toBe('COUNT(*)');
    expect(sql('CAST(a AS DECIMAL(4,2))')).toBe('CAST(A AS DECIMAL(4, 2))');
    expect(sql('CASE WHEN a THEN 1 END')).toBe('(CASE WHEN A THEN 1 END)');
    expect(sql('a BETWEEN 1 AND 2')).toBe('(A BETWEEN 1 AND 2)');
    expect(sql('a IN (1, 2)')).toBe('(A IN (1, 2))');
    expect(sql("a LIKE 'x' ESCAPE '!'")).toBe("(A LIKE 'x' ESCAPE '!')");
    expect(sql('1.5E3 + 5.0 + 10')).toBe('((1.5E3 + 5.0) + 10)');
    expect(sql('TRANSFORM(a, (x, y) => x)')).toBe('TRANSFORM(A, (X, Y) => X)');
    expect(sql('a->b[1]')).toBe('A->B[1]');
    expect(sql('a || b')).toBe('concat(A, B)');
  });

  it('quotes only the names that need it', () => {
    expect(format(parseExpression('`lower` + `SELECT` + KEY + "With Space" + `a``b`'))).toBe(
      '((((`lower` + `SELECT`) + KEY) + `With Space`) + `a``b`)',
    );
    expect(format(parseStatement('DESCRIBE `TABLES`;'))).toBe('DESCRIBE `TABLES`');
  });

  it('prints statements on one line, without the semicolon', () => {
    expect(format(parseStatement("create stream s (id int key, v string) with (kafka_topic='t', value_format='json');"))).toBe(
      "CREATE STREAM S (ID INTEGER KEY, V STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='json')",
    );
    expect(format(parseStatement('select * from a x left join b y within 10 seconds on x.k = y.k emit changes;'))).toBe(
      'SELECT * FROM A X LEFT OUTER JOIN B Y WITHIN 10 SECONDS ON (X.K = Y.K) EMIT CHANGES',
    );
    expect(formatStatements(parseStatements('SHOW STREAMS; list tables extended;').map((parsed) => parsed.statement))).toBe(
      'SHOW STREAMS;\nSHOW TABLES EXTENDED;',
    );
  });

  it('round-trips every statement kind', () => {
    const statements = [
      "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS `t` (`k` INT PRIMARY KEY, h ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS, b BYTES HEADER('x''y')) WITH (kafka_topic='t', partitions=-1, \"lower\"=1.50, d=1e3, n=null, b=true)",
      'CREATE STREAM s (a DECIMAL(4, 2), m MAP<STRING, ARRAY<INT>>, st STRUCT<a INT, `b c` STRING>, e STRUCT< >, c address, x INT ARRAY)',
      "CREATE TABLE o WITH (kafka_topic='o') AS SELECT k, COUNT(*) c FROM s WINDOW w HOPPING (SIZE 1 DAY, ADVANCE BY 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 0 SECONDS) WHERE a > 1 GROUP BY k HAVING COUNT(*) > 1 EMIT FINAL",
      'CREATE STREAM o AS SELECT * FROM a JOIN b WITHIN (1 SECOND, 2 MINUTES) GRACE PERIOD 3 HOURS ON a.k = b.k FULL OUTER JOIN c ON a.k = c.k PARTITION BY a.k, b.k',
      'SELECT a.*, s->*, (-a)->b AS x, -(5), - -5, +-5 FROM s AS partition WINDOW SESSION (5 MINUTES) GROUP BY () EMIT CHANGES LIMIT 10',
      'SELECT * FROM s AS emit EMIT CHANGES',
      "CREATE SINK CONNECTOR c WITH ('connector.class'='x')",
      "INSERT INTO o WITH (QUERY_ID='q') SELECT * FROM s",
      "INSERT INTO s (a, `B`, c, d, e) VALUES (1, 'x''y', `DECIMAL` '1E+3', 1., -0.5)",
      'DROP STREAM IF EXISTS s DELETE TOPIC',
      'DROP TABLE t',
      'DROP CONNECTOR IF EXISTS c',
      'DROP TYPE t',
      'CREATE TYPE IF NOT EXISTS t AS STRUCT<a INT>',
      'ALTER TABLE t ADD COLUMN c INT, ADD COLUMN `COLUMN` STRING',
      'SHOW ALL TOPICS EXTENDED',
      'SHOW SINK CONNECTORS',
      'SHOW CONNECTOR PLUGINS',
      'LIST QUERIES EXTENDED',
      'DESCRIBE TABLES EXTENDED',
      'DESCRIBE `TABLES` EXTENDED',
      'DESCRIBE STREAMS',
      'DESCRIBE FUNCTION f',
      'DESCRIBE CONNECTOR c',
      "PRINT 'It''s' FROM BEGINNING INTERVAL 3 LIMIT 4",
      'TERMINATE ALL',
      'TERMINATE `ALL`',
      'PAUSE q',
      'RESUME ALL',
      "SET 'a'='b''c'",
      "UNSET 'a'",
      "ALTER SYSTEM 'a'='b'",
      "DEFINE x = 'y'",
      'UNDEFINE x',
      'EXPLAIN SELECT * FROM s',
      'EXPLAIN q',
      "ASSERT NOT EXISTS TOPIC 't' WITH (a=1) TIMEOUT 3 SECONDS",
      "ASSERT SCHEMA SUBJECT 's' ID 4 TIMEOUT 1 MINUTE",
      'ASSERT SCHEMA ID 4',
    ];
    for (const sql of statements) roundTrips(sql);
  });

  it('round-trips the test runner statements', () => {
    for (const sql of ["RUN SCRIPT 'a.sql'", 'ASSERT VALUES s (a) VALUES (1)', 'ASSERT NULL VALUES t KEY (1)', 'ASSERT STREAM s (a INT) WITH (x=1)']) {
      const parsed = parseStatement(sql, { testStatements: true });
      expect(withoutSpans(parseStatement(format(parsed), { testStatements: true }))).toEqual(withoutSpans(parsed));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: any expression AST the parser can produce prints to text that parses back to it.

const names = fc.constantFrom('A', 'B1', 'abc', 'FROM', 'KEY', 'STRING', 'DATE', 'a b', 'x`y', '1A', 'SELECT', 'é', 'TABLES', '_');
const functionNames = fc.constantFrom('F', 'ABS', 'COUNT', 'concat', 'my fn', 'ARRAY', 'IF');
const lambdaParams = ['X', 'Y'];
const units = fc.constantFrom<TimeUnit>('MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS');

const literal: fc.Arbitrary<Expression> = fc.oneof(
  fc.constant<Expression>({ kind: 'nullLiteral', span }),
  fc.boolean().map<Expression>((value) => ({ kind: 'booleanLiteral', value, span })),
  fc.integer().map<Expression>((value) => ({ kind: 'integerLiteral', value, span })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .filter((value) => value < -(2n ** 31n) || value >= 2n ** 31n)
    .map<Expression>((value) => ({ kind: 'bigintLiteral', value, span })),
  fc.record({ unscaled: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), scale: fc.integer({ min: -3, max: 12 }) })
    .map<Expression>((parts) => ({ kind: 'decimalLiteral', value: bigDecimalToString(parts), span })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map<Expression>((value) => ({ kind: 'doubleLiteral', value, span })),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map<Expression>((value) => ({ kind: 'stringLiteral', value, span })),
);

const type: fc.Arbitrary<Type> = fc.letrec<{ type: Type }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Type>(
      ...(['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'] as const)
        .map((name): Type => ({ kind: 'primitiveType', name, span })),
    ),
    fc.record({ precision: fc.nat(38), scale: fc.nat(38) }).map<Type>((d) => ({ kind: 'decimalType', ...d, span })),
    names.filter((name) => !['STRING', 'DATE'].includes(name)).map<Type>((name) => ({ kind: 'customType', name, span })),
    tie('type').map<Type>((element) => ({ kind: 'arrayType', element, span })),
    fc.tuple(tie('type'), tie('type')).map<Type>(([key, value]) => ({ kind: 'mapType', key, value, span })),
    fc.array(fc.tuple(names, tie('type')), { maxLength: 3 }).map<Type>((fields) => ({
      kind: 'structType',
      fields: fields.map(([name, fieldType]) => ({ kind: 'structTypeField', name, type: fieldType, span })),
      span,
    })),
  ),
})).type;

type Ties = { outer: Expression; inner: Expression; lambda: FunctionArgument };

/** Expressions outside (`outer`) or inside (`inner`, may use lambda parameters) a lambda body. */
const expressions = fc.letrec<Ties>((tie) => ({
  outer: expressionCases(tie('outer'), tie('lambda'), false),
  inner: expressionCases(tie('inner'), tie('lambda'), true),
  // both parameters always, so that any lambda variable in the body is in scope
  lambda: fc.record({ params: fc.constantFrom(lambdaParams, [...lambdaParams].reverse()), body: tie('inner') })
    .map<FunctionArgument>(({ params, body }) => ({ kind: 'lambda', params, body, span })),
}));

function expressionCases(expression: fc.Arbitrary<Expression>, lambda: fc.Arbitrary<FunctionArgument>, inLambda: boolean): fc.Arbitrary<Expression> {
  {
    const leaves: fc.Arbitrary<Expression>[] = [
      literal,
      names.map<Expression>((name) => ({ kind: 'columnReference', name, span })),
      fc.tuple(names, names).map<Expression>(([source, name]) => ({ kind: 'qualifiedColumnReference', source, name, span })),
    ];
    if (inLambda) leaves.push(fc.constantFrom(...lambdaParams).map<Expression>((name) => ({ kind: 'lambdaVariable', name, span })));
    const binary = <K extends string>(kind: 'arithmeticBinary' | 'comparison' | 'logicalBinary', operators: readonly K[]) =>
      fc.tuple(fc.constantFrom(...operators), expression, expression)
        .map((parts) => ({ kind, operator: parts[0], left: parts[1], right: parts[2], span }) as Expression);
    return fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        ...leaves,
        fc.tuple(expression, names).map<Expression>(([base, field]) => ({ kind: 'dereference', base, field, span })),
        fc.tuple(expression, expression).map<Expression>(([base, index]) => ({ kind: 'subscript', base, index, span })),
        fc.tuple(
          functionNames,
          fc.array(fc.oneof(expression, units.map<FunctionArgument>((unit) => ({ kind: 'intervalUnit', unit, span }))), { maxLength: 3 }),
          fc.array(lambda, { maxLength: 2 }),
        ).map<Expression>(([name, args, lambdas]) => ({
          kind: 'functionCall',
          name,
          args: args.length === 0 ? [] : [...args, ...lambdas],
          span,
        })),
        fc.tuple(expression, type).map<Expression>(([operand, castType]) => ({ kind: 'cast', expression: operand, type: castType, span })),
        fc.tuple(fc.array(fc.tuple(expression, expression), { minLength: 1, maxLength: 2 }), fc.option(expression, { nil: undefined }))
          .map<Expression>(([whens, elseValue]) => ({
            kind: 'searchedCase',
            whenClauses: whens.map(([condition, result]) => ({ kind: 'whenClause', condition, result, span })),
            elseValue,
            span,
          })),
        fc.tuple(expression, fc.array(fc.tuple(expression, expression), { minLength: 1, maxLength: 2 }), fc.option(expression, { nil: undefined }))
          .map<Expression>(([operand, whens, elseValue]) => ({
            kind: 'simpleCase',
            operand,
            whenClauses: whens.map(([condition, result]) => ({ kind: 'whenClause', condition, result, span })),
            elseValue,
            span,
          })),
        fc.array(expression, { maxLength: 3 }).map<Expression>((values) => ({ kind: 'createArray', values, span })),
        fc.array(fc.tuple(expression, expression), { maxLength: 2 }).map<Expression>((entries) => ({
          kind: 'createMap',
          entries: entries.map(([key, value]) => ({ kind: 'mapEntry', key, value, span })),
          span,
        })),
        fc.array(fc.tuple(names, expression), { maxLength: 2 }).map<Expression>((fields) => ({
          kind: 'createStruct',
          fields: fields.map(([name, value]) => ({ kind: 'structField', name, value, span })),
          span,
        })),
        fc.tuple(fc.constantFrom<'-' | '+'>('-', '+'), expression).map<Expression>(([sign, operand]) => ({ kind: 'arithmeticUnary', sign, operand, span })),
        binary('arithmeticBinary', ['+', '-', '*', '/', '%'] as const),
        binary('comparison', ['=', '<>', '<', '<=', '>', '>=', 'IS DISTINCT FROM'] as const),
        binary('logicalBinary', ['AND', 'OR'] as const),
        expression.map<Expression>((operand) => ({ kind: 'not', operand, span })),
        expression.map<Expression>((operand) => ({ kind: 'isNull', operand, span })),
        expression.map<Expression>((operand) => ({ kind: 'isNotNull', operand, span })),
        fc.tuple(expression, expression, expression).map<Expression>(([value, min, max]) => ({ kind: 'between', value, min, max, span })),
        fc.tuple(expression, fc.array(expression, { minLength: 1, maxLength: 3 })).map<Expression>(([value, list]) => ({ kind: 'inList', value, list, span })),
        fc.tuple(expression, expression, fc.option(fc.string({ minLength: 1, maxLength: 1 }), { nil: undefined }))
          .map<Expression>(([value, pattern, escape]) => ({ kind: 'like', value, pattern, escape, span })),
    );
  }
}

describe('format round trip (property)', () => {
  it('prints every expression so that it parses back to the same tree', () => {
    fc.assert(
      fc.property(expressions.outer, (tree) => {
        const text = format(tree);
        expect(withoutSpans(parseExpression(text)), text).toEqual(withoutSpans(tree));
      }),
      { numRuns: 1500 },
    );
  });

  it('prints every type so that it parses back to the same type', () => {
    fc.assert(
      fc.property(type, (tree) => {
        const text = format(tree);
        expect(withoutSpans(parseType(text)), text).toEqual(withoutSpans(tree));
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatKsqlStatement (ksqlDB's SqlFormatter layout)", () => {
  it('prints CREATE ... AS SELECT over several lines, aliases without AS, sources with their alias', () => {
    const statement = parseStatement(
      "CREATE TABLE OUTPUT WITH (partitions=2, key_format='KAFKA') AS SELECT T.F1 K1, COUNT(*) TOTAL FROM TEST T WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 0 SECONDS) WHERE (T.F2 > 0) GROUP BY T.F1 HAVING (COUNT(*) > 1) EMIT CHANGES;",
    );
    expect(formatKsqlStatement(statement)).toBe(
      "CREATE TABLE OUTPUT WITH (KEY_FORMAT='KAFKA', PARTITIONS=2) AS SELECT\n  T.F1 K1,\n  COUNT(*) TOTAL\nFROM TEST T\n" +
        'WINDOW TUMBLING ( SIZE 1 MINUTES , GRACE PERIOD 0 SECONDS ) \nWHERE (T.F2 > 0)\nGROUP BY T.F1\nHAVING (COUNT(*) > 1)\nEMIT CHANGES',
    );
  });

  it('prints a single select item on the SELECT line and joins on their own lines', () => {
    const statement = parseStatement('CREATE STREAM J AS SELECT * FROM A A LEFT JOIN B B WITHIN 10 SECONDS ON A.ID = B.ID EMIT CHANGES;');
    expect(formatKsqlStatement(statement)).toBe('CREATE STREAM J AS SELECT *\nFROM A A\nLEFT OUTER JOIN B B WITHIN 10 SECONDS ON ((A.ID = B.ID))\nEMIT CHANGES');
  });
});
