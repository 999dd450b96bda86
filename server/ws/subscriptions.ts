/**
 * Sluice's own WebSocket protocol for browsers (`GET /ws`; docs/websocket.md). JSON text frames.
 *
 * client → server
 *   {"type":"subscribe","id":"q1","sql":"SELECT … EMIT CHANGES;","properties":{…},"sessionVariables":{…}}
 *   {"type":"unsubscribe","id":"q1"}
 *   {"type":"ping"}
 * server → client
 *   {"type":"header","id":"q1","queryId":"transient_…","kind":"STREAM"|"TABLE",
 *    "columns":[{"name":"ID","type":"STRING","key":true},…],"key":["ID"]}
 *   {"type":"rows","id":"q1","rows":[[…],[…]]}                                   (streams)
 *   {"type":"changes","id":"q1","changes":[{"key":[…],"row":[…]},{"key":[…],"deleted":true}]}  (tables)
 *   {"type":"done","id":"q1","reason":"limit"|"completed"|"unsubscribed"}
 *   {"type":"error","id":"q1"|null,"code":"SQL_SYNTAX","errorCode":40001,"message":"…","retryable":false}
 *   {"type":"pong"}
 *
 * Many subscriptions per socket (each a push query counted against pushQueriesMax); an error
 * naming an id ends that subscription only. Rows produced together are sent in one frame.
 * Subscriptions to the same stateless stream query reading from the latest offsets share one
 * running query (fanout.ts; docs/websocket.md "Shared queries").
 * Closing the socket ends all of its subscriptions.
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { SluiceError, isSluiceError } from '../../common/index.js';
import {
  classifyQuery,
  columnTypeText,
  compileValueWriter,
  ksqlErrorCodeOf,
  queryRows,
  variablesOf,
  type HttpContext,
  type PushQueryHandle,
  type QueryRow,
} from '../http/index.js';
import { BatchReader } from './batches.js';
import { SocketSender } from './sender.js';
import { SharedSubscriber, sharedQuery } from './fanout.js';

/** Most rows (or changes) in one frame. */
export const ROWS_PER_FRAME_MAX = 500;
/** The socket buffer above which a subscription waits for the client to read. */
export const SOCKET_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Shared queries: the socket buffer above which a subscriber's rows queue up (fanout.ts). */
export const SHARED_HIGH_WATER_BYTES = 1024 * 1024;
/** Shared queries: the most bytes of rows queued for one subscriber before it is cut off. */
export const SHARED_PENDING_BYTES_MAX = 4 * 1024 * 1024;
const ID_CHARS_MAX = 256;

interface Subscription {
  readonly id: string;
  readonly closer: AbortController;
  handle: PushQueryHandle | null;
  /** Ended by the client's unsubscribe (which answers `done` itself). */
  unsubscribed: boolean;
}

function protocolError(message: string, found?: string): SluiceError {
  return new SluiceError('SERVER_WS_PROTOCOL', message, found === undefined ? {} : { found });
}

export function errorMessage(id: string | null, error: unknown): string {
  if (isSluiceError(error)) {
    return JSON.stringify({ type: 'error', id, code: error.code, errorCode: ksqlErrorCodeOf(error), message: error.message, retryable: error.retryable });
  }
  return JSON.stringify({ type: 'error', id, code: 'INTERNAL_ASSERTION', errorCode: 50000, message: error instanceof Error ? error.message : String(error), retryable: false });
}

/** Which rows of a result are keyed updates: GROUP BY results and queries over a table. */
function resultKind(ctx: HttpContext, c: ReturnType<typeof classifyQuery>): 'STREAM' | 'TABLE' {
  if (c.kind !== 'push' && c.kind !== 'pull') return 'STREAM';
  if (c.kind === 'push' && c.grouped) return 'TABLE';
  const catalog = ctx.engine.catalog();
  return c.sources.length > 0 && c.sources.every((name) => catalog.source(name)?.kind === 'TABLE') ? 'TABLE' : 'STREAM';
}

export class SubscriptionSocket {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly closed = new AbortController();
  private readonly sender: SocketSender;

  constructor(
    private readonly ctx: HttpContext,
    private readonly socket: WebSocket,
  ) {
    this.sender = new SocketSender(socket, SOCKET_HIGH_WATER_BYTES, ctx.settings.slowConsumerTimeoutMs, this.closed.signal);
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.once('close', () => {
      this.closed.abort();
      for (const sub of this.subscriptions.values()) sub.closer.abort();
    });
  }

  private send(text: string, name: string): Promise<void> {
    return this.sender.send(text, name);
  }

  private sendError(id: string | null, error: unknown): void {
    void this.send(errorMessage(id, error), id ?? 'socket').catch(() => undefined);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    let message: Record<string, unknown>;
    try {
      if (isBinary) throw protocolError('Expected a JSON text message, found a binary one');
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw protocolError(`Invalid JSON in message: ${(error as Error).message}`, text.slice(0, 200));
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw protocolError('Expected a JSON object message', text.slice(0, 200));
      message = value as Record<string, unknown>;
    } catch (error) {
      this.sendError(null, error);
      return;
    }
    const type = message['type'];
    const id = typeof message['id'] === 'string' ? message['id'] : null;
    try {
      switch (type) {
        case 'subscribe':
          this.subscribe(id, message);
          return;
        case 'unsubscribe':
          this.unsubscribe(id);
          return;
        case 'ping':
          void this.send('{"type":"pong"}', 'pong').catch(() => undefined);
          return;
        default:
          throw protocolError(`Unknown message type: expected subscribe, unsubscribe or ping, found ${JSON.stringify(type)}`, String(type));
      }
    } catch (error) {
      this.sendError(id, error);
    }
  }

  private subscribe(id: string | null, message: Record<string, unknown>): void {
    if (id === null || id === '' || id.length > ID_CHARS_MAX) throw protocolError(`subscribe: expected an "id" string of 1 to ${ID_CHARS_MAX} characters`);
    if (this.subscriptions.has(id)) throw protocolError(`subscribe: a subscription with id ${JSON.stringify(id)} is already open`, id);
    const max = this.ctx.settings.wsSubscriptionsPerSocketMax;
    if (this.subscriptions.size >= max) {
      throw new SluiceError('LIMIT_EXCEEDED', `subscribe: expected at most ${max} subscriptions per socket, found ${max + 1}`, { expected: `<= ${max}`, found: String(max + 1) });
    }
    const sql = message['sql'];
    if (typeof sql !== 'string' || sql.trim() === '') throw protocolError('subscribe: expected a "sql" string');
    if (sql.length > this.ctx.limits.statementCharsMax) {
      throw new SluiceError('LIMIT_EXCEEDED', `Statement text too long: expected at most ${this.ctx.limits.statementCharsMax} characters, found ${sql.length}`);
    }
    const properties = objectField(message, 'properties');
    const sessionVariables = objectField(message, 'sessionVariables');
    const sub: Subscription = { id, closer: new AbortController(), handle: null, unsubscribed: false };
    this.subscriptions.set(id, sub);
    void this.run(sub, sql, properties, sessionVariables).finally(() => {
      if (this.subscriptions.get(id) === sub) this.subscriptions.delete(id);
    });
  }

  private unsubscribe(id: string | null): void {
    if (id === null) throw protocolError('unsubscribe: expected an "id" string');
    const sub = this.subscriptions.get(id);
    if (!sub) throw new SluiceError('SERVER_QUERY_NOT_FOUND', `unsubscribe: no subscription with id ${JSON.stringify(id)}`, { found: id });
    this.subscriptions.delete(id);
    sub.unsubscribed = true;
    sub.closer.abort();
    void this.send(JSON.stringify({ type: 'done', id, reason: 'unsubscribed' }), id).catch(() => undefined);
  }

  private async run(sub: Subscription, sql: string, properties: Record<string, unknown>, sessionVariables: Record<string, unknown>): Promise<void> {
    const { ctx } = this;
    const stop = AbortSignal.any([this.closed.signal, sub.closer.signal]);
    let slot: ReturnType<HttpContext['registry']['reserve']> | null = null;
    let handle: PushQueryHandle;
    let kind: 'STREAM' | 'TABLE';
    let isPull: boolean;
    let limit: number | null = null;
    try {
      const classification = classifyQuery(sql, sessionVariables, true);
      if (classification.kind === 'print') throw new SluiceError('SQL_UNSUPPORTED', 'PRINT is served on /query-stream, not on WebSocket subscriptions');
      isPull = classification.kind === 'pull';
      if (classification.kind === 'push') limit = classification.limit;
      kind = resultKind(ctx, classification);
      if (!isPull) slot = ctx.registry.reserve();
      const shareable = classification.kind === 'push' && kind === 'STREAM' && !classification.grouped && classification.sources.length === 1;
      if (shareable && slot !== null && (await readsLatest(ctx, properties))) {
        const key = JSON.stringify([sql.trim(), sortedEntries(properties), sortedEntries(sessionVariables)]);
        const claimed = slot;
        slot = null;
        await this.runShared(sub, claimed, key, sql, properties, sessionVariables, limit, stop);
        return;
      }
      handle = await ctx.engine.startPushQuery(sql, { properties, sessionVariables: variablesOf(sessionVariables) });
      // A pull query reads one source: its kind is the result's.
      if (isPull && handle.pullSource !== undefined) kind = handle.pullSource;
    } catch (error) {
      slot?.release();
      if (!stop.aborted) this.sendError(sub.id, error);
      return;
    }
    sub.handle = handle;
    const unregister = slot?.register({
      queryId: handle.queryId,
      close: async () => {
        sub.closer.abort();
        await handle.close();
      },
    });
    try {
      if (stop.aborted) return;
      const keyNames = handle.columns.filter((c) => c.isKey).map((c) => c.name);
      await this.send(
        JSON.stringify({
          type: 'header',
          id: sub.id,
          queryId: handle.queryId,
          kind,
          columns: handle.columns.map((c) => ({ name: c.name, type: columnTypeText(c.type), key: c.isKey === true })),
          key: keyNames,
        }),
        handle.queryId,
      );
      const writers = handle.columns.map((c) => compileValueWriter(c.type));
      const keyWriters = handle.columns.filter((c) => c.isKey).map((c) => compileValueWriter(c.type));
      const rowText = (values: readonly unknown[]): string => {
        let out = '[';
        for (let i = 0; i < writers.length; i++) out += (i > 0 ? ',' : '') + writers[i]!(values[i]);
        return out + ']';
      };
      const keyText = (row: QueryRow): string => {
        if (row.key !== null && row.key.length === keyWriters.length) {
          let out = '[';
          for (let i = 0; i < keyWriters.length; i++) out += (i > 0 ? ',' : '') + keyWriters[i]!(row.key[i]);
          return out + ']';
        }
        const keys: string[] = [];
        handle.columns.forEach((c, i) => {
          if (c.isKey) keys.push(writers[i]!(row.values[i]));
        });
        return '[' + keys.join(',') + ']';
      };
      const idText = JSON.stringify(sub.id);
      const reader = new BatchReader(queryRows(handle)[Symbol.asyncIterator](), ROWS_PER_FRAME_MAX);
      for (;;) {
        const batch = await reader.next(stop);
        if (batch.items.length > 0) {
          let frame: string;
          if (kind === 'TABLE') {
            frame = `{"type":"changes","id":${idText},"changes":[` +
              batch.items.map((r) => (r.tombstone ? `{"key":${keyText(r)},"deleted":true}` : `{"key":${keyText(r)},"row":${rowText(r.values)}}`)).join(',') + ']}';
          } else {
            const rows = batch.items.filter((r) => !r.tombstone);
            frame = `{"type":"rows","id":${idText},"rows":[` + rows.map((r) => rowText(r.values)).join(',') + ']}';
          }
          await this.send(frame, handle.queryId);
        }
        if (batch.done || stop.aborted) break;
      }
      if (!this.closed.signal.aborted && !sub.unsubscribed) {
        // Ended by itself (LIMIT, a pull query's end), or closed by the server (/close-query, shutdown).
        const reason = sub.closer.signal.aborted ? 'closed' : limit !== null && !isPull ? 'limit' : 'completed';
        await this.send(JSON.stringify({ type: 'done', id: sub.id, reason }), handle.queryId);
      }
    } catch (error) {
      if (!this.closed.signal.aborted) this.sendError(sub.id, error);
    } finally {
      unregister?.();
      await handle.close().catch(() => undefined);
    }
  }

  /** A subscription to a shared query (fanout.ts): joins or starts it, then waits for its end. */
  private async runShared(
    sub: Subscription,
    slot: ReturnType<HttpContext['registry']['reserve']>,
    key: string,
    sql: string,
    properties: Record<string, unknown>,
    sessionVariables: Record<string, unknown>,
    limit: number | null,
    stop: AbortSignal,
  ): Promise<void> {
    const { ctx } = this;
    const subscriber = new SharedSubscriber(sub.id, this.sender, limit, {
      highWaterBytes: SHARED_HIGH_WATER_BYTES,
      pendingBytesMax: SHARED_PENDING_BYTES_MAX,
      slowConsumerTimeoutMs: ctx.settings.slowConsumerTimeoutMs,
    });
    const query = sharedQuery(ctx, key, () => ctx.engine.startPushQuery(sql, { properties, sessionVariables: variablesOf(sessionVariables) }));
    query.attach(subscriber);
    const detach = (): void => subscriber.end({ kind: 'detached' });
    if (stop.aborted) detach();
    else stop.addEventListener('abort', detach, { once: true });
    let handle: PushQueryHandle;
    try {
      handle = await query.started;
    } catch (error) {
      slot.release();
      detach();
      stop.removeEventListener('abort', detach);
      if (!stop.aborted) this.sendError(sub.id, error);
      return;
    }
    subscriber.queryId = `${handle.queryId}_${subscriber.number}`;
    const unregister = slot.register({ queryId: subscriber.queryId, close: async () => subscriber.end({ kind: 'closed' }) });
    try {
      if (!subscriber.ended) {
        const keyNames = handle.columns.filter((c) => c.isKey).map((c) => c.name);
        await this.send(
          JSON.stringify({
            type: 'header',
            id: sub.id,
            queryId: subscriber.queryId,
            kind: 'STREAM',
            columns: handle.columns.map((c) => ({ name: c.name, type: columnTypeText(c.type), key: c.isKey === true })),
            key: keyNames,
          }),
          subscriber.queryId,
        );
        subscriber.ready = true;
      }
      const end = await subscriber.whenEnded();
      if (end.kind === 'failed') {
        if (!this.closed.signal.aborted) this.sendError(sub.id, end.error);
      } else if (end.kind !== 'detached' && !this.closed.signal.aborted && !sub.unsubscribed) {
        await this.send(JSON.stringify({ type: 'done', id: sub.id, reason: end.kind }), subscriber.queryId);
      }
    } catch (error) {
      subscriber.end({ kind: 'detached' });
      if (!this.closed.signal.aborted) this.sendError(sub.id, error);
    } finally {
      stop.removeEventListener('abort', detach);
      unregister();
    }
  }
}

/**
 * True when a push query with these request properties reads from the latest offsets (the
 * request's, else the server's `auto.offset.reset`, as the engine resolves it); only those can
 * share a running query.
 */
async function readsLatest(ctx: HttpContext, properties: Record<string, unknown>): Promise<boolean> {
  try {
    const [result] = await ctx.engine.execute('SHOW PROPERTIES;', { properties });
    if (result === undefined || result.kind !== 'properties') return false;
    const values = new Map(result.properties.map((p) => [p.name, p.value]));
    const reset = values.get('auto.offset.reset') ?? values.get('ksql.streams.auto.offset.reset') ?? 'latest';
    return reset.trim().toLowerCase() === 'latest';
  } catch {
    return false;
  }
}

function sortedEntries(record: Record<string, unknown>): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function objectField(message: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = message[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw protocolError(`subscribe: "${name}" must be a JSON object`);
  return value as Record<string, unknown>;
}

export function handleSubscriptionSocket(ctx: HttpContext, socket: WebSocket, _request: FastifyRequest): void {
  new SubscriptionSocket(ctx, socket);
}
