/** Test helpers for queries/parse: ASTs without spans, and parse-or-error shortcuts. */
import { isSluiceError } from '../../../../common/index.js';
import type { SluiceError } from '../../../../common/index.js';
import { parseExpression, parseStatement } from '../../../../queries/parse/index.js';
import type { Expression, Statement } from '../../../../queries/parse/index.js';

/** A deep copy without `span` properties (bigints kept), to compare ASTs. */
export function withoutSpans<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutSpans(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === 'span' || item === undefined) continue;
      copy[key] = withoutSpans(item);
    }
    return copy as T;
  }
  return value;
}

export function statement(sql: string): Statement {
  return withoutSpans(parseStatement(sql));
}

export function expression(sql: string): Expression {
  return withoutSpans(parseExpression(sql));
}

/** The SluiceError `parse` throws (fails the test if it does not throw one). */
export function syntaxError(parse: () => unknown): SluiceError {
  try {
    parse();
  } catch (error) {
    if (isSluiceError(error)) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}
