/** Small builders for typed `Expr` trees in tests, and a tiny function registry. */
import type { Expr } from '../../../../engine/expressions/index.js';
import type { ScalarFunction } from '../../../../engine/functions/index.js';
import type { SqlType } from '../../../../engine/types/index.js';

export const BOOLEAN: SqlType = { kind: 'BOOLEAN' };
export const INT: SqlType = { kind: 'INTEGER' };
export const BIGINT: SqlType = { kind: 'BIGINT' };
export const DOUBLE: SqlType = { kind: 'DOUBLE' };
export const STRING: SqlType = { kind: 'STRING' };
export const BYTES: SqlType = { kind: 'BYTES' };
export const DATE: SqlType = { kind: 'DATE' };
export const TIMESTAMP: SqlType = { kind: 'TIMESTAMP' };
export const dec = (precision: number, scale: number): SqlType => ({ kind: 'DECIMAL', precision, scale });
export const arr = (element: SqlType): SqlType => ({ kind: 'ARRAY', element });
export const map = (key: SqlType, value: SqlType): SqlType => ({ kind: 'MAP', key, value });
export const struct = (fields: Array<[string, SqlType]>): SqlType => ({ kind: 'STRUCT', fields: fields.map(([name, type]) => ({ name, type })) });

export const v = (index: number, type: SqlType, name = `V${index}`): Expr => ({ kind: 'column', type, source: { kind: 'VALUE', index }, name });
export const k = (index: number, type: SqlType, name = `K${index}`): Expr => ({ kind: 'column', type, source: { kind: 'KEY', index }, name });
export const lit = (type: SqlType, value: unknown): Expr => ({ kind: 'literal', type, value });
export const nul = (type: SqlType): Expr => ({ kind: 'null', type });
export const arith = (operator: '+' | '-' | '*' | '/' | '%', left: Expr, right: Expr, type: SqlType): Expr => ({ kind: 'arithmetic', type, operator, left, right });
export const cmp = (operator: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM', left: Expr, right: Expr): Expr => ({
  kind: 'compare',
  type: BOOLEAN,
  operator,
  left,
  right,
});
export const and = (...operands: Expr[]): Expr => ({ kind: 'and', type: BOOLEAN, operands });
export const or = (...operands: Expr[]): Expr => ({ kind: 'or', type: BOOLEAN, operands });
export const not = (operand: Expr): Expr => ({ kind: 'not', type: BOOLEAN, operand });
export const call = (functionName: string, type: SqlType, ...args: Expr[]): Expr => ({ kind: 'call', type, functionName, overloadIndex: 0, args });

function fn(name: string, implementation: (...args: any[]) => unknown, extra: Record<string, unknown> = {}): ScalarFunction {
  return { name, description: name, category: 'TEST', overloads: [{ params: [], returns: STRING, implementation, ...extra }] };
}

export function testFunctions(): { getScalar(name: string): ScalarFunction | undefined } {
  const functions = new Map<string, ScalarFunction>([
    ['UCASE', fn('UCASE', (s: string | null) => (s === null ? null : s.toUpperCase()))],
    ['LEN', fn('LEN', (s: string | null) => (s === null ? null : s.length))],
    ['BOOM', fn('BOOM', () => {
      throw new Error('boom!');
    })],
    ['TRANSFORM', fn('TRANSFORM', (a: unknown[] | null, f: (x: unknown) => unknown) => (a === null ? null : a.map((x) => f(x))))],
    ['REDUCE', fn('REDUCE', (a: unknown[] | null, s: unknown, f: (acc: unknown, x: unknown) => unknown) => (a === null ? null : a.reduce((acc, x) => f(acc, x), s)))],
    ['NOW_MS', fn('NOW_MS', (context: { nowMs(): number }) => context.nowMs(), { needsContext: true })],
    ['UNDEF', fn('UNDEF', () => undefined)],
  ]);
  return { getScalar: (name) => functions.get(name.toUpperCase()) };
}
