import { describe, expect, it } from 'vitest';
import { parseStatement, parseStatements } from '../../../../queries/parse/index.js';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('the end of a single statement', () => {
  it('expects ";" (never "missing <EOF>") after a complete statement, as a script does', () => {
    for (const text of ['SELECT * FROM S1 ORDER BY MYKEY DESC;', 'SELECT * FROM S1 ORDER BY MYKEY DESC']) {
      expect(errorOf(() => parseStatement(text))).toBe('line 1:24: Syntax Error\n');
      expect(errorOf(() => parseStatement(text))).toBe(errorOf(() => parseStatements(`${text.replace(/;$/, '')};`)));
    }
    expect(errorOf(() => parseStatement('SELECT * FROM S1 EMIT CHANGES FOO'))).toBe("line 1:31: Syntax Error\nExpecting {';', 'LIMIT'}");
    expect(errorOf(() => parseStatement('SELECT * FROM S1 EMIT CHANGES FOO'))).not.toContain('EOF');
  });

  it('accepts the statement with or without its ";"', () => {
    expect(parseStatement('SELECT * FROM S1 EMIT CHANGES').kind).toBe('query');
    expect(parseStatement('SELECT * FROM S1 EMIT CHANGES;').kind).toBe('query');
  });
});
