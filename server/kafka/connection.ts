/**
 * One client connection: splits the byte stream into size-prefixed frames (bounded by
 * `kafkaFrameBytesMax`), queues them (clients pipeline requests), and handles them strictly one at
 * a time, so responses leave in request order, as Kafka guarantees.
 *
 * Bad input costs only this connection: a frame whose declared size is out of bounds, or a
 * request that does not decode, closes it with a log line. An unknown API key or version gets
 * UNSUPPORTED_VERSION (for ApiVersions a v0 body listing what is served, as Kafka answers).
 */
import type { Socket } from 'node:net';
import { isSluiceError } from '../../common/index.js';
import { apiNameByKey, ErrorCode } from './protocol/constants.js';
import { requestHeader, type RequestHeader } from './protocol/messages.js';
import * as m from './protocol/messages.js';
import { Reader, Writer, type Type } from './protocol/schema.js';
import { apis, apiVersionsBody, type BrokerContext } from './handlers.js';
import { messageOf } from './errors.js';

/** Smallest request: api_key + api_version + correlation_id + client_id length. */
const REQUEST_HEADER_BYTES_MIN = 10;
/** Frames read ahead of the one being handled before the socket is paused. */
const QUEUED_FRAMES_MAX = 64;

export interface ConnectionStats {
  requests: Map<string, number>;
}

export class Connection {
  readonly id: number;
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly queue: Buffer[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly controller = new AbortController();
  readonly remoteAddress: string;

  constructor(
    id: number,
    private readonly socket: Socket,
    private readonly broker: BrokerContext,
    private readonly stats: ConnectionStats,
    private readonly onClose: (connection: Connection) => void,
  ) {
    this.id = id;
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.broker.logger.debug({ connection: this.id, err: error.message }, 'kafka connection: socket error');
    });
    socket.on('close', () => this.markClosed());
  }

  /** Closes the connection (in-flight long polls end at once). */
  close(reason?: string): void {
    if (reason) this.broker.logger.warn({ connection: this.id, client: this.remoteAddress, reason }, 'kafka connection: closing');
    this.socket.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.abort();
    this.chunks = [];
    this.queue.length = 0;
    this.onClose(this);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    for (;;) {
      if (this.bufferedBytes < 4) break;
      const size = this.peekInt32();
      if (size < REQUEST_HEADER_BYTES_MIN || size > this.broker.limits.kafkaFrameBytesMax) {
        this.close(
          `frame size: expected ${REQUEST_HEADER_BYTES_MIN}..${this.broker.limits.kafkaFrameBytesMax} bytes, found ${size}`,
        );
        return;
      }
      if (this.bufferedBytes < 4 + size) break;
      this.take(4);
      this.queue.push(this.take(size));
    }
    if (this.queue.length >= QUEUED_FRAMES_MAX) this.socket.pause();
    if (!this.running && this.queue.length > 0) {
      const running = this.run();
      this.running = running;
      void running.finally(() => {
        if (this.running === running) this.running = null;
      });
    }
  }

  /** Resolves once the request being handled (if any) has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  /** Removes `bytes` from the front of the buffered chunks (no copy when one chunk holds them). */
  private take(bytes: number): Buffer {
    this.bufferedBytes -= bytes;
    const first = this.chunks[0]!;
    if (first.length >= bytes) {
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      return first.subarray(0, bytes);
    }
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length, bytes - filled);
      chunk.copy(out, filled, 0, n);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    return out;
  }

  private async run(): Promise<void> {
    try {
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        if (this.queue.length < QUEUED_FRAMES_MAX / 2 && this.socket.isPaused()) this.socket.resume();
        await this.handleFrame(frame);
      }
    } catch (error) {
      this.broker.logger.error({ connection: this.id, err: messageOf(error) }, 'kafka connection: unexpected failure');
      this.close();
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    const reader = new Reader(frame);
    let header: RequestHeader;
    try {
      header = requestHeader.read(reader);
    } catch (error) {
      this.close(`request header: ${messageOf(error)}`);
      return;
    }
    const name = apiNameByKey.get(header.apiKey);
    this.stats.requests.set(name ?? 'unknown', (this.stats.requests.get(name ?? 'unknown') ?? 0) + 1);
    const handler = name && apis[name];
    if (!name || !handler || header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      await this.unsupported(header, name);
      return;
    }
    let request: unknown;
    try {
      request = handler.request(header.apiVersion).read(reader);
    } catch (error) {
      this.close(`${name} v${header.apiVersion} request: ${messageOf(error)}`);
      return;
    }
    let response: unknown;
    try {
      response = await handler.handle(this.broker, request, {
        apiVersion: header.apiVersion,
        clientId: header.clientId ?? '',
        clientHost: this.remoteAddress,
        signal: this.controller.signal,
      });
    } catch (error) {
      const fields = { connection: this.id, api: name, version: header.apiVersion, err: messageOf(error) };
      if (isSluiceError(error) && error.actor !== 'internal') this.broker.logger.warn(fields, 'kafka request failed');
      else this.broker.logger.error({ ...fields, stack: error instanceof Error ? error.stack : undefined }, 'kafka request failed');
      this.close(`${name} failed: ${messageOf(error)}`);
      return;
    }
    if (response === null) return;
    await this.send(header.correlationId, handler.response(header.apiVersion), response);
  }

  private async unsupported(header: RequestHeader, name: string | undefined): Promise<void> {
    const what = name ? `${name} v${header.apiVersion}` : `API key ${header.apiKey} v${header.apiVersion}`;
    this.broker.logger.warn({ connection: this.id, client: this.remoteAddress, apiKey: header.apiKey, apiVersion: header.apiVersion }, `kafka: unsupported request ${what}`);
    if (name === 'ApiVersions') {
      // Kafka answers an ApiVersions version it does not know with a v0 body and error 35, so the
      // client can retry with a version from the list.
      await this.send(header.correlationId, m.apiVersionsResponseV0 as unknown as Type<m.ApiVersionsResponse>, apiVersionsBody(ErrorCode.UNSUPPORTED_VERSION));
      return;
    }
    // No schema exists for a version we do not serve: the body is just the error code.
    const writer = new Writer().int16(ErrorCode.UNSUPPORTED_VERSION);
    await this.sendRaw(header.correlationId, writer);
  }

  private async send<T>(correlationId: number, type: Type<T>, body: T): Promise<void> {
    const writer = new Writer();
    type.write(writer, body);
    await this.sendRaw(correlationId, writer);
  }

  private async sendRaw(correlationId: number, body: Writer): Promise<void> {
    if (this.closed) return;
    const parts = body.toBuffers();
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(4 + body.length, 0);
    head.writeInt32BE(correlationId, 4);
    this.socket.cork();
    let flushed = this.socket.write(head);
    for (const part of parts) flushed = this.socket.write(part);
    this.socket.uncork();
    if (!flushed && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.socket.off('drain', done);
          this.socket.off('close', done);
          resolve();
        };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
  }
}
