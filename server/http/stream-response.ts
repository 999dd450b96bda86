/**
 * A streamed HTTP response (HTTP/1.1 chunked or HTTP/2 DATA frames) written one chunk at a time.
 *
 * With `framePerChunk` (HTTP/2, delimited format) every chunk waits for the previous one to be
 * sent, so each chunk is its own DATA frame: ksqldb-client's `streamQuery` `JSON.parse`s every
 * frame alone, and Node coalesces writes queued together. Otherwise a chunk waits only when the
 * stream's buffer is full ('drain').
 * Either wait is bounded by `slowConsumerTimeoutMs` (then SERVER_SLOW_CONSUMER). `aborted` fires
 * when the client goes away first (connection closed, HTTP/2 stream reset): detected with the
 * response's 'close', not the request's (which fires once the body has been read).
 */
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { awaitFlush } from './push.js';

export type RawResponse = ServerResponse | Http2ServerResponse;

export class StreamResponse {
  private readonly controller = new AbortController();
  private ended = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly raw: RawResponse,
    readonly isHttp2: boolean,
    private readonly slowConsumerTimeoutMs: number,
    /** Names the query in slow-consumer errors. */
    public queryId = 'unknown',
    /** Wait for each chunk to be sent before the next (one HTTP/2 DATA frame per chunk). */
    public framePerChunk = isHttp2,
  ) {
    // (HTTP/2 responses report writableFinished once their stream is gone, ended or not.)
    raw.once('close', () => {
      if (!this.ended) this.controller.abort();
    });
  }

  /** Aborts when the client goes away before the response ended. */
  get aborted(): AbortSignal {
    return this.controller.signal;
  }

  get isOpen(): boolean {
    return !this.ended && !this.controller.signal.aborted && !this.raw.destroyed;
  }

  /** Status line and headers, sent at once. */
  start(statusCode: number, contentType: string): void {
    if (this.isHttp2) {
      // The HTTP/2 compatibility response sends HEADERS as soon as writeHead runs.
      (this.raw as Http2ServerResponse).writeHead(statusCode, { 'content-type': contentType });
    } else {
      const raw = this.raw as ServerResponse;
      raw.writeHead(statusCode, { 'content-type': contentType });
      raw.flushHeaders();
    }
  }

  /** Writes one chunk; resolves when the next may be written (throws SERVER_SLOW_CONSUMER). */
  async write(chunk: string | Buffer): Promise<void> {
    if (!this.isOpen) return;
    let flushed: Promise<void>;
    if (this.framePerChunk) {
      flushed = new Promise<void>((resolve) => {
        (this.raw as Http2ServerResponse).write(chunk, () => resolve());
      });
    } else {
      const raw = this.raw as ServerResponse;
      if (raw.write(chunk)) return;
      flushed = new Promise<void>((resolve) => {
        const done = (): void => {
          raw.removeListener('drain', done);
          raw.removeListener('close', done);
          resolve();
        };
        raw.on('drain', done);
        raw.on('close', done);
      });
    }
    this.pending = flushed;
    await awaitFlush(flushed, this.slowConsumerTimeoutMs, this.queryId, this.aborted);
  }

  /** Ends the response (with a last chunk). */
  end(chunk?: string): void {
    if (this.ended || this.raw.destroyed) return;
    this.ended = true;
    if (chunk === undefined) this.raw.end();
    else (this.raw as ServerResponse).end(chunk);
  }

  /**
   * Ends the response even if the client reads nothing: writes `lastChunk`, then destroys the
   * stream if it has not finished within `graceMs`.
   */
  cutOff(lastChunk: string | undefined, graceMs = 1000): void {
    this.end(lastChunk);
    const timer = setTimeout(() => {
      if (!this.raw.writableFinished) this.destroy();
    }, graceMs);
    timer.unref();
    void this.pending;
  }

  destroy(): void {
    this.ended = true;
    if (this.isHttp2) {
      const stream = (this.raw as Http2ServerResponse).stream;
      if (!stream.destroyed) stream.close(0x8 /* NGHTTP2_CANCEL */);
    } else {
      this.raw.destroy();
    }
  }
}
