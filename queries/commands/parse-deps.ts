/**
 * What queries/commands takes from queries/parse.
 */
export { locate, parseScript, parseStatement, substituteVariables, format as formatStatement, formatExpression, formatKsqlStatement } from '../parse/index.js';
export type { Statement } from '../parse/index.js';
export type * as Ast from '../parse/index.js';
