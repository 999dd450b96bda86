/**
 * Streaming query endpoints: `POST /query-stream` (the current API, HTTP/1.1 chunked or HTTP/2),
 * `POST /query` (the legacy chunked JSON array; HTTP/1.1 only, 405 over HTTP/2 unless the client
 * asks for the delimited format), and `POST /close-query`.
 *
 * Failures before the first byte of a result are ordinary JSON errors (400/40001 statement_error
 * for a bad or unknown query, 40003 for too many push queries). After the header, a failure is
 * one more element in the body and the response ends. Rows are written one per chunk as they
 * come (see StreamResponse). A push query ends at its LIMIT, on `/close-query`, when the client
 * goes away (HTTP/2 stream reset, connection closed) or when the server stops.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError, isSluiceError } from '../../common/index.js';
import { parse } from '../../queries/index.js';
import { DELIMITED, JSON_TYPE, KSQL_V1_JSON } from './accept.js';
import { optionalMap, requiredString, optionalString } from './body.js';
import { isHttp2, negotiateOr406, sendError, type HttpContext } from './context.js';
import { queryRows, variablesOf, type PushQueryHandle } from './engine.js';
import { streamErrorEntity, withParseStatementSuffix } from './error-entities.js';
import { checkStatementLength, readJsonRequest } from './ksql-routes.js';
import { checkPrintable, streamTopic, type PrintRequest } from './print.js';
import { nextOrAbort } from './push.js';
import { streamFormat, type StreamFormatName } from './query-format.js';
import { StreamResponse } from './stream-response.js';
import { compileRowWriter, schemaTypeText } from './values.js';

/** What the server must know about a statement before streaming it. */
export type QueryClass =
  | { kind: 'print'; print: PrintRequest }
  | {
      kind: 'push';
      limit: number | null;
      /** GROUP BY: the result is a table. */
      grouped: boolean;
      /** The sources in FROM / JOIN. */
      sources: string[];
    }
  | {
      kind: 'pull';
      /** The sources in FROM / JOIN. */
      sources: string[];
    }
  /** Anything else (or unparseable): the engine answers with the right error. */
  | { kind: 'other' };

export function classifyQuery(sql: string, sessionVariables: Record<string, unknown> = {}, fast = false): QueryClass {
  if (fast && !sql.includes('${')) {
    // A statement starting with SELECT and without EMIT is a pull query (or fails in the engine).
    const tokens = parse.tokenize(sql);
    if (tokens[0]?.kind === 'SELECT' && !tokens.some((t) => t.kind === 'EMIT')) return { kind: 'pull', sources: [] };
  }
  let statement: parse.Statement;
  try {
    const variables = new Map(Object.entries(variablesOf(sessionVariables)));
    statement = parse.parseStatement(sql.includes('${') ? parse.substituteVariables(sql, variables) : sql);
  } catch {
    return { kind: 'other' };
  }
  if (statement.kind === 'printTopic') {
    return { kind: 'print', print: { topic: statement.topic, fromBeginning: statement.fromBeginning, interval: statement.interval, limit: statement.limit } };
  }
  if (statement.kind === 'query') {
    const from = statement.from;
    const sources = from.kind === 'source' ? [from.name] : [from.left.name, ...from.rights.map((r) => r.relation.name)];
    if (statement.emit === undefined) return { kind: 'pull', sources };
    return { kind: 'push', limit: statement.limit ?? null, grouped: statement.groupBy !== undefined, sources };
  }
  return { kind: 'other' };
}

const TIMEOUT = Symbol('timeout');

/** Next row, `TIMEOUT` after `timeoutMs` (keeping the pending `next` for later), or done on abort. */
async function nextRow<T>(
  pending: Promise<IteratorResult<T>>,
  timeoutMs: number | null,
  signal: AbortSignal,
): Promise<IteratorResult<T> | typeof TIMEOUT> {
  if (timeoutMs === null) return nextOrAbort({ next: () => pending }, signal);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      nextOrAbort({ next: () => pending }, signal),
      new Promise<typeof TIMEOUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMEOUT), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StreamQueryOptions {
  ctx: HttpContext;
  stream: StreamResponse;
  handle: PushQueryHandle;
  format: StreamFormatName;
  isPull: boolean;
  limit: number | null;
  /** `/query` writes `\n` while idle. */
  keepAlive: boolean;
  /** Aborted by `/close-query` or the server stopping. */
  closeSignal: AbortSignal;
}

/** Writes header and rows until the query ends, the client leaves, or it is closed. */
export async function streamQueryRows(options: StreamQueryOptions): Promise<void> {
  const { stream, handle, ctx } = options;
  // A pull query over a stream answers like a push query (no key marks, a final message).
  const streamPull = options.isPull && handle.pullSource === 'STREAM';
  const isPull = options.isPull && !streamPull;
  const format = streamFormat(options.format, isPull);
  const writeRow = compileRowWriter(handle.columns.map((c) => c.type));
  const stop = AbortSignal.any([stream.aborted, options.closeSignal]);
  const iterator = queryRows(handle);
  try {
    // ksqlDB marks key columns in pull-query headers only.
    const schemaText = isPull ? handle.schemaText : handle.columns.map((c) => `\`${c.name}\` ${schemaTypeText(c.type)}`).join(', ');
    const header = format.header({ queryId: handle.queryId, columns: handle.columns, schemaText });
    if (header) await stream.write(header);
    let pending = iterator.next();
    const keepAliveMs = options.keepAlive && !isPull ? ctx.settings.keepAliveIntervalMs : null;
    for (;;) {
      const next = await nextRow(pending, keepAliveMs, stop);
      if (next === TIMEOUT) {
        await stream.write('\n');
        continue;
      }
      if (next.done) break;
      pending = iterator.next();
      const row = next.value;
      const chunk = format.row(writeRow(row.values), row.tombstone);
      if (chunk) await stream.write(chunk);
    }
    if (stream.isOpen) {
      const closedByRequest = options.closeSignal.aborted;
      const limitReached = streamPull ? handle.limitReached === true : !closedByRequest && options.limit !== null;
      const finalMessage = isPull ? null : limitReached ? 'Limit Reached' : 'Query Completed';
      stream.end(format.end(finalMessage) || undefined);
    }
  } catch (error) {
    const chunk = format.error(streamErrorEntity(error));
    if (isSluiceError(error, 'SERVER_SLOW_CONSUMER')) stream.cutOff(chunk);
    else if (stream.isOpen) {
      await stream.write(chunk).catch(() => undefined);
      stream.end();
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Starts the statement (push, pull or PRINT) and streams it. Errors before the header are sent as
 * JSON errors (statement_error carrying `sql`).
 */
async function runStreamingQuery(
  ctx: HttpContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: {
    sql: string;
    properties: Record<string, unknown>;
    sessionVariables: Record<string, unknown>;
    mediaType: string;
    format: StreamFormatName;
    /** The legacy `/query` endpoint: keep-alive newlines, PRINT in any format. */
    legacy: boolean;
  },
): Promise<FastifyReply> {
  const { sql } = params;
  const statementText = sql.trim();
  let classification: QueryClass;
  try {
    checkStatementLength(ctx, sql);
    classification = classifyQuery(sql, params.sessionVariables, true);
  } catch (error) {
    return sendError(reply, error, statementText);
  }

  if (classification.kind === 'print') {
    // PRINT writes text lines: only the delimited format (or the legacy endpoint, ksqlDB CLI's) can carry them.
    if (params.format !== 'delimited' && !params.legacy) return reply.code(406).send('');
    return runPrint(ctx, request, reply, classification.print, statementText);
  }

  const isPull = classification.kind === 'pull';
  const slot = isPull ? null : safeReserve(ctx);
  if (slot instanceof Error) return sendError(reply, slot, statementText);
  let handle: PushQueryHandle;
  try {
    handle = await ctx.engine.startPushQuery(sql, { properties: params.properties, sessionVariables: variablesOf(params.sessionVariables) });
  } catch (error) {
    slot?.release();
    return sendError(reply, params.legacy ? withParseStatementSuffix(error, statementText) : error, statementText);
  }
  // A pull query over a table is complete when it starts: write the whole response at once (one
  // write: status line, headers and body), except where each row must be its own HTTP/2 frame.
  const http2Early = isHttp2(request);
  const completed = isPull && handle.pullSource === 'TABLE' && !(http2Early && params.format === 'delimited') ? (handle.completedRecords?.() ?? null) : null;
  if (completed !== null) {
    let body: string;
    try {
      const format = streamFormat(params.format, true);
      const writeRow = compileRowWriter(handle.columns.map((c) => c.type));
      body = format.header({ queryId: handle.queryId, columns: handle.columns, schemaText: handle.schemaText });
      for (const record of completed) {
        if (record.value === null) continue;
        body += format.row(writeRow(record.value), false);
      }
      body += format.end(null);
    } finally {
      await handle.close().catch(() => undefined);
    }
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': params.mediaType });
    reply.raw.end(body);
    return reply;
  }
  const closer = new AbortController();
  const unregister = slot?.register({
    queryId: handle.queryId,
    close: async () => {
      closer.abort();
      await handle.close();
    },
  });

  reply.hijack();
  // ksqldb-client's streamQuery (delimited) parses each HTTP/2 DATA frame alone; the other
  // formats are read as a whole or by line, so their rows may share frames.
  const http2 = isHttp2(request);
  const stream = new StreamResponse(reply.raw, http2, ctx.settings.slowConsumerTimeoutMs, handle.queryId, http2 && params.format === 'delimited');
  stream.start(200, params.mediaType);
  try {
    await streamQueryRows({
      ctx,
      stream,
      handle,
      format: params.format,
      isPull,
      limit: classification.kind === 'push' ? classification.limit : null,
      keepAlive: params.legacy,
      closeSignal: closer.signal,
    });
  } finally {
    unregister?.();
  }
  return reply;
}

function safeReserve(ctx: HttpContext): ReturnType<HttpContext['registry']['reserve']> | Error {
  try {
    return ctx.registry.reserve();
  } catch (error) {
    return error as Error;
  }
}

let printCounter = 0;

async function runPrint(ctx: HttpContext, request: FastifyRequest, reply: FastifyReply, print: PrintRequest, statementText: string): Promise<FastifyReply> {
  const log = ctx.log;
  try {
    if (log === null) throw new SluiceError('SQL_UNSUPPORTED', 'PRINT is not available: this server has no topic log', { statementText });
    checkPrintable(log, print.topic);
  } catch (error) {
    return sendError(reply, error, statementText);
  }
  const slot = safeReserve(ctx);
  if (slot instanceof Error) return sendError(reply, slot, statementText);
  const closer = new AbortController();
  const id = `print_${print.topic}_${++printCounter}`;
  const unregister = slot.register({ queryId: id, close: async () => closer.abort() });
  reply.hijack();
  const stream = new StreamResponse(reply.raw, isHttp2(request), ctx.settings.slowConsumerTimeoutMs, id);
  stream.start(200, DELIMITED);
  try {
    await streamTopic(print, {
      log,
      readBytesMax: ctx.limits.taskReadBytesMax,
      idleMs: ctx.settings.keepAliveIntervalMs,
      signal: AbortSignal.any([stream.aborted, closer.signal]),
      writeLine: (line) => stream.write(line + '\n'),
      onIdle: () => stream.write('\n'),
    });
    stream.end();
  } catch (error) {
    const chunk = JSON.stringify(streamErrorEntity(error)) + '\n';
    if (isSluiceError(error, 'SERVER_SLOW_CONSUMER')) stream.cutOff(chunk);
    else if (stream.isOpen) {
      await stream.write(chunk).catch(() => undefined);
      stream.end();
    }
  } finally {
    unregister();
  }
  return reply;
}

const QUERY_STREAM_TYPES = [DELIMITED, JSON_TYPE, KSQL_V1_JSON];
const QUERY_TYPES = [KSQL_V1_JSON, JSON_TYPE, DELIMITED];

function formatOf(mediaType: string, legacy: boolean): StreamFormatName {
  if (mediaType === DELIMITED) return 'delimited';
  if (mediaType === KSQL_V1_JSON || legacy) return 'streamed';
  return 'json';
}

export function registerQueryRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/query-stream', async (request, reply) => {
    const mediaType = negotiateOr406(request, reply, QUERY_STREAM_TYPES);
    if (mediaType === null) return reply;
    const body = await readJsonRequest(ctx, request);
    const sql = requiredString(body, 'sql');
    return runStreamingQuery(ctx, request, reply, {
      sql,
      properties: optionalMap(body, 'properties'),
      sessionVariables: optionalMap(body, 'sessionVariables'),
      mediaType,
      format: formatOf(mediaType, false),
      legacy: false,
    });
  });

  app.post('/query', async (request, reply) => {
    const mediaType = negotiateOr406(request, reply, QUERY_TYPES);
    if (mediaType === null) return reply;
    if (isHttp2(request) && mediaType !== DELIMITED) return reply.code(405).header('content-type', 'text/plain').send('Method Not Allowed');
    const body = await readJsonRequest(ctx, request);
    const sql = optionalString(body, 'ksql');
    if (sql === undefined || sql.trim() === '') {
      throw new SluiceError('SERVER_BAD_REQUEST', 'Invalid request: missing required field "ksql"', { expected: 'a "ksql" string', found: 'nothing', field: 'ksql' });
    }
    return runStreamingQuery(ctx, request, reply, {
      sql,
      properties: optionalMap(body, 'streamsProperties'),
      sessionVariables: optionalMap(body, 'sessionVariables'),
      mediaType: mediaType === DELIMITED ? DELIMITED : mediaType,
      format: formatOf(mediaType, true),
      legacy: true,
    });
  });

  app.post('/close-query', async (request, reply) => {
    if (negotiateOr406(request, reply, [JSON_TYPE, KSQL_V1_JSON]) === null) return reply;
    const body = await readJsonRequest(ctx, request);
    const queryId = requiredString(body, 'queryId');
    if (!(await ctx.registry.close(queryId))) {
      return sendError(reply, new SluiceError('SERVER_QUERY_NOT_FOUND', `No query with id ${queryId}`, { expected: 'the id of a running push query', found: queryId }));
    }
    return reply.code(200).send('');
  });
}

