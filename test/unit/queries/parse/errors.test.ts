/**
 * Syntax errors read as ksqlDB's: `line L:C: Syntax Error` then its explanation, with the line,
 * column, expected and found tokens in the error's details.
 */
import { describe, expect, it } from 'vitest';
import { parseStatements } from '../../../../queries/parse/index.js';
import { syntaxError } from './helpers.js';

const message = (sql: string): string => syntaxError(() => parseStatements(sql)).message;

describe('syntax error messages', () => {
  it('names an unknown statement and suggests the closest one', () => {
    expect(message('SELEC * FROM x;')).toBe("line 1:1: Syntax Error\nUnknown statement 'SELEC'\nDid you mean 'SELECT'?");
    expect(message('SHOW STREAMS;\nRUN SCRIPT x;')).toBe("line 2:1: Syntax Error\nUnknown statement 'RUN'\nDid you mean 'PRINT'?");
  });

  it('reports "no viable alternative" where no statement form fits', () => {
    expect(message('SHOW FOO;')).toBe("line 1:6: Syntax Error\nSyntax error at or near 'FOO' at line 1:6");
    expect(message('ASSERT VALUES foo (id INT) VALUES (123);')).toBe(
      "line 1:8: Syntax Error\nSyntax error at or near 'VALUES' at line 1:8",
    );
    expect(message('SELECT *\nFROM s\nWHERE;')).toBe("line 3:6: Syntax Error\nSyntax error at or near ';' at line 3:6");
    expect(message('SELECT COUNT(DISTINCT a) FROM s;')).toContain("Syntax error at or near 'DISTINCT'");
  });

  it('reports a missing token when inserting it would fix the statement', () => {
    expect(message('SELECT * FROM s WHERE (a = 1;')).toBe("line 1:29: Syntax Error\nmissing ')' at ';'");
    expect(message('SHOW STREAMS')).toBe("line 1:13: Syntax Error\nmissing ';' at '<EOF>'");
    expect(message('CREATE TABLE O AS SELECT F1, COUNT(*) FROM T GROUP BY F3, (F2, F1);')).toBe(
      "line 1:62: Syntax Error\nmissing ')' at ','",
    );
  });

  it('lists short expected-token sets', () => {
    expect(message("CREATE STREAM s (a INT) WITH (kafka_topic='t' value_format='JSON');")).toBe(
      "line 1:47: Syntax Error\nExpecting {',', ')'}",
    );
    expect(message('SELECT a b c FROM s;')).toBe("line 1:12: Syntax Error\nExpecting {',', 'FROM'}");
  });

  it('says nothing more when many tokens could have come', () => {
    expect(message('SELECT * FROM S1 ORDER BY MYKEY DESC;')).toBe('line 1:24: Syntax Error\n');
  });

  it('points at unclosed brackets at the end of the text', () => {
    expect(message('SELECT * FROM s WHERE (a = 1')).toBe(
      "line 1:29: Syntax Error\nSyntax error at or near \";\"\n'}', ']', or ')' is missing",
    );
  });

  it('explains a reserved word used as an identifier', () => {
    expect(message('CREATE STREAM s (from INT, b STRING);')).toBe(
      "line 1:18: Syntax Error\n\"from\" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as 'from' ",
    );
  });

  it('carries line, column, expected and found', () => {
    const error = syntaxError(() => parseStatements('SHOW STREAMS;\n  SELECT a b c FROM s;'));
    expect(error.code).toBe('SQL_SYNTAX');
    expect(error.httpStatus).toBe(400);
    expect(error.details).toMatchObject({ line: 2, column: 14, offset: 27, found: 'c', expected: "{',', 'FROM'}" });
    expect(error.details['reason']).toBe("extraneous input 'c' expecting {',', 'FROM'}");
  });

  it('counts columns in code points', () => {
    expect(message("SELECT '😀' x y FROM s;")).toBe("line 1:14: Syntax Error\nExpecting {',', 'FROM'}");
  });
});

describe('second-stage (AST-building) errors', () => {
  it('rejects out-of-range numbers, as ksqlDB does (with its column one to the right)', () => {
    expect(message('SELECT K, 9223372036854775808 FROM I;')).toBe(
      'Failed to prepare statement: line 1:12: Invalid numeric literal: 9223372036854775808',
    );
    expect(message('SELECT -1.7976931348623160E308 FROM I;')).toBe(
      'Failed to prepare statement: line 1:9: Number overflows DOUBLE: -1.7976931348623160E308',
    );
  });

  it('requires integers where ksqlDB does', () => {
    expect(message('SELECT * FROM s LIMIT 2.5;')).toBe('Failed to prepare statement: Value must be integer for command: LIMIT');
    expect(message("PRINT 't' INTERVAL 99999999999;")).toBe('Failed to prepare statement: Value must be integer for command: INTERVAL');
    expect(message('SELECT * FROM s WINDOW TUMBLING (SIZE 1.5 SECONDS) GROUP BY a;')).toBe(
      'Failed to prepare statement: For input string: "1.5"',
    );
  });

  it('checks source names and empty names', () => {
    expect(message("CREATE STREAM \"a.b\" (x INT) WITH (kafka_topic='t');")).toBe(
      "Illegal argument at Line: 1, Col: 15. Source names may only contain alphanumeric values, '_' or '-'.",
    );
    expect(message('SELECT "" FROM s;')).toBe('Failed to prepare statement: name is empty');
    expect(message('SELECT a AS " b" FROM s;')).toBe("Failed to prepare statement: name is not trimmed: ' b'");
  });

  it('rejects AT TIME ZONE and unresolved variables, which ksqlDB cannot build', () => {
    expect(message("SELECT a AT TIME ZONE 'UTC' FROM s;")).toBe('Failed to prepare statement: AT TIME ZONE is not supported');
    expect(message('SELECT ${x} FROM s;')).toBe("Illegal argument at Line: 1, Col: 8. Got: '${x}'");
  });
});
