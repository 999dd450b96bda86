/**
 * The error catalogue: every error Sluice raises has a stable code, an HTTP status, who must act
 * (the user, something external, or us) and whether retrying can help. Messages say what was
 * expected and what was found.
 *
 * Layers add their codes to `catalogue` below, in their own section, never elsewhere.
 */

export type Actor = 'user' | 'external' | 'internal';

export interface ErrorSpec {
  /** HTTP status the REST layer answers with. */
  readonly httpStatus: number;
  /** Who has to do something about it. */
  readonly actor: Actor;
  /** Whether the same request may succeed if retried unchanged. */
  readonly retryable: boolean;
  /** ksqlDB's `error_code` for this error on the REST API (HTTP status × 100 + detail). */
  readonly ksqlErrorCode?: number;
  /** Kafka protocol error code, where the error reaches Kafka clients. */
  readonly kafkaErrorCode?: number;
}

function spec(
  httpStatus: number,
  actor: Actor,
  retryable: boolean,
  extra: { ksqlErrorCode?: number; kafkaErrorCode?: number } = {},
): ErrorSpec {
  return { httpStatus, actor, retryable, ...extra };
}

export const catalogue = {
  // ---- common ----
  INTERNAL_ASSERTION: spec(500, 'internal', false, { ksqlErrorCode: 50000, kafkaErrorCode: -1 }),
  INVALID_ARGUMENT: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  LIMIT_EXCEEDED: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  SHUTTING_DOWN: spec(503, 'external', true, { ksqlErrorCode: 50303 }),
  CONFIG_INVALID: spec(400, 'user', false, { ksqlErrorCode: 40000 }),

  // ---- storage/fs ----
  FS_NO_SPACE: spec(507, 'external', true, { kafkaErrorCode: 56 /* KAFKA_STORAGE_ERROR */ }),
  FS_IO: spec(500, 'external', true, { kafkaErrorCode: 56 }),
  FS_NOT_FOUND: spec(500, 'internal', false),
  FS_CRASHED: spec(500, 'external', false),

  // ---- storage/log ----
  LOG_TOPIC_NOT_FOUND: spec(404, 'user', false, { kafkaErrorCode: 3 /* UNKNOWN_TOPIC_OR_PARTITION */ }),
  LOG_TOPIC_EXISTS: spec(409, 'user', false, { kafkaErrorCode: 36 /* TOPIC_ALREADY_EXISTS */ }),
  LOG_TOPIC_NAME_INVALID: spec(400, 'user', false, { kafkaErrorCode: 17 /* INVALID_TOPIC_EXCEPTION */ }),
  LOG_PARTITION_NOT_FOUND: spec(404, 'user', false, { kafkaErrorCode: 3 }),
  LOG_PARTITIONS_INVALID: spec(400, 'user', false, { kafkaErrorCode: 37 /* INVALID_PARTITIONS */ }),
  LOG_CONFIG_INVALID: spec(400, 'user', false, { kafkaErrorCode: 40 /* INVALID_CONFIG */ }),
  LOG_BATCH_CORRUPT: spec(400, 'user', false, { kafkaErrorCode: 2 /* CORRUPT_MESSAGE */ }),
  LOG_BATCH_TOO_LARGE: spec(413, 'user', false, { kafkaErrorCode: 10 /* MESSAGE_TOO_LARGE */ }),
  LOG_RECORD_TOO_LARGE: spec(413, 'user', false, { kafkaErrorCode: 10 }),
  LOG_OFFSET_OUT_OF_RANGE: spec(416, 'user', false, { kafkaErrorCode: 1 /* OFFSET_OUT_OF_RANGE */ }),
  LOG_UNSUPPORTED_COMPRESSION: spec(400, 'user', false, { kafkaErrorCode: 76 /* UNSUPPORTED_COMPRESSION_TYPE */ }),
  LOG_CLOSED: spec(503, 'external', true, { kafkaErrorCode: 56 }),
  LOG_DUPLICATE_SEQUENCE: spec(409, 'user', false, { kafkaErrorCode: 46 /* DUPLICATE_SEQUENCE_NUMBER */ }),
  LOG_OUT_OF_ORDER_SEQUENCE: spec(409, 'user', true, { kafkaErrorCode: 45 /* OUT_OF_ORDER_SEQUENCE_NUMBER */ }),
  LOG_PRODUCER_FENCED: spec(409, 'user', false, { kafkaErrorCode: 47 /* INVALID_PRODUCER_EPOCH */ }),
  LOG_RECORD_KEY_REQUIRED: spec(400, 'user', false, { kafkaErrorCode: 87 /* INVALID_RECORD */ }),
  LOG_TOPIC_INTERNAL: spec(403, 'user', false, { kafkaErrorCode: 42 /* INVALID_REQUEST */ }),
  LOG_TOO_MANY_TOPICS: spec(400, 'user', false, { kafkaErrorCode: 44 /* POLICY_VIOLATION */ }),
  LOG_OFFSET_METADATA_TOO_LARGE: spec(400, 'user', false, { kafkaErrorCode: 12 /* OFFSET_METADATA_TOO_LARGE */ }),
  LOG_PARTITION_FAILED: spec(500, 'external', false, { kafkaErrorCode: 56 /* KAFKA_STORAGE_ERROR */ }),

  // ---- storage/state ----
  /** A state key longer than the backend allows (lmdb: 1978 bytes). */
  STATE_KEY_TOO_LARGE: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  /** A state value larger than a changelog record may be. */
  STATE_VALUE_TOO_LARGE: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  /** The state environment was closed (or is being closed). */
  STATE_CLOSED: spec(503, 'external', true, { ksqlErrorCode: 50303 }),
  /** Another open environment already owns this state directory. */
  STATE_IN_USE: spec(409, 'internal', false, { ksqlErrorCode: 50000 }),
  /** Stored state, metadata or a changelog record is not what this version wrote. */
  STATE_CORRUPT: spec(500, 'internal', false, { ksqlErrorCode: 50000 }),
  /** The storage engine (lmdb) failed: disk full, map full, I/O. */
  STATE_IO: spec(500, 'external', true, { ksqlErrorCode: 50000 }),

  // ---- registry ----
  // For the schema-registry REST API, `ksqlErrorCode` carries Confluent's `error_code` (40401...),
  // which real registry clients read next to the HTTP status.
  /** `Subject 'x' not found.` (also a reference to a missing subject). */
  REGISTRY_SUBJECT_NOT_FOUND: spec(404, 'user', false, { ksqlErrorCode: 40401 }),
  /** `Version 7 not found.` */
  REGISTRY_VERSION_NOT_FOUND: spec(404, 'user', false, { ksqlErrorCode: 40402 }),
  /** No schema with that id, or (lookup) the schema is not registered under the subject. */
  REGISTRY_SCHEMA_NOT_FOUND: spec(404, 'user', false, { ksqlErrorCode: 40403 }),
  /** A soft delete of a subject whose versions are all soft-deleted already. */
  REGISTRY_SUBJECT_SOFT_DELETED: spec(404, 'user', false, { ksqlErrorCode: 40404 }),
  /** A permanent delete of a subject that was not soft-deleted first. */
  REGISTRY_SUBJECT_NOT_SOFT_DELETED: spec(404, 'user', false, { ksqlErrorCode: 40405 }),
  /** A soft delete of a version that is soft-deleted already. */
  REGISTRY_VERSION_SOFT_DELETED: spec(404, 'user', false, { ksqlErrorCode: 40406 }),
  /** A permanent delete of a version that was not soft-deleted first. */
  REGISTRY_VERSION_NOT_SOFT_DELETED: spec(404, 'user', false, { ksqlErrorCode: 40407 }),
  /** `GET /config/{subject}` for a subject without its own compatibility level. */
  REGISTRY_SUBJECT_COMPATIBILITY_NOT_CONFIGURED: spec(404, 'user', false, { ksqlErrorCode: 40408 }),
  /** `GET /mode/{subject}` for a subject without its own mode. */
  REGISTRY_SUBJECT_MODE_NOT_CONFIGURED: spec(404, 'user', false, { ksqlErrorCode: 40409 }),
  /** The schema breaks the subject's compatibility level (Confluent <= 7.x answers error_code 409). */
  REGISTRY_INCOMPATIBLE_SCHEMA: spec(409, 'user', false, { ksqlErrorCode: 409 }),
  /** Unparseable schema, unknown schemaType, unresolvable reference inside the schema. */
  REGISTRY_INVALID_SCHEMA: spec(422, 'user', false, { ksqlErrorCode: 42201 }),
  /** A version that is neither 1..2^31-1 nor `latest` / `-1`. */
  REGISTRY_INVALID_VERSION: spec(422, 'user', false, { ksqlErrorCode: 42202 }),
  REGISTRY_INVALID_COMPATIBILITY_LEVEL: spec(422, 'user', false, { ksqlErrorCode: 42203 }),
  REGISTRY_INVALID_MODE: spec(422, 'user', false, { ksqlErrorCode: 42204 }),
  /** A write refused by the mode (READONLY), or an IMPORT that would overwrite another schema. */
  REGISTRY_OPERATION_NOT_PERMITTED: spec(422, 'user', false, { ksqlErrorCode: 42205 }),
  /** Deleting a version another schema still references. */
  REGISTRY_REFERENCE_EXISTS: spec(422, 'user', false, { ksqlErrorCode: 42206 }),
  /** A subject name the registry does not accept (empty, too long, control characters). */
  REGISTRY_INVALID_SUBJECT: spec(422, 'user', false, { ksqlErrorCode: 42208 }),
  /** The request body is not the JSON object the endpoint expects. */
  REGISTRY_BAD_REQUEST: spec(400, 'user', false, { ksqlErrorCode: 400 }),
  /** Reading or writing the `_schemas` topic failed, or it holds a record this version cannot read. */
  REGISTRY_STORE_ERROR: spec(500, 'external', true, { ksqlErrorCode: 50001 }),

  // ---- server/kafka ----
  KAFKA_UNSUPPORTED_VERSION: spec(400, 'user', false, { kafkaErrorCode: 35 }),
  KAFKA_FRAME_INVALID: spec(400, 'user', false, { kafkaErrorCode: 2 }),
  KAFKA_FRAME_TOO_LARGE: spec(413, 'user', false, { kafkaErrorCode: 10 }),
  KAFKA_TOO_MANY_CONNECTIONS: spec(503, 'external', true),

  // ---- server/http, server/ws ----
  /** The request body is not the JSON the endpoint expects (or a required field is missing). */
  SERVER_BAD_REQUEST: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  /** The request body is larger than `httpBodyBytesMax`. */
  SERVER_BODY_TOO_LARGE: spec(413, 'user', false, { ksqlErrorCode: 41300 }),
  /** An HTTP/2-only endpoint (`/inserts-stream`) reached over HTTP/1.1. */
  SERVER_HTTP2_REQUIRED: spec(400, 'user', false, { ksqlErrorCode: 40004 }),
  /** `/close-query` (or a WebSocket unsubscribe) named a query that is not running. */
  SERVER_QUERY_NOT_FOUND: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  /** `/status/{type}/{entity}/{action}` for a command never run. */
  SERVER_COMMAND_NOT_FOUND: spec(404, 'user', false, { ksqlErrorCode: 40400 }),
  /** A push-query subscriber read nothing for too long while its rows piled up: it was cut off. */
  SERVER_SLOW_CONSUMER: spec(429, 'external', true, { ksqlErrorCode: 42900 }),
  /** A WebSocket message that is not part of the protocol (bad JSON, unknown op, duplicate id). */
  SERVER_WS_PROTOCOL: spec(400, 'user', false, { ksqlErrorCode: 40000 }),
  /** `/inserts-stream`: a row the target cannot take. */
  SERVER_INSERT_INVALID: spec(400, 'user', false, { ksqlErrorCode: 40000 }),

  // ---- queries (parse / analyze / plan / catalog / commands) ----
  SQL_SYNTAX: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  SQL_ANALYSIS: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  SQL_UNSUPPORTED: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  SQL_SOURCE_NOT_FOUND: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  SQL_SOURCE_EXISTS: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  SQL_QUERY_ENDPOINT: spec(400, 'user', false, { ksqlErrorCode: 40002 }),
  SQL_TOO_MANY_PUSH_QUERIES: spec(400, 'user', true, { ksqlErrorCode: 40003 }),
  SQL_ASSERT_FAILED: spec(417, 'user', false, { ksqlErrorCode: 41700 }),

  // ---- engine ----
  ENGINE_EVALUATION: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  ENGINE_SERDE: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  /** A format cannot carry the given columns/properties/features (found when a serde is built). */
  ENGINE_FORMAT_UNSUPPORTED: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  ENGINE_FUNCTION_NOT_FOUND: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  ENGINE_QUERY_NOT_FOUND: spec(400, 'user', false, { ksqlErrorCode: 40001 }),
  ENGINE_STATE: spec(500, 'internal', false, { ksqlErrorCode: 50000 }),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof catalogue;

export interface ErrorDetails {
  /** What the caller should have given. */
  expected?: string;
  /** What it gave instead. */
  found?: string;
  /** Anything else worth carrying (topic, partition, offset...). */
  [key: string]: unknown;
}

/** The only error type Sluice throws on purpose. */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SluiceError';
    this.code = code;
    this.details = details;
  }

  get spec(): ErrorSpec {
    return catalogue[this.code];
  }
  get httpStatus(): number {
    return this.spec.httpStatus;
  }
  get actor(): Actor {
    return this.spec.actor;
  }
  get retryable(): boolean {
    return this.spec.retryable;
  }
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/**
 * Builds an error whose message states what was expected and what was found:
 * `<what>: expected <expected>, found <found>`.
 */
export function mismatch(code: ErrorCode, what: string, expected: string, found: string, extra: ErrorDetails = {}): SluiceError {
  return new SluiceError(code, `${what}: expected ${expected}, found ${found}`, { ...extra, expected, found });
}

export function isSluiceError(value: unknown, code?: ErrorCode): value is SluiceError {
  return value instanceof SluiceError && (code === undefined || value.code === code);
}
