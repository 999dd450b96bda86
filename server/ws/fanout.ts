/**
 * Shared push queries for `/ws` subscriptions: subscriptions to the same stateless stream query
 * reading from the latest offsets (the same SQL text, properties and variables) share ONE
 * running query. Its rows are read in batches (every row already produced, up to
 * ROWS_PER_FRAME_MAX), serialized once per batch, and the frame (`{"type":"rows",...}`, encoded
 * to bytes once per subscription id) is written to every subscriber's socket. A thousand
 * subscribers then cost the server one query plus a thousand socket writes per batch, where
 * separate queries cost a thousand reads, decodes and serializations of every row.
 *
 * Each subscriber has a bounded queue: while its socket holds more than `highWaterBytes`
 * unsent, the rows meant for it wait in a queue of serialized rows (sent as one frame once the
 * socket drains); a subscriber whose queue exceeds `pendingBytesMax`, or whose socket takes
 * nothing for `slowConsumerTimeoutMs`, is cut off with SERVER_SLOW_CONSUMER. The shared query
 * never waits for a subscriber, so one slow client cannot hold the others back (ksqlDB's
 * scalable push queries drop a subscriber that falls behind, too).
 *
 * Sharing is invisible to a subscriber but for this: a subscriber that joins a running query
 * receives the rows that query outputs from then on (rows appended just before it joined but not
 * yet read are included), and its header's `queryId` names the subscription (`<query id>_<n>`).
 */
import { WebSocket } from 'ws';
import { SluiceError } from '../../common/index.js';
import { compileValueWriter, queryRows, type HttpContext, type PushQueryHandle } from '../http/index.js';
import { BatchReader } from './batches.js';
import type { SocketSender } from './sender.js';

/** How often blocked subscribers' sockets are checked for room. */
const DRAIN_CHECK_MS = 5;

/** One batch of rows of a shared query, serialized once. */
export class RowBatch {
  /** `[v1,v2],[v1,v2]`: the rows of the frame, without brackets. */
  readonly joined: string;
  private readonly frames = new Map<string, Buffer>();

  constructor(readonly texts: readonly string[]) {
    this.joined = texts.join(',');
  }

  /** The frame for subscription id `idText` (a JSON string), built once per id. */
  frameFor(idText: string): Buffer {
    let frame = this.frames.get(idText);
    if (frame === undefined) {
      frame = Buffer.from(rowsFrame(idText, this.joined));
      this.frames.set(idText, frame);
    }
    return frame;
  }
}

export function rowsFrame(idText: string, joinedRows: string): string {
  return `{"type":"rows","id":${idText},"rows":[${joinedRows}]}`;
}

export type SubscriberEnd =
  | { kind: 'limit' }
  | { kind: 'completed' }
  | { kind: 'closed' }
  | { kind: 'failed'; error: unknown }
  /** The socket closed or the client unsubscribed: nothing more is sent. */
  | { kind: 'detached' };

export interface SubscriberOptions {
  highWaterBytes: number;
  pendingBytesMax: number;
  slowConsumerTimeoutMs: number;
}

/** One `/ws` subscription to a shared query. */
export class SharedSubscriber {
  readonly idText: string;
  private remaining: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private blockedSinceMs = 0;
  private lastBuffered = 0;
  private endedWith: SubscriberEnd | null = null;
  private readonly endListeners: Array<(end: SubscriberEnd) => void> = [];
  /** Its number among the subscribers of the query it joins (1, 2, ...). */
  number = 0;
  /** `<query id>_<number>`, once the query runs. */
  queryId = '';
  /** Set once its header is sent: rows are delivered from then on. */
  ready = false;

  constructor(
    readonly id: string,
    readonly sender: SocketSender,
    limit: number | null,
    private readonly options: SubscriberOptions,
  ) {
    this.idText = JSON.stringify(id);
    this.remaining = limit ?? Number.POSITIVE_INFINITY;
  }

  get ended(): boolean {
    return this.endedWith !== null;
  }

  /** True while rows wait for the socket to drain. */
  get blocked(): boolean {
    return this.pending.length > 0;
  }

  /** Resolves with how the subscription ended. */
  whenEnded(): Promise<SubscriberEnd> {
    if (this.endedWith !== null) return Promise.resolve(this.endedWith);
    return new Promise((resolve) => this.endListeners.push(resolve));
  }

  end(end: SubscriberEnd): void {
    if (this.endedWith !== null) return;
    this.endedWith = end;
    this.pending = [];
    this.pendingBytes = 0;
    for (const listener of this.endListeners.splice(0)) listener(end);
  }

  /** Hands the subscriber a batch; false once it needs no more (ended, limit reached). */
  deliver(batch: RowBatch, nowMs: number): boolean {
    if (this.endedWith !== null) return false;
    if (!this.ready) return true;
    const socket = this.sender.socket;
    if (socket.readyState !== WebSocket.OPEN || this.sender.closed.aborted) {
      this.end({ kind: 'detached' });
      return false;
    }
    let full = true;
    let joined = batch.joined;
    if (batch.texts.length > this.remaining) {
      full = false;
      joined = batch.texts.slice(0, this.remaining).join(',');
    }
    const rows = full ? batch.texts.length : this.remaining;
    this.remaining -= rows;
    if (this.pending.length === 0 && socket.bufferedAmount < this.options.highWaterBytes) {
      socket.send(full ? batch.frameFor(this.idText) : Buffer.from(rowsFrame(this.idText, joined)), { binary: false });
    } else {
      if (this.pending.length === 0) {
        this.blockedSinceMs = nowMs;
        this.lastBuffered = socket.bufferedAmount;
      }
      this.pending.push(joined);
      this.pendingBytes += joined.length;
      if (this.pendingBytes > this.options.pendingBytesMax) {
        this.cutOff(
          `the client fell more than ${this.options.pendingBytesMax} bytes of rows behind`,
          `at most ${this.options.pendingBytesMax} bytes of rows waiting`,
        );
        return false;
      }
    }
    if (this.remaining <= 0) {
      if (this.pending.length === 0) this.end({ kind: 'limit' });
      return false;
    }
    return true;
  }

  /** Called while blocked: sends what waits, as one frame, once the socket has room. */
  drain(nowMs: number): void {
    if (this.endedWith !== null || this.pending.length === 0) return;
    const socket = this.sender.socket;
    if (socket.readyState !== WebSocket.OPEN || this.sender.closed.aborted) {
      this.end({ kind: 'detached' });
      return;
    }
    const buffered = socket.bufferedAmount;
    if (buffered < this.options.highWaterBytes) {
      const joined = this.pending.length === 1 ? this.pending[0]! : this.pending.join(',');
      this.pending = [];
      this.pendingBytes = 0;
      socket.send(Buffer.from(rowsFrame(this.idText, joined)), { binary: false });
      if (this.remaining <= 0) this.end({ kind: 'limit' });
      return;
    }
    if (buffered < this.lastBuffered) {
      this.lastBuffered = buffered;
      this.blockedSinceMs = nowMs;
    } else if (nowMs - this.blockedSinceMs >= this.options.slowConsumerTimeoutMs) {
      this.cutOff(`the client took nothing for ${this.options.slowConsumerTimeoutMs} ms while rows were waiting`, `rows read within ${this.options.slowConsumerTimeoutMs} ms`);
    }
  }

  private cutOff(what: string, expected: string): void {
    this.end({
      kind: 'failed',
      error: new SluiceError('SERVER_SLOW_CONSUMER', `Push query ${this.queryId} was cut off: ${what}. Read faster, or add a WHERE clause or LIMIT.`, {
        expected,
        found: 'a slow client',
        queryId: this.queryId,
      }),
    });
  }
}

/** A running push query and the subscribers it feeds. */
export class SharedPushQuery {
  private readonly subscribers = new Set<SharedSubscriber>();
  private handle: PushQueryHandle | null = null;
  private closed = false;
  private subscriberCount = 0;
  private drainTimer: NodeJS.Timeout | null = null;
  /** Resolves once the query runs (rejects when it cannot start). */
  readonly started: Promise<PushQueryHandle>;

  constructor(
    private readonly registry: Map<string, SharedPushQuery>,
    readonly key: string,
    start: () => Promise<PushQueryHandle>,
  ) {
    this.started = start().then(
      (handle) => {
        this.handle = handle;
        if (this.closed || this.subscribers.size === 0) this.close();
        else void this.pump(handle);
        return handle;
      },
      (error: unknown) => {
        this.forget();
        throw error;
      },
    );
    // Callers await `started` themselves.
    this.started.catch(() => undefined);
  }

  /** Adds a subscriber (it gets the batches read once it is `ready`). */
  attach(subscriber: SharedSubscriber): void {
    subscriber.number = ++this.subscriberCount;
    this.subscribers.add(subscriber);
    void subscriber.whenEnded().then(() => this.detach(subscriber));
  }

  private detach(subscriber: SharedSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.close();
  }

  /** Stops the query (its last subscriber left, or it ended). */
  private close(): void {
    this.forget();
    this.closed = true;
    if (this.drainTimer !== null) clearInterval(this.drainTimer);
    this.drainTimer = null;
    void this.handle?.close().catch(() => undefined);
  }

  private forget(): void {
    if (this.registry.get(this.key) === this) this.registry.delete(this.key);
  }

  /** True while new subscribers may join. */
  get joinable(): boolean {
    return !this.closed;
  }

  private endAll(end: SubscriberEnd): void {
    this.forget();
    for (const subscriber of [...this.subscribers]) subscriber.end(end);
    this.close();
  }

  private async pump(handle: PushQueryHandle): Promise<void> {
    const writers = handle.columns.map((c) => compileValueWriter(c.type));
    const rowText = (values: readonly unknown[]): string => {
      let out = '[';
      for (let i = 0; i < writers.length; i++) out += (i > 0 ? ',' : '') + writers[i]!(values[i]);
      return out + ']';
    };
    const reader = new BatchReader(queryRows(handle)[Symbol.asyncIterator](), ROWS_PER_BATCH_MAX);
    const never = new AbortController().signal;
    try {
      while (!this.closed) {
        const batch = await reader.next(never);
        if (this.closed) break;
        const texts: string[] = [];
        for (const row of batch.items) if (!row.tombstone) texts.push(rowText(row.values));
        if (texts.length > 0) {
          const rows = new RowBatch(texts);
          const nowMs = Date.now();
          for (const subscriber of this.subscribers) subscriber.deliver(rows, nowMs);
          this.watchBlocked();
        }
        if (batch.done) {
          this.endAll({ kind: this.closed ? 'closed' : 'completed' });
          return;
        }
      }
    } catch (error) {
      this.endAll({ kind: 'failed', error });
    }
  }

  /** Keeps checking blocked subscribers until none is. */
  private watchBlocked(): void {
    if (this.drainTimer !== null) return;
    let any = false;
    for (const subscriber of this.subscribers) if (subscriber.blocked) any = true;
    if (!any) return;
    this.drainTimer = setInterval(() => {
      const nowMs = Date.now();
      let blocked = false;
      for (const subscriber of this.subscribers) {
        subscriber.drain(nowMs);
        if (subscriber.blocked) blocked = true;
      }
      if (!blocked && this.drainTimer !== null) {
        clearInterval(this.drainTimer);
        this.drainTimer = null;
      }
    }, DRAIN_CHECK_MS);
  }
}

/** Most rows read into one batch (one frame per subscriber). */
export const ROWS_PER_BATCH_MAX = 500;

const sharedQueries = new WeakMap<HttpContext, Map<string, SharedPushQuery>>();

/** The running shared query for `key`, or a new one started with `start`. */
export function sharedQuery(ctx: HttpContext, key: string, start: () => Promise<PushQueryHandle>): SharedPushQuery {
  let registry = sharedQueries.get(ctx);
  if (registry === undefined) {
    registry = new Map();
    sharedQueries.set(ctx, registry);
  }
  const existing = registry.get(key);
  if (existing !== undefined && existing.joinable) return existing;
  const query = new SharedPushQuery(registry, key, start);
  registry.set(key, query);
  return query;
}

/** Number of shared queries running for `ctx` (tests). */
export function sharedQueryCount(ctx: HttpContext): number {
  return sharedQueries.get(ctx)?.size ?? 0;
}
