/**
 * queries/parse — SQL text to a typed Statement AST, and back.
 *
 * The whole of ksqlDB's grammar (SqlBase.g4), hand-written: a lexer, a recursive-descent parser
 * for statements and precedence climbing for expressions. It checks syntax only: names are not
 * resolved and types are not checked (that is queries/analyze). It also makes the checks ksqlDB
 * makes while building its AST that need nothing but the statement: number literals in range,
 * integers where integers are required, source-name characters, non-empty names.
 *
 *   parseStatements(script)  -> [{ statement, statementText, span }]   (throws SluiceError SQL_SYNTAX)
 *   parseScript(script)      -> the same, with ksqlDB's second-stage errors per statement
 *   parseStatement / parseExpression / parseType for a single item
 *   format(node)             -> SQL that parses back to an equal AST (spans aside)
 *   substituteVariables(text, vars)  -> ksqlDB's ${name} substitution
 *   splitStatements(script)  -> statement texts, without parsing
 *
 * Error messages follow ksqlDB's (`line 1:8: Syntax Error\nUnknown statement 'SELEC'...`), with
 * line, column, expected and found in the error's details.
 */
export * from './ast.js';
export { parseBigDecimal, bigDecimalToString, bigDecimalToPlainString, formatDouble, quoteString } from './literals.js';
export type { BigDecimalParts } from './literals.js';
export { needsQuotes, tokenize, KEYWORDS, NON_RESERVED } from './lexer.js';
export type { Token, TokenKind, Keyword } from './lexer.js';
export { parseScript, parseStatements, parseStatement, parseExpression, parseType, splitStatements } from './parser.js';
export type { ParseOptions, ScriptStatement, StatementText } from './parser.js';
export { format, formatExpression, formatKsqlStatement, formatType, formatStatements, formatIdentifier } from './format.js';
export type { FormatOptions } from './format.js';
export { substituteVariables } from './variables.js';
export type { Variables } from './variables.js';
