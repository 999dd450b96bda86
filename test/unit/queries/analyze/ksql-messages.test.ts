import { describe, expect, it } from 'vitest';
import { parseStatement, type Query, type Statement } from '../../../../queries/parse/index.js';
import { analyzeCreateSource, analyzeInsertValues, analyzeQuery } from '../../../../queries/analyze/index.js';
import { Catalog } from '../../../../queries/catalog/index.js';
import { contextOf } from '../helpers.js';
import { context as functionContext } from '../../engine/functions/helpers.js';

function catalogOf(...sql: string[]): Catalog {
  let catalog = Catalog.empty();
  for (const text of sql) {
    const statement = parseStatement(text) as Extract<Statement, { kind: 'createStream' | 'createTable' }>;
    catalog = catalog.withSource(analyzeCreateSource(statement, text, contextOf(catalog)).source);
  }
  return catalog;
}

const CATALOG = catalogOf(
  "CREATE STREAM TEST (K STRING KEY, ID INT, M MAP<STRING, STRING>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
  "CREATE STREAM HS (K STRING KEY, ID INT, H ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS) WITH (KAFKA_TOPIC='h', VALUE_FORMAT='JSON');",
);

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

function insert(sql: string) {
  return analyzeInsertValues(parseStatement(sql) as Extract<Statement, { kind: 'insertValues' }>, contextOf(CATALOG), functionContext());
}

function query(sql: string) {
  return analyzeQuery(contextOf(CATALOG), parseStatement(sql) as Query, { persistent: false });
}

describe('INSERT VALUES errors (ksqlDB wording)', () => {
  it('rejects ROWPARTITION and ROWOFFSET with the column name in backquotes', () => {
    expect(errorOf(() => insert("INSERT INTO TEST (K, ROWPARTITION) VALUES ('a', 1);"))).toBe(
      "Failed to insert values into 'TEST'. Inserting into column `ROWPARTITION` is not allowed.",
    );
    expect(errorOf(() => insert("INSERT INTO TEST (K, ROWOFFSET) VALUES ('a', 1);"))).toBe(
      "Failed to insert values into 'TEST'. Inserting into column `ROWOFFSET` is not allowed.",
    );
    expect(errorOf(() => insert("INSERT INTO TEST (K, NOPE) VALUES ('a', 1);"))).toBe(
      "Failed to insert values into 'TEST'. Column name `NOPE` does not exist.",
    );
  });

  it('rejects a column list of a different length than the values while preparing the statement', () => {
    expect(errorOf(() => parseStatement("INSERT INTO TEST (K, ID) VALUES ('10');"))).toBe(
      'Failed to prepare statement: Expected number columns and values to match: 2, 1',
    );
    expect(errorOf(() => parseStatement('INSERT INTO TEST (K, ID) VALUES ();'))).toBe(
      'Failed to prepare statement: Expected some values for INSERT INTO statement.',
    );
    // Without a column list the count is checked against the source's columns.
    expect(errorOf(() => insert("INSERT INTO TEST VALUES ('10');"))).toBe(
      "Failed to insert values into 'TEST'. Expected a value for each column. Expected Columns: []. Got ['10']",
    );
  });

  it('rejects a qualified column reference as a value: the statement names no source', () => {
    expect(errorOf(() => parseStatement("INSERT INTO TEST (K, ID) VALUES (FOO.bar, '10');"))).toBe(
      "Failed to prepare statement: 'FOO' is not a valid stream/table name or alias.",
    );
    expect(errorOf(() => parseStatement("INSERT INTO TEST (K, ID) VALUES ('a', ABS(FOO.bar) + 1);"))).toBe(
      "Failed to prepare statement: 'FOO' is not a valid stream/table name or alias.",
    );
  });

  it('rejects header columns, named or implied by a missing column list', () => {
    expect(errorOf(() => insert("INSERT INTO HS (K, H) VALUES ('a', ARRAY[]);"))).toBe('Cannot insert into HEADER columns: H');
    expect(errorOf(() => insert("INSERT INTO HS VALUES ('a', 1);"))).toBe('Cannot insert into HEADER columns: H');
    expect(insert("INSERT INTO HS (K, ID) VALUES ('a', 1);").value).toEqual([1, null]);
  });
});

describe('CREATE ... AS SELECT with LIMIT', () => {
  it('names the statement kind being created', () => {
    expect(errorOf(() => parseStatement('CREATE TABLE T AS SELECT K, COUNT(*) FROM TEST GROUP BY K LIMIT 5;'))).toBe(
      "Failed to prepare statement: CREATE TABLE AS SELECT statements don't support LIMIT clause.",
    );
    expect(errorOf(() => parseStatement('CREATE STREAM S AS SELECT * FROM TEST LIMIT 5;'))).toBe(
      "Failed to prepare statement: CREATE STREAM AS SELECT statements don't support LIMIT clause.",
    );
  });
});

describe('arithmetic with an untyped NULL', () => {
  it.each([
    ['1 + NULL', '(1 + null)', 'INTEGER and null'],
    ["MAP(1 := 'cat') + NULL", "(MAP(1:='cat') + null)", 'MAP<INTEGER, STRING> and null'],
    ['ARRAY[1, 2, 3] + NULL', '(ARRAY[1, 2, 3] + null)', 'ARRAY<INTEGER> and null'],
    ['5.0 / NULL', '(5.0 / null)', 'DECIMAL(2, 1) and null'],
    ['NULL * NULL', '(null * null)', 'null and null'],
    ['NULL - ID', '(null - ID)', 'null and INTEGER'],
  ])('rejects %s', (expression, text, types) => {
    expect(errorOf(() => query(`SELECT ${expression} FROM TEST EMIT CHANGES;`))).toBe(
      `Error processing expression: ${text}. Arithmetic on types ${types} are not supported.`,
    );
  });

  it('accepts a NULL cast to a type', () => {
    expect(query('SELECT ID + CAST(NULL AS INT) AS X FROM TEST EMIT CHANGES;').columns.find((c) => c.name === 'X')!.type.kind).toBe('INTEGER');
  });
});
