/**
 * Prints an `Expr` back as SQL-like text, the way ksqlDB names an expression in its processing
 * log ("Error computing expression (A / B) for column X with index 1"). Not a round trip: the
 * analyzer's implicit casts show up as CASTs.
 */
import { formatSqlType, type SqlType } from '../types/index.js';
import type { Expr } from './ir.js';

const IDENTIFIER = /^[A-Z_][A-Z0-9_]*$/;

function name(text: string): string {
  return IDENTIFIER.test(text) ? text : '`' + text.replace(/`/g, '``') + '`';
}

function literal(type: SqlType, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (type.kind) {
    case 'STRING':
      return `'${String(value).replace(/'/g, "''")}'`;
    case 'BOOLEAN':
    case 'INTEGER':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
      return String(value);
    default:
      return JSON.stringify(value) ?? String(value);
  }
}

export function formatExpression(expr: Expr): string {
  switch (expr.kind) {
    case 'column':
      return name(expr.name);
    case 'literal':
      return literal(expr.type, expr.value);
    case 'null':
      return 'null';
    case 'arithmetic':
      return `(${formatExpression(expr.left)} ${expr.operator} ${formatExpression(expr.right)})`;
    case 'negate':
      return `-${formatExpression(expr.operand)}`;
    case 'concat':
      return `(${formatExpression(expr.left)} + ${formatExpression(expr.right)})`;
    case 'compare':
      return `(${formatExpression(expr.left)} ${expr.operator} ${formatExpression(expr.right)})`;
    case 'and':
      return `(${expr.operands.map(formatExpression).join(' AND ')})`;
    case 'or':
      return `(${expr.operands.map(formatExpression).join(' OR ')})`;
    case 'not':
      return `(NOT ${formatExpression(expr.operand)})`;
    case 'isNull':
      return `(${formatExpression(expr.operand)} IS ${expr.negated ? 'NOT ' : ''}NULL)`;
    case 'between':
      return `(${formatExpression(expr.operand)} ${expr.negated ? 'NOT ' : ''}BETWEEN ${formatExpression(expr.low)} AND ${formatExpression(expr.high)})`;
    case 'in':
      return `(${formatExpression(expr.operand)} ${expr.negated ? 'NOT ' : ''}IN (${expr.list.map(formatExpression).join(', ')}))`;
    case 'like':
      return `(${formatExpression(expr.operand)} ${expr.negated ? 'NOT ' : ''}LIKE ${formatExpression(expr.pattern)}${
        expr.escape === null ? '' : ` ESCAPE '${expr.escape.replace(/'/g, "''")}'`
      })`;
    case 'case':
      return `(CASE ${expr.whens.map((w) => `WHEN ${formatExpression(w.condition)} THEN ${formatExpression(w.result)}`).join(' ')}${
        expr.otherwise === null ? '' : ` ELSE ${formatExpression(expr.otherwise)}`
      } END)`;
    case 'cast':
      return `CAST(${formatExpression(expr.operand)} AS ${formatSqlType(expr.type)})`;
    case 'call':
      return `${expr.functionName}(${expr.args.map(formatExpression).join(', ')})`;
    case 'lambda':
      return `(${expr.params.join(', ')}) => ${formatExpression(expr.body)}`;
    case 'lambdaVariable':
      return expr.name;
    case 'dereference':
      return `${formatExpression(expr.operand)}->${name(expr.field)}`;
    case 'subscript':
      return `${formatExpression(expr.operand)}[${formatExpression(expr.index)}]`;
    case 'createArray':
      return `ARRAY[${expr.elements.map(formatExpression).join(', ')}]`;
    case 'createMap':
      return `MAP(${expr.entries.map((e) => `${formatExpression(e.key)}:=${formatExpression(e.value)}`).join(', ')})`;
    case 'createStruct':
      return `STRUCT(${expr.fields.map((f) => `${name(f.name)}:=${formatExpression(f.value)}`).join(', ')})`;
  }
}
