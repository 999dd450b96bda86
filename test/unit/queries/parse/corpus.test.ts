/**
 * Runs every statement of the ksqlDB conformance corpus through the parser:
 *   (a) every statement of a test that expects no error parses;
 *   (b) every parsed statement round-trips: format(parse(s)) parses to an equal AST;
 *   (c) the tests ksqlDB fails while parsing (syntax, or its AST-building checks on literals) are
 *       rejected here too, with ksqlDB's message; the other negative tests, which ksqlDB rejects
 *       in later stages, must parse.
 * Statements of a query-validation test are joined with newlines, as ksqlDB's test runner does
 * (its messages give line numbers in that text); a REST test sends them one request at a time.
 * DEFINE'd variables are substituted before each statement.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import { format, parseStatement, parseStatements, substituteVariables } from '../../../../queries/parse/index.js';
import type { ParsedStatement } from '../../../../queries/parse/index.js';
import { withoutSpans } from './helpers.js';

const corpusRoot = '/work/shared/conformance/corpus';

interface ExpectedError {
  readonly type?: string;
  readonly message?: string;
}
interface CorpusTest {
  readonly file: string;
  readonly name: string;
  readonly statements: readonly string[];
  readonly expected?: ExpectedError;
}

/** The corpus is JSON with // and /* *\/ comments (Jackson's ALLOW_COMMENTS). */
function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      out += char;
      if (char === '\\') out += text[++index] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (text.startsWith('//', index)) {
      const end = text.indexOf('\n', index);
      index = (end < 0 ? text.length : end) - 1;
    } else if (text.startsWith('/*', index)) {
      index = text.indexOf('*/', index + 2) + 1;
    } else {
      out += char;
    }
  }
  return out;
}

function loadCorpus(): CorpusTest[] {
  const tests: CorpusTest[] = [];
  for (const directory of readdirSync(corpusRoot).sort()) {
    const folder = path.join(corpusRoot, directory);
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.json')).sort()) {
      const data = JSON.parse(stripJsonComments(readFileSync(path.join(folder, file), 'utf8'))) as {
        tests?: { name: string; statements?: string[]; expectedException?: ExpectedError; expectedError?: ExpectedError }[];
      };
      for (const test of data.tests ?? []) {
        tests.push({
          file: `${directory}/${file}`,
          name: test.name,
          statements: test.statements ?? [],
          expected: test.expectedException ?? test.expectedError,
        });
      }
    }
  }
  return tests;
}

/**
 * Whether ksqlDB fails this test while parsing: a ParseFailedException, or a message of its
 * parser. Two kinds of ParseFailedException come from later checks (KEY / PRIMARY KEY in table
 * elements, WINDOW_SIZE property values): those statements are syntactically fine and must parse.
 */
function failsInParser(expected: ExpectedError | undefined, statements: readonly string[] = []): boolean {
  if (expected === undefined) return false;
  const message = expected.message ?? '';
  // A qualified column reference in INSERT VALUES names no source of the statement.
  if (/is not a valid stream\/table name or alias/.test(message) && statements.some((text) => /^\s*INSERT INTO .* VALUES/is.test(text))) return true;
  if (/please use '(PRIMARY )?KEY'|WINDOW_SIZE/.test(message)) return false;
  return (
    (expected.type ?? '').endsWith('ParseFailedException') ||
    /Syntax Error|Syntax error|mismatched input|extraneous input|Invalid numeric literal|Number overflows DOUBLE|Value must be integer/.test(message) ||
    // AST-building checks the parser makes too: INSERT VALUES counts, LIMIT in CREATE ... AS SELECT.
    /Expected number columns and values to match|AS SELECT statements don't support LIMIT clause/.test(message)
  );
}

/** Parses a test's statements, substituting variables as DEFINE statements set them. */
function parseTest(test: CorpusTest): ParsedStatement[] {
  const statements = test.statements;
  const separately = test.file.startsWith('rest-');
  if (!statements.some((text) => text.includes('${'))) {
    return separately ? statements.flatMap((text) => parseStatements(text)) : parseStatements(statements.join('\n'));
  }
  const variables = new Map<string, string>();
  const parsed: ParsedStatement[] = [];
  for (const text of statements) {
    const [one] = parseStatements(substituteVariables(text, variables));
    if (one === undefined) continue;
    if (one.statement.kind === 'defineVariable') variables.set(one.statement.name, one.statement.value);
    if (one.statement.kind === 'undefineVariable') variables.delete(one.statement.name);
    parsed.push(one);
  }
  return parsed;
}

/** ksqlDB's REST layer appends "\nStatement: <text>" to messages; the parser's part comes before. */
function parserPart(message: string): string {
  return message.replace(/\nStatement: [\s\S]*$/, '');
}

if (!existsSync(corpusRoot)) {
  describe.skip(`ksqlDB conformance corpus (not found at ${corpusRoot})`, () => {
    it('needs the corpus', () => undefined);
  });
} else {
  describe('ksqlDB conformance corpus', () => {
    const tests = loadCorpus();
    const accepting = tests.filter((test) => !failsInParser(test.expected, test.statements));
    const rejecting = tests.filter((test) => failsInParser(test.expected, test.statements));

    it('(a) parses every statement ksqlDB accepts', () => {
      const failures: string[] = [];
      let statements = 0;
      for (const test of accepting) {
        statements += test.statements.length;
        try {
          const parsed = parseTest(test);
          if (parsed.length !== test.statements.length) failures.push(`${test.file} / ${test.name}: ${parsed.length} statements`);
        } catch (error) {
          failures.push(`${test.file} / ${test.name}: ${(error as Error).message}`);
        }
      }
      console.info(`corpus (a): ${statements - failures.length}/${statements} statements of ${accepting.length} tests parsed`);
      expect(failures).toEqual([]);
      expect(statements).toBeGreaterThan(4000);
    });

    it('(b) round-trips every parsed statement through format', () => {
      const failures: string[] = [];
      let count = 0;
      for (const test of accepting) {
        for (const parsed of parseTest(test)) {
          count++;
          const text = format(parsed.statement);
          try {
            const again = parseStatement(text);
            if (JSON.stringify(withoutSpans(again), bigintReplacer) !== JSON.stringify(withoutSpans(parsed.statement), bigintReplacer)) {
              failures.push(`${parsed.statementText}\n  formatted: ${text}\n  differs after re-parsing`);
            }
          } catch (error) {
            failures.push(`${parsed.statementText}\n  formatted: ${text}\n  ${(error as Error).message}`);
          }
        }
      }
      console.info(`corpus (b): ${count - failures.length}/${count} statements round-tripped`);
      expect(failures).toEqual([]);
    });

    it('gives every node a span inside its parent and its statement', () => {
      const failures: string[] = [];
      const check = (node: unknown, parent: { start: number; end: number }, where: string): void => {
        if (Array.isArray(node)) {
          for (const item of node) check(item, parent, where);
          return;
        }
        if (node === null || typeof node !== 'object') return;
        const span = (node as { span?: { start: number; end: number } }).span;
        let inner = parent;
        if (span !== undefined) {
          if (!(parent.start <= span.start && span.start <= span.end && span.end <= parent.end)) {
            failures.push(`${where}: ${(node as { kind: string }).kind} ${JSON.stringify(span)} outside ${JSON.stringify(parent)}`);
          }
          inner = span;
        }
        for (const [key, value] of Object.entries(node)) if (key !== 'span') check(value, inner, where);
      };
      for (const test of accepting) {
        for (const parsed of parseTest(test)) check(parsed.statement, parsed.span, parsed.statementText);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });

    it('(c) rejects what ksqlDB rejects while parsing, with its message', () => {
      const failures: string[] = [];
      for (const test of rejecting) {
        try {
          parseTest(test);
          failures.push(`${test.file} / ${test.name}: parsed, but ksqlDB rejects it`);
        } catch (error) {
          if (!isSluiceError(error, 'SQL_SYNTAX')) throw error;
          const expected = parserPart(test.expected?.message ?? '');
          if (!error.message.includes(expected)) {
            failures.push(`${test.file} / ${test.name}: message ${JSON.stringify(error.message)} lacks ${JSON.stringify(expected)}`);
          }
        }
      }
      console.info(`corpus (c): ${rejecting.length - failures.length}/${rejecting.length} parser-level rejections reproduced`);
      expect(failures).toEqual([]);
      expect(rejecting.length).toBeGreaterThanOrEqual(18);
    });
  });
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
