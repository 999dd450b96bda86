import { describe, expect, it } from 'vitest';
import { classifyStatement, parseShellCommand, splitStatements, substituteVariables } from '../../../../cli/shell/index.js';

describe('splitStatements', () => {
  it('splits on semicolons and trims', () => {
    expect(splitStatements('SHOW STREAMS;  SHOW TABLES ;\n')).toEqual({ statements: ['SHOW STREAMS;', 'SHOW TABLES ;'], rest: '' });
  });

  it('keeps a statement spanning lines together and returns the unfinished rest', () => {
    const text = 'CREATE STREAM S (\n  ID STRING KEY,\n  V DOUBLE\n) WITH (KAFKA_TOPIC=\'s\');\nSELECT *\nFROM S';
    const result = splitStatements(text);
    expect(result.statements).toEqual(["CREATE STREAM S (\n  ID STRING KEY,\n  V DOUBLE\n) WITH (KAFKA_TOPIC='s');"]);
    expect(result.rest).toBe('\nSELECT *\nFROM S');
  });

  it('ignores semicolons in strings, quoted identifiers and comments', () => {
    const text = [
      "INSERT INTO S VALUES ('a;b', 'it''s; fine');",
      'SELECT `we;ird`, "also;this" FROM S; -- trailing; comment',
      '/* block; comment */ SHOW TOPICS;',
    ].join('\n');
    expect(splitStatements(text)).toEqual({
      statements: ["INSERT INTO S VALUES ('a;b', 'it''s; fine');", 'SELECT `we;ird`, "also;this" FROM S;', 'SHOW TOPICS;'],
      rest: '',
    });
  });

  it('treats an unclosed quote or block comment as unfinished', () => {
    expect(splitStatements("INSERT INTO S VALUES ('a;\nb');x;").statements).toEqual(["INSERT INTO S VALUES ('a;\nb');", 'x;']);
    expect(splitStatements("INSERT INTO S VALUES ('a;").rest).toBe("INSERT INTO S VALUES ('a;");
    expect(splitStatements('/* not ; done').rest).toBe('/* not ; done');
    expect(splitStatements("SELECT 'it''s").rest).toBe("SELECT 'it''s");
  });

  it('drops leading comments, empty statements and a rest of only comments', () => {
    expect(splitStatements('-- make it\n/* really */ CREATE STREAM X AS SELECT * FROM S;;\n-- done\n')).toEqual({
      statements: ['CREATE STREAM X AS SELECT * FROM S;'],
      rest: '',
    });
    expect(splitStatements('   \n-- only a comment').rest).toBe('');
  });
});

describe('classifyStatement', () => {
  it('routes queries, push or pull', () => {
    expect(classifyStatement('SELECT * FROM S EMIT CHANGES LIMIT 2;')).toEqual({ kind: 'query', push: true });
    expect(classifyStatement('select * from s\nemit changes;')).toEqual({ kind: 'query', push: true });
    expect(classifyStatement("SELECT * FROM T WHERE ID = 'a';")).toEqual({ kind: 'query', push: false });
    expect(classifyStatement("SELECT 'EMIT CHANGES' FROM T; -- EMIT")).toEqual({ kind: 'query', push: false });
    expect(classifyStatement('-- leading\nSELECT * FROM S EMIT CHANGES;')).toEqual({ kind: 'query', push: true });
  });

  it('routes PRINT and everything else the server handles', () => {
    expect(classifyStatement("PRINT 'pageviews' FROM BEGINNING;")).toEqual({ kind: 'print' });
    expect(classifyStatement('CREATE STREAM S (ID STRING KEY) WITH (KAFKA_TOPIC=\'s\');')).toEqual({ kind: 'server' });
    expect(classifyStatement('SHOW STREAMS;')).toEqual({ kind: 'server' });
    expect(classifyStatement('CREATE TABLE T AS SELECT ID, COUNT(*) FROM S GROUP BY ID EMIT CHANGES;')).toEqual({ kind: 'server' });
  });

  it('parses the statements the shell handles itself', () => {
    expect(classifyStatement("SET 'auto.offset.reset' = 'earliest';")).toEqual({ kind: 'set', name: 'auto.offset.reset', value: 'earliest' });
    expect(classifyStatement("set 'a'='it''s';")).toEqual({ kind: 'set', name: 'a', value: "it's" });
    expect(classifyStatement("UNSET 'auto.offset.reset';")).toEqual({ kind: 'unset', name: 'auto.offset.reset' });
    expect(classifyStatement("DEFINE topic = 'orders';")).toEqual({ kind: 'define', name: 'topic', value: 'orders' });
    expect(classifyStatement('UNDEFINE topic;')).toEqual({ kind: 'undefine', name: 'topic' });
    expect(classifyStatement('SHOW VARIABLES;')).toEqual({ kind: 'list-variables' });
    expect(classifyStatement('list variables;')).toEqual({ kind: 'list-variables' });
    expect(classifyStatement("RUN SCRIPT '/tmp/setup.sql';")).toEqual({ kind: 'run-script', path: '/tmp/setup.sql' });
  });

  it('reports malformed shell statements', () => {
    expect(classifyStatement("SET 'a' 'b';").kind).toBe('malformed');
    expect(classifyStatement('SET a = b;').kind).toBe('malformed');
    expect(classifyStatement('DEFINE x;').kind).toBe('malformed');
    expect(classifyStatement('RUN SCRIPT;').kind).toBe('malformed');
  });
});

describe('parseShellCommand', () => {
  it('recognises the shell commands, with or without a semicolon', () => {
    expect(parseShellCommand('help')).toEqual({ kind: 'help' });
    expect(parseShellCommand('  EXIT; ')).toEqual({ kind: 'exit' });
    expect(parseShellCommand('quit')).toEqual({ kind: 'exit' });
    expect(parseShellCommand('history')).toEqual({ kind: 'history' });
    expect(parseShellCommand('output')).toEqual({ kind: 'output', format: null });
    expect(parseShellCommand('output json;')).toEqual({ kind: 'output', format: 'JSON' });
    expect(parseShellCommand('server http://localhost:8088')).toEqual({ kind: 'server', url: 'http://localhost:8088' });
    expect(parseShellCommand("run script 'my file.sql'")).toEqual({ kind: 'run-script', path: 'my file.sql' });
    expect(parseShellCommand('RUN SCRIPT ./setup.sql;')).toEqual({ kind: 'run-script', path: './setup.sql' });
  });

  it('leaves SQL alone', () => {
    expect(parseShellCommand('SHOW STREAMS')).toBeNull();
    expect(parseShellCommand('help me')).toBeNull();
    expect(parseShellCommand('exit now')).toBeNull();
    expect(parseShellCommand('')).toBeNull();
    expect(parseShellCommand("SET 'a'='b';")).toBeNull();
  });
});

describe('substituteVariables', () => {
  it('replaces defined references, case-insensitively, and keeps $${ as a literal', () => {
    const variables = new Map([['TOPIC', 'orders']]);
    expect(substituteVariables('${topic}-${TOPIC} ${missing} $${topic}', variables)).toBe('orders-orders ${missing} ${topic}');
  });
});
