/**
 * The engine's expression form: resolved, typed, JSON data. The analyzer (queries/analyze)
 * turns the parser's AST into this; physical steps store it; the compiler turns it into a
 * function over a row. Every node carries its result type. No names are left to resolve: a
 * column is a position in the step's input, a function is its registry name plus the overload
 * index the analyzer chose.
 */
import type { SqlType } from '../types/index.js';

/** Where a column lives in the input record of a step. */
export type ColumnSource =
  | { kind: 'KEY'; index: number }
  | { kind: 'VALUE'; index: number }
  /** Pseudo-columns and window bounds, read from the record's metadata. */
  | { kind: 'ROWTIME' }
  | { kind: 'ROWPARTITION' }
  | { kind: 'ROWOFFSET' }
  | { kind: 'WINDOWSTART' }
  | { kind: 'WINDOWEND' }
  /** All headers as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>, or the last value of one key (BYTES). */
  | { kind: 'HEADERS' }
  | { kind: 'HEADER'; headerKey: string };

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';

export type Expr =
  | { kind: 'column'; type: SqlType; source: ColumnSource; name: string }
  /** A literal, JSON-encoded as `encodeLiteral` writes it (decimals as strings, bytes base64). */
  | { kind: 'literal'; type: SqlType; value: unknown }
  | { kind: 'null'; type: SqlType }
  | { kind: 'arithmetic'; type: SqlType; operator: ArithmeticOperator; left: Expr; right: Expr }
  | { kind: 'negate'; type: SqlType; operand: Expr }
  | { kind: 'concat'; type: SqlType; left: Expr; right: Expr }
  | { kind: 'compare'; type: SqlType; operator: ComparisonOperator; left: Expr; right: Expr }
  | { kind: 'and'; type: SqlType; operands: Expr[] }
  | { kind: 'or'; type: SqlType; operands: Expr[] }
  | { kind: 'not'; type: SqlType; operand: Expr }
  | { kind: 'isNull'; type: SqlType; operand: Expr; negated: boolean }
  | { kind: 'between'; type: SqlType; operand: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'in'; type: SqlType; operand: Expr; list: Expr[]; negated: boolean }
  | { kind: 'like'; type: SqlType; operand: Expr; pattern: Expr; escape: string | null; negated: boolean }
  | { kind: 'case'; type: SqlType; whens: Array<{ condition: Expr; result: Expr }>; otherwise: Expr | null }
  | { kind: 'cast'; type: SqlType; operand: Expr }
  | { kind: 'call'; type: SqlType; functionName: string; overloadIndex: number; args: Expr[] }
  | { kind: 'lambda'; type: SqlType; params: string[]; body: Expr }
  | { kind: 'lambdaVariable'; type: SqlType; name: string }
  | { kind: 'dereference'; type: SqlType; operand: Expr; field: string }
  | { kind: 'subscript'; type: SqlType; operand: Expr; index: Expr }
  | { kind: 'createArray'; type: SqlType; elements: Expr[] }
  | { kind: 'createMap'; type: SqlType; entries: Array<{ key: Expr; value: Expr }> }
  | { kind: 'createStruct'; type: SqlType; fields: Array<{ name: string; value: Expr }> };

export type ExprKind = Expr['kind'];
