/** Maps errors thrown below the listener (SluiceError codes) to Kafka protocol error codes. */
import { isSluiceError } from '../../common/index.js';
import { ErrorCode } from './protocol/constants.js';

/** The Kafka error code for `error`: the catalogue's `kafkaErrorCode`, else UNKNOWN_SERVER_ERROR. */
export function kafkaErrorCodeOf(error: unknown): number {
  if (isSluiceError(error)) return error.spec.kafkaErrorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** True when the error is one we did not expect (worth an error-level log line). */
export function isUnexpected(error: unknown): boolean {
  return !isSluiceError(error) || error.actor === 'internal' || error.spec.kafkaErrorCode === undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
