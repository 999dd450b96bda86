/**
 * ksqlDB's `GET /ws/query?request=<URL-encoded JSON>&version=1`: the request is the `/ksql` body
 * (`{"ksql":"SELECT … EMIT CHANGES;","streamsProperties":{…}}`); nothing is read from the socket
 * afterwards. Server → client text frames: the schema (a JSON array of fields), then one
 * `{"row":{"columns":[…]}}` per row. LIMIT reached or a pull query's end: close 1000 `done`; a bad
 * request or statement: close 1003 with the message; a failure while running: 1011; the client
 * stops a query by closing the socket.
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { SluiceError, isSluiceError } from '../../common/index.js';
import {
  classifyQuery,
  compileRowWriter,
  nextOrAbort,
  queryRows,
  schemaInfo,
  variablesOf,
  type HttpContext,
  type PushQueryHandle,
} from '../http/index.js';
import { SocketSender } from './sender.js';

export const CLOSE_NORMAL = 1000;
export const CLOSE_UNSUPPORTED = 1003;
export const CLOSE_INTERNAL_ERROR = 1011;
export const CLOSE_TRY_AGAIN = 1013;
export const CLOSE_POLICY = 1008;

function objectParam(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SluiceError('SERVER_BAD_REQUEST', `Invalid request: "${name}" must be a JSON object`);
  return value as Record<string, unknown>;
}

function parseRequest(url: string): { sql: string; properties: Record<string, unknown>; sessionVariables: Record<string, unknown> } {
  const query = new URL(url, 'http://localhost').searchParams;
  const text = query.get('request');
  if (text === null) throw new SluiceError('SERVER_BAD_REQUEST', 'Invalid request: missing "request" query parameter');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new SluiceError('SERVER_BAD_REQUEST', `Invalid JSON in request: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SluiceError('SERVER_BAD_REQUEST', 'Invalid JSON in request: expected a JSON object');
  const record = body as Record<string, unknown>;
  const sql = record['ksql'];
  if (typeof sql !== 'string' || sql.trim() === '') throw new SluiceError('SERVER_BAD_REQUEST', 'Invalid request: missing required field "ksql"');
  return { sql, properties: objectParam(record['streamsProperties'], 'streamsProperties'), sessionVariables: objectParam(record['sessionVariables'], 'sessionVariables') };
}

export async function handleKsqlDbWebSocket(ctx: HttpContext, socket: WebSocket, request: FastifyRequest): Promise<void> {
  const closed = new AbortController();
  socket.once('close', () => closed.abort());
  const sender = new SocketSender(socket, 1024 * 1024, ctx.settings.slowConsumerTimeoutMs, closed.signal);

  let handle: PushQueryHandle;
  let isPull: boolean;
  let slot: ReturnType<HttpContext['registry']['reserve']> | null = null;
  try {
    const { sql, properties, sessionVariables } = parseRequest(request.url);
    if (sql.length > ctx.limits.statementCharsMax) throw new SluiceError('LIMIT_EXCEEDED', `Statement text too long: expected at most ${ctx.limits.statementCharsMax} characters, found ${sql.length}`);
    const classification = classifyQuery(sql, sessionVariables);
    if (classification.kind === 'print') throw new SluiceError('SQL_UNSUPPORTED', 'PRINT is served on /query and /query-stream, not on /ws/query');
    isPull = classification.kind === 'pull';
    if (!isPull) slot = ctx.registry.reserve();
    handle = await ctx.engine.startPushQuery(sql, { properties, sessionVariables: variablesOf(sessionVariables) });
  } catch (error) {
    slot?.release();
    const code = isSluiceError(error, 'SQL_TOO_MANY_PUSH_QUERIES') ? CLOSE_TRY_AGAIN : CLOSE_UNSUPPORTED;
    sender.close(code, (error as Error).message);
    return;
  }

  const closer = new AbortController();
  const unregister = slot?.register({
    queryId: handle.queryId,
    close: async () => {
      closer.abort();
      await handle.close();
    },
  });
  const stop = AbortSignal.any([closed.signal, closer.signal]);
  try {
    const fields = handle.columns.map((c) => ({
      name: c.name,
      schema: schemaInfo(c.type),
      ...(isPull && c.isKey ? { type: 'KEY' } : {}),
    }));
    await sender.send(JSON.stringify(fields), handle.queryId);
    const writeRow = compileRowWriter(handle.columns.map((c) => c.type));
    const iterator = queryRows(handle);
    for (;;) {
      const next = await nextOrAbort(iterator, stop);
      if (next.done) break;
      if (next.value.tombstone) continue;
      await sender.send(`{"row":{"columns":${writeRow(next.value.values)}}}`, handle.queryId);
    }
    if (!closed.signal.aborted) sender.close(CLOSE_NORMAL, 'done');
  } catch (error) {
    const slow = isSluiceError(error, 'SERVER_SLOW_CONSUMER');
    sender.close(slow ? CLOSE_POLICY : CLOSE_INTERNAL_ERROR, (error as Error).message);
    if (slow) setTimeout(() => socket.terminate(), 1000).unref();
  } finally {
    unregister?.();
    await handle.close().catch(() => undefined);
  }
}
