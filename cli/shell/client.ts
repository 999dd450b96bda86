/**
 * A small client of ksqlDB's REST API (Sluice's or ksqlDB's own server), over HTTP/1.1:
 * `GET /info`, `POST /ksql`, `POST /query-stream` (delimited: a header line, then one JSON array
 * per row), `POST /close-query`, `GET /is_valid_property/{name}`.
 *
 * Network failures become `ServerUnreachableError`, whose message says what to do; answers with
 * an error status become `{ ok: false, error }` with the server's error entity.
 */
import http from 'node:http';
import https from 'node:https';
import type { ErrorBody, Entity } from './render.js';
import { JsonNumber, parseRowJson, type RowValue } from './values.js';

/** The largest non-streaming answer read (a DESCRIBE EXTENDED of everything stays far below). */
export const RESPONSE_BYTES_MAX = 64 * 1024 * 1024;
/** The longest line of a streamed answer (one row). */
export const STREAM_LINE_BYTES_MAX = 16 * 1024 * 1024;
/** How long a connection attempt may take. */
export const CONNECT_TIMEOUT_MS = 10_000;

const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';
const KSQL_JSON = 'application/vnd.ksql.v1+json';

export class ServerUnreachableError extends Error {
  constructor(
    readonly serverUrl: string,
    readonly reason: string,
    readonly refused: boolean,
  ) {
    super(
      refused
        ? `Could not reach the server at ${serverUrl}: ${reason}. Is it running? Start one with 'npm start'.`
        : `Could not reach the server at ${serverUrl}: ${reason}.`,
    );
    this.name = 'ServerUnreachableError';
  }
}

/** The request was abandoned (Ctrl-C). */
export class RequestCancelledError extends Error {
  constructor() {
    super('Request cancelled');
    this.name = 'RequestCancelledError';
  }
}

export interface ServerInfo {
  version: string;
  kafkaClusterId?: string;
  ksqlServiceId?: string;
  serverStatus?: string;
}

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; error: ErrorBody };

export interface QueryHeader {
  queryId: string | null;
  columnNames: string[];
  columnTypes: string[];
}

export interface StreamHandlers {
  /** The header line of a query. */
  onHeader?(header: QueryHeader): void;
  /** One row, parsed (numbers kept as sent), and its raw JSON text. */
  onRow?(row: RowValue[], raw: string): void;
  /** Any other line (PRINT's text lines). */
  onText?(line: string): void;
}

/** How a stream ended: by itself (LIMIT, a pull query's end), by cancel, or with an error entity. */
export type StreamEnd =
  | { kind: 'completed'; status: number }
  | { kind: 'cancelled' }
  | { kind: 'error'; status: number; error: ErrorBody }
  | { kind: 'unreachable'; error: ServerUnreachableError };

export interface QueryStream {
  /** Resolves when the stream ends; never rejects. */
  readonly done: Promise<StreamEnd>;
  /** The query id from the header, once it arrived. */
  readonly queryId: string | null;
  /** Stops the stream: `/close-query` for a query with an id, then drop the connection. */
  cancel(): Promise<void>;
}

export interface RequestBody {
  [key: string]: unknown;
}

function reasonOf(error: NodeJS.ErrnoException): { reason: string; refused: boolean } {
  switch (error.code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused', refused: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: `unknown host (${error.code})`, refused: false };
    case 'ECONNRESET':
      return { reason: 'the connection was reset', refused: false };
    case 'ETIMEDOUT':
    case 'ECONNTIMEDOUT':
      return { reason: 'the connection timed out', refused: false };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: `no route to the host (${error.code})`, refused: false };
    default:
      return { reason: error.message, refused: false };
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && ('error_code' in value || '@type' in value) && 'message' in value;
}

function errorFromText(status: number, text: string): ErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isErrorBody(parsed)) return parsed;
  } catch {
    // not JSON: use the text
  }
  const trimmed = text.trim();
  return { error_code: status * 100, message: trimmed === '' ? `The server answered HTTP ${status}` : trimmed };
}

/** Normalizes `host:port`, `http://host:port/` and the like to an origin URL. */
export function normalizeServerUrl(text: string): string {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Expected an http:// or https:// server address, found ${JSON.stringify(text)}`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export class RestClient {
  readonly serverUrl: string;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly base: URL;

  constructor(serverUrl: string) {
    this.serverUrl = normalizeServerUrl(serverUrl);
    this.base = new URL(this.serverUrl);
    this.transport = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
  }

  private url(path: string): URL {
    return new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
  }

  private unreachable(error: NodeJS.ErrnoException): ServerUnreachableError {
    const { reason, refused } = reasonOf(error);
    return new ServerUnreachableError(this.serverUrl, reason, refused);
  }

  /** One request; resolves with the status and the whole body (at most RESPONSE_BYTES_MAX). */
  private send(method: 'GET' | 'POST', path: string, body: RequestBody | null, accept: string, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(new RequestCancelledError());
        return;
      }
      const payload = body === null ? null : Buffer.from(JSON.stringify(body));
      const request = this.transport.request(this.url(path), {
        method,
        agent: this.agent,
        headers: {
          accept,
          ...(payload === null ? {} : { 'content-type': 'application/json', 'content-length': payload.length }),
        },
      });
      const onAbort = (): void => {
        request.destroy(new RequestCancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const connectTimer = setTimeout(() => request.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
      request.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once('connect', () => clearTimeout(connectTimer));
      });
      const finish = (): void => {
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', onAbort);
      };
      let responded = false;
      let failure: Error | null = null;
      request.on('error', (error: NodeJS.ErrnoException) => {
        finish();
        if (failure !== null || error instanceof RequestCancelledError) reject(failure ?? error);
        else if (responded) reject(new Error(`The server's answer broke off: ${error.message}`));
        else reject(this.unreachable(error));
      });
      request.on('response', (response) => {
        responded = true;
        clearTimeout(connectTimer);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > RESPONSE_BYTES_MAX) {
            failure = new Error(`The server's answer is larger than ${RESPONSE_BYTES_MAX} bytes`);
            request.destroy(failure);
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          finish();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (error) => {
          finish();
          reject(failure ?? error);
        });
      });
      request.end(payload ?? undefined);
    });
  }

  private async json<T>(method: 'GET' | 'POST', path: string, body: RequestBody | null, signal?: AbortSignal): Promise<Answer<T>> {
    const { status, text } = await this.send(method, path, body, `${KSQL_JSON}, application/json`, signal);
    if (status < 200 || status >= 300) return { ok: false, status, error: errorFromText(status, text) };
    try {
      return { ok: true, value: (text.trim() === '' ? null : JSON.parse(text)) as T };
    } catch {
      return { ok: false, status, error: { error_code: 50000, message: `The server answered with malformed JSON: ${text.slice(0, 200)}` } };
    }
  }

  /** `GET /info`. */
  async info(signal?: AbortSignal): Promise<Answer<ServerInfo>> {
    const answer = await this.json<{ KsqlServerInfo?: ServerInfo }>('GET', '/info', null, signal);
    if (!answer.ok) return answer;
    const info = answer.value?.KsqlServerInfo;
    if (info === undefined || typeof info.version !== 'string') {
      return { ok: false, status: 200, error: { error_code: 50000, message: `Not a ksqlDB server: GET /info answered ${JSON.stringify(answer.value).slice(0, 200)}` } };
    }
    return { ok: true, value: info };
  }

  /** `POST /ksql`: the entities, one per statement that has one. */
  async ksql(body: RequestBody, signal?: AbortSignal): Promise<Answer<Entity[]>> {
    const answer = await this.json<unknown>('POST', '/ksql', body, signal);
    if (!answer.ok) return answer;
    if (!Array.isArray(answer.value)) {
      return { ok: false, status: 200, error: { error_code: 50000, message: `Expected a JSON array of entities, found ${JSON.stringify(answer.value).slice(0, 200)}` } };
    }
    return { ok: true, value: answer.value as Entity[] };
  }

  /** `GET /is_valid_property/{name}`: ok unless the server refuses the property. */
  async isValidProperty(name: string, signal?: AbortSignal): Promise<Answer<true>> {
    const answer = await this.json<unknown>('GET', `/is_valid_property/${encodeURIComponent(name)}`, null, signal);
    // A server without the endpoint (404/405) has no opinion.
    if (!answer.ok && (answer.status === 404 || answer.status === 405)) return { ok: true, value: true };
    return answer.ok ? { ok: true, value: true } : answer;
  }

  /** `POST /close-query`. */
  async closeQuery(queryId: string, signal?: AbortSignal): Promise<Answer<true>> {
    const answer = await this.json<unknown>('POST', '/close-query', { queryId }, signal);
    return answer.ok ? { ok: true, value: true } : answer;
  }

  /**
   * `POST /query-stream` in the delimited format: a header line, then one JSON array per row (or
   * PRINT's text lines). Handlers run for each line as it arrives; `done` says how it ended
   * (never rejects).
   */
  stream(body: RequestBody, handlers: StreamHandlers): QueryStream {
    const payload = Buffer.from(JSON.stringify(body));
    // A connection of its own: dropping it ends the query on the server too.
    const request = this.transport.request(this.url('/query-stream'), {
      method: 'POST',
      agent: false,
      headers: { accept: DELIMITED, 'content-type': 'application/json', 'content-length': payload.length },
    });
    let queryId: string | null = null;
    let cancelled = false;
    let settled = false;
    let settle!: (end: StreamEnd) => void;
    const done = new Promise<StreamEnd>((resolve) => {
      settle = resolve;
    });
    const end = (value: StreamEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      settle(value);
    };
    const ended = (status: number): StreamEnd =>
      cancelled ? { kind: 'cancelled' } : { kind: 'completed', status };

    const connectTimer = setTimeout(() => request.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
    request.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    let responded = false;
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (cancelled) end({ kind: 'cancelled' });
      else if (!responded) end({ kind: 'unreachable', error: this.unreachable(error) });
      else end({ kind: 'error', status: 500, error: { error_code: 50000, message: `The stream broke: ${error.message}` } });
    });
    request.on('response', (response) => {
      responded = true;
      clearTimeout(connectTimer);
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= RESPONSE_BYTES_MAX) chunks.push(chunk);
        });
        response.on('end', () => end({ kind: 'error', status, error: errorFromText(status, Buffer.concat(chunks).toString('utf8')) }));
        response.on('close', () => end(cancelled ? { kind: 'cancelled' } : { kind: 'error', status, error: errorFromText(status, Buffer.concat(chunks).toString('utf8')) }));
        return;
      }
      let pending = '';
      let headerSeen = false;
      const onLine = (line: string): void => {
        if (settled || cancelled) return;
        const trimmed = line.trim();
        if (trimmed === '') return;
        let value: RowValue | undefined;
        if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
          try {
            value = parseRowJson(trimmed);
          } catch {
            value = undefined;
          }
        }
        if (Array.isArray(value)) {
          handlers.onRow?.(value, trimmed);
          return;
        }
        if (value !== undefined && value !== null && typeof value === 'object' && !(value instanceof JsonNumber)) {
          const object = JSON.parse(trimmed) as Record<string, unknown>;
          if (!headerSeen && Array.isArray(object['columnNames'])) {
            headerSeen = true;
            queryId = typeof object['queryId'] === 'string' ? object['queryId'] : null;
            handlers.onHeader?.({
              queryId,
              columnNames: (object['columnNames'] as unknown[]).map(String),
              columnTypes: Array.isArray(object['columnTypes']) ? (object['columnTypes'] as unknown[]).map(String) : [],
            });
            return;
          }
          if (isErrorBody(object)) {
            end({ kind: 'error', status, error: object });
            request.destroy();
            return;
          }
        }
        handlers.onText?.(line.replace(/\r$/, ''));
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          onLine(line);
        }
        if (pending.length > STREAM_LINE_BYTES_MAX) {
          end({ kind: 'error', status, error: { error_code: 50000, message: `A line of the server's stream is longer than ${STREAM_LINE_BYTES_MAX} bytes` } });
          request.destroy();
        }
      });
      response.on('end', () => {
        if (pending !== '') onLine(pending);
        pending = '';
        end(ended(status));
      });
      response.on('close', () => end(ended(status)));
    });
    request.end(payload);

    return {
      done,
      get queryId() {
        return queryId;
      },
      cancel: async () => {
        if (cancelled || settled) return;
        cancelled = true;
        if (queryId !== null) {
          const abort = new AbortController();
          const timer = setTimeout(() => abort.abort(), 2000);
          try {
            await this.closeQuery(queryId, abort.signal);
          } catch {
            // the server is gone or slow: dropping the connection below ends the query anyway
          } finally {
            clearTimeout(timer);
          }
        }
        request.destroy();
        end({ kind: 'cancelled' });
      },
    };
  }
}
