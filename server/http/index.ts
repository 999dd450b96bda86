/**
 * server/http — ksqlDB's REST API over fastify, on one port for HTTP/1.1 and cleartext HTTP/2
 * (prior knowledge; the first bytes of a connection choose), or TLS with ALPN.
 *
 * Endpoints: POST /ksql, /ksql/terminate, /query-stream, /query, /inserts-stream, /close-query;
 * GET /info, /healthcheck, /status[/…], /clusterStatus, /v1/metadata[/id], /is_valid_property/…,
 * /chc/ready|live, / (→ /info). server/ws adds the WebSocket endpoints through `plugins`.
 *
 * All SQL goes through the queries/ facade (`SqlEngine` is the part of it used here); results
 * become ksqlDB entities in entities.ts, errors ksqlDB error entities in error-entities.ts.
 * PRINT reads topics from storage/log directly. Push queries stream one row per chunk (one per
 * HTTP/2 DATA frame), each subscriber bounded by the engine's push queue and cut off when it
 * stalls (push.ts, stream-response.ts).
 */
export { createHttpApp, startHttpServer } from './server.js';
export type { HttpServer, HttpServerOptions, HttpPlugin } from './server.js';
export { defaultHttpSettings, isHttp2, sendError, sendJson } from './context.js';
export type { HttpContext, HttpSettings, ServerIdentity, CommandStatus } from './context.js';
export { queryRows, variablesOf } from './engine.js';
export type { SqlEngine, PushQueryHandle, QueryColumn, QueryRow, SourceView, ExecuteOptions, StatementResult } from './engine.js';
export { entityOf, entitiesOf } from './entities.js';
export type { Entity } from './entities.js';
export { PushQueryRegistry, awaitFlush, nextOrAbort, slowConsumerError } from './push.js';
export type { RegisteredQuery } from './push.js';
export { classifyQuery } from './query-routes.js';
export type { QueryClass } from './query-routes.js';
export { genericError, statementError, httpErrorOf, streamErrorEntity, ksqlErrorCodeOf } from './error-entities.js';
export type { ErrorEntity, GenericErrorEntity, StatementErrorEntity } from './error-entities.js';
export { compileRowWriter, compileValueWriter, columnTypeText, schemaInfo, schemaTypeText } from './values.js';
export type { SchemaInfo } from './values.js';
export { negotiate, DELIMITED, JSON_TYPE, KSQL_V1_JSON } from './accept.js';
export { HTTP2_PREFACE, createDualProtocolServer } from './transport.js';
export { schemaRegistryRoutes, registryNotFoundHandler } from './schema-registry/index.js';
