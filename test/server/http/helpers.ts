/** Test plumbing: a real server on 127.0.0.1:0, and HTTP/1.1 and HTTP/2 (prior knowledge) clients. */
import http from 'node:http';
import http2 from 'node:http2';
import { startHttpServer, type HttpServer, type HttpServerOptions, type SqlEngine } from '../../../server/http/index.js';
import { FakeEngine } from './fake-engine.js';

export interface TestServer {
  server: HttpServer;
  engine: FakeEngine;
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<HttpServerOptions> & { engine?: SqlEngine } = {}): Promise<TestServer> {
  const engine = (options.engine as FakeEngine | undefined) ?? new FakeEngine();
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, ...options, engine });
  return { server, engine, url: server.url, close: () => server.close() };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body as received, chunk by chunk (HTTP/2: one entry per DATA frame). */
  chunks: string[];
  json(): any;
}

function answer(status: number, headers: Answer['headers'], chunks: string[]): Answer {
  const body = chunks.join('');
  return { status, headers, body, chunks, json: () => JSON.parse(body) };
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | object;
  /** Stop reading (and abort) once this returns true for the chunks so far. */
  until?(chunks: string[]): boolean;
  timeoutMs?: number;
}

function bodyText(body: RequestOptions['body']): string | undefined {
  return body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
}

/** HTTP/1.1 request. */
export function h1(url: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = bodyText(options.body);
    const request = http.request(url + path, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`h1 ${path}: timed out`));
    }, options.timeoutMs ?? 10_000);
    request.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    request.on('response', (response) => {
      const chunks: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        chunks.push(chunk);
        if (options.until?.(chunks)) {
          clearTimeout(timer);
          response.destroy();
          request.destroy();
          resolve(answer(response.statusCode!, response.headers, chunks));
        }
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve(answer(response.statusCode!, response.headers, chunks));
      });
      response.on('error', () => undefined);
    });
    request.end(body);
  });
}

/** An HTTP/2 session with prior knowledge (what ksqldb-client and Cube Store do). */
export class H2Client {
  readonly session: http2.ClientHttp2Session;
  constructor(url: string) {
    this.session = http2.connect(url);
    this.session.on('error', () => undefined);
  }
  request(path: string, options: RequestOptions & { stream?: (req: http2.ClientHttp2Stream) => void } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const body = bodyText(options.body);
      const method = options.method ?? (body === undefined && !options.stream ? 'GET' : 'POST');
      const request = this.session.request({ ':method': method, ':path': path, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers });
      const chunks: string[] = [];
      let status = 0;
      let headers: Answer['headers'] = {};
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(answer(status, headers, chunks));
      };
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        request.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error(`h2 ${path}: timed out with ${JSON.stringify(chunks)}`));
      }, options.timeoutMs ?? 10_000);
      request.setEncoding('utf8');
      request.on('response', (h) => {
        status = Number(h[':status']);
        headers = h as Answer['headers'];
      });
      request.on('data', (chunk: string) => {
        chunks.push(chunk);
        if (options.until?.(chunks)) {
          request.close(http2.constants.NGHTTP2_CANCEL);
          finish();
        }
      });
      request.on('end', finish);
      request.on('close', finish);
      request.on('error', (e) => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          reject(e);
        }
      });
      if (options.stream) options.stream(request);
      else request.end(body);
    });
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.session.close(() => resolve()));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

export const CREATE_S = "CREATE STREAM S (ID STRING KEY, V DOUBLE) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');";
