import { describe, expect, it } from 'vitest';
import { parseStatement, substituteVariables } from '../../../../queries/parse/index.js';
import { syntaxError, withoutSpans } from './helpers.js';

describe('substituteVariables', () => {
  const variables = new Map([
    ['name', 'my_stream'],
    ['topic', "'it''s'"],
    ['format', 'JSON'],
    ['count', '3'],
    ['flag', 'true'],
    ['quoted', '`Mixed`'],
  ]);

  it('puts identifier values in raw, and checks they are identifiers', () => {
    expect(substituteVariables('CREATE STREAM ${name} (a INT) WITH (kafka_topic=${topic});', variables)).toBe(
      "CREATE STREAM my_stream (a INT) WITH (kafka_topic='it''s');",
    );
    expect(substituteVariables('SELECT * FROM ${quoted};', variables)).toBe('SELECT * FROM `Mixed`;');
    const error = syntaxError(() => substituteVariables('SELECT * FROM ${topic};', variables));
    expect(error.message).toBe(
      "Illegal argument at Line: 1, Col: 15. Identifier names cannot start with '@' and may only contain alphanumeric values and '_'. Got: ''it''s''",
    );
  });

  it('accepts only strings, booleans and numbers as literal values', () => {
    expect(substituteVariables('SELECT ${count}, ${flag} FROM s;', variables)).toBe('SELECT 3, true FROM s;');
    expect(syntaxError(() => substituteVariables('SELECT ${format} FROM s;', variables)).message).toBe(
      "Illegal argument at Line: 1, Col: 8. Got: 'JSON'",
    );
  });

  it('substitutes inside strings, escaping quotes, with defaults', () => {
    const text = "CREATE STREAM s (a INT) WITH (kafka_topic='t_${name}', value_format='${format}', x='${missing:-d}');";
    expect(substituteVariables(text, variables)).toBe(
      "CREATE STREAM s (a INT) WITH (kafka_topic='t_my_stream', value_format='JSON', x='d');",
    );
    expect(substituteVariables("SELECT '${who}' FROM s;", { who: "O'Brien" })).toBe("SELECT 'O''Brien' FROM s;");
    expect(substituteVariables("SET '${k}'='${v}';", { k: 'a', v: 'b' })).toBe("SET 'a'='b';");
    expect(substituteVariables("DEFINE b = '${a}_x';", { a: 'one' })).toBe("DEFINE b = 'one_x';");
  });

  it('leaves unknown references in strings alone, and unescapes $${', () => {
    expect(substituteVariables("SELECT '${unknown}', '$${name}' FROM s;", variables)).toBe("SELECT '${unknown}', '${name}' FROM s;");
  });

  it('rejects an undefined variable used as an identifier', () => {
    expect(() => substituteVariables('SELECT * FROM ${nope};', variables)).toThrow('Illegal argument at Line: 1, Col: 15');
  });

  it('gives text that parses to the substituted statement', () => {
    const text = substituteVariables("INSERT INTO ${name} VALUES (${count}, '${format}');", variables);
    expect(withoutSpans(parseStatement(text))).toMatchObject({
      kind: 'insertValues',
      target: 'MY_STREAM',
      values: [{ kind: 'integerLiteral', value: 3 }, { kind: 'stringLiteral', value: 'JSON' }],
    });
  });

  it('returns text without references unchanged, and reports syntax errors', () => {
    expect(substituteVariables('SHOW STREAMS;', variables)).toBe('SHOW STREAMS;');
    expect(() => substituteVariables('SHOW ${x} STREAMS;', variables)).toThrow(/Syntax Error/);
  });
});
