/**
 * ksqlDB's error model on the wire: every 4xx/5xx from a JSON endpoint carries an error entity,
 * `error_code` = HTTP status × 100 + detail (common/errors.ts holds the codes).
 *
 *   generic_error:   {"@type":"generic_error","error_code":40000,"message":"..."}
 *   statement_error: {"@type":"statement_error","error_code":40001,"message":"...",
 *                     "statementText":"CREATE STREAM ...;","entities":[]}
 */
import { SluiceError, isSluiceError } from '../../common/index.js';

export interface GenericErrorEntity {
  '@type': 'generic_error';
  error_code: number;
  message: string;
}

export interface StatementErrorEntity {
  '@type': 'statement_error';
  error_code: number;
  message: string;
  statementText: string;
  entities: unknown[];
}

export type ErrorEntity = GenericErrorEntity | StatementErrorEntity;

export interface HttpError {
  status: number;
  entity: ErrorEntity;
}

export function genericError(errorCode: number, message: string): GenericErrorEntity {
  return { '@type': 'generic_error', error_code: errorCode, message };
}

export function statementError(errorCode: number, message: string, statementText: string, entities: unknown[] = []): StatementErrorEntity {
  return { '@type': 'statement_error', error_code: errorCode, message, statementText, entities };
}

/** ksqlDB's error code for a Sluice error: the catalogue's, else HTTP status × 100. */
export function ksqlErrorCodeOf(error: SluiceError): number {
  return error.spec.ksqlErrorCode ?? error.httpStatus * 100;
}

/**
 * The statement text an error concerns, when the layer that raised it said. Errors of planning a
 * persistent query carry `formattedStatement`: the statement as ksqlDB re-formats it after its
 * injectors ran, which is the text ksqlDB's error entities carry for those errors (clients print
 * `message\nStatement: statementText`); it wins over the text as sent.
 */
export function statementTextOf(error: unknown): string | null {
  if (!isSluiceError(error)) return null;
  const formatted = error.details['formattedStatement'];
  if (typeof formatted === 'string') return formatted;
  const text = error.details['statementText'];
  return typeof text === 'string' ? text : null;
}

/** Errors raised by SQL handling (code SQL_*, ENGINE_*) are statement errors on /ksql and /query*. */
function isStatementProblem(error: SluiceError): boolean {
  return error.code.startsWith('SQL_') || error.code.startsWith('ENGINE_');
}

/**
 * The HTTP answer for an error. `statementText` (the request's SQL) makes SQL errors
 * statement_error entities; everything else is a generic_error. Non-Sluice errors are 500/50000.
 */
export function httpErrorOf(error: unknown, statementText: string | null = null): HttpError {
  if (isSluiceError(error)) {
    const code = ksqlErrorCodeOf(error);
    const text = statementTextOf(error) ?? statementText;
    if (text !== null && isStatementProblem(error)) {
      const entities = Array.isArray(error.details['entities']) ? (error.details['entities'] as unknown[]) : [];
      return { status: error.httpStatus, entity: statementError(code, error.message, text, entities) };
    }
    return { status: error.httpStatus, entity: genericError(code, error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, entity: genericError(50000, message || 'Internal server error') };
}

/**
 * ksqlDB's legacy `/query` endpoint reports a statement it cannot parse with the parser's
 * "unlogged" message, which ends with the statement: `line 1:24: Syntax Error\n...\nStatement: SELECT ...`
 * (`/ksql` and `/query-stream` send the message alone). Other errors pass unchanged.
 */
export function withParseStatementSuffix(error: unknown, statementText: string): unknown {
  if (!isSluiceError(error, 'SQL_SYNTAX')) return error;
  return new SluiceError(error.code, `${error.message}\nStatement: ${statementText}`, error.details, { cause: error });
}

/** The error element written into a stream after its header (mid-stream failures). */
export function streamErrorEntity(error: unknown): GenericErrorEntity {
  if (isSluiceError(error)) {
    const code = ksqlErrorCodeOf(error);
    // ksqlDB reports every mid-stream failure as 50000, except rate limiting (42900).
    return genericError(code === 42900 ? 42900 : 50000, error.message);
  }
  return genericError(50000, error instanceof Error ? error.message : String(error));
}
