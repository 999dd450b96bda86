/**
 * What every route (and server/ws) shares: the SQL engine, the log (PRINT), limits, the registry
 * of running push queries, command statuses for `/status`, and the server's identity.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Limits } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import type { SqlEngine } from './engine.js';
import { httpErrorOf } from './error-entities.js';
import { negotiate } from './accept.js';
import { PushQueryRegistry } from './push.js';

export interface ServerIdentity {
  /** ksqlDB version clients are told (`/info`). */
  version: string;
  kafkaClusterId: string;
  ksqlServiceId: string;
}

export interface HttpSettings {
  /** A streaming client that takes nothing for this long is cut off (SERVER_SLOW_CONSUMER). */
  slowConsumerTimeoutMs: number;
  /** `/query`: a bare `\n` is written after this long without rows. */
  keepAliveIntervalMs: number;
  /** Most rows one `/inserts-stream` request may carry. */
  insertRowsPerRequestMax: number;
  /** Most subscriptions one WebSocket may hold (server/ws). */
  wsSubscriptionsPerSocketMax: number;
  /** Largest WebSocket message accepted (server/ws). */
  wsMessageBytesMax: number;
}

export const defaultHttpSettings: Readonly<HttpSettings> = Object.freeze({
  slowConsumerTimeoutMs: 30_000,
  keepAliveIntervalMs: 1_000,
  insertRowsPerRequestMax: 1_000_000,
  wsSubscriptionsPerSocketMax: 100,
  wsMessageBytesMax: 1024 * 1024,
});

export interface CommandStatus {
  status: string;
  message: string;
  queryId: string | null;
}

export interface HttpContext {
  readonly engine: SqlEngine;
  /** PRINT reads topics here; null: PRINT answers 40001. */
  readonly log: Log | null;
  readonly limits: Limits;
  readonly settings: HttpSettings;
  readonly identity: ServerIdentity;
  readonly registry: PushQueryRegistry;
  /** Statuses of the commands run through /ksql, by command id (`/status`). */
  readonly commands: Map<string, CommandStatus>;
  /** `host:port` this server is reached at (`/clusterStatus`). */
  advertisedAddress: string;
  /** Set once the server is stopping: new requests get 503. */
  closing: boolean;
}

export function createHttpContext(init: {
  engine: SqlEngine;
  log: Log | null;
  limits: Limits;
  settings: HttpSettings;
  identity: ServerIdentity;
  advertisedAddress: string;
}): HttpContext {
  return {
    ...init,
    registry: new PushQueryRegistry(() => init.limits.pushQueriesMax),
    commands: new Map(),
    closing: false,
  };
}

/** True when the request arrived over HTTP/2. */
export function isHttp2(request: FastifyRequest): boolean {
  return request.raw.httpVersionMajor === 2;
}

/** Sends a JSON body with `Content-Type: application/json` (what ksqlDB answers on JSON endpoints). */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}

/** Sends the error entity for `error` (statement_error when `statementText` is given and it is a SQL error). */
export function sendError(reply: FastifyReply, error: unknown, statementText: string | null = null): FastifyReply {
  const { status, entity } = httpErrorOf(error, statementText);
  return sendJson(reply, status, entity);
}

/** Picks the response media type, or answers 406 (empty body) and returns null. */
export function negotiateOr406(request: FastifyRequest, reply: FastifyReply, produces: readonly string[]): string | null {
  const chosen = negotiate(request.headers.accept, produces);
  if (chosen === null) {
    reply.code(406).send('');
  }
  return chosen;
}
