/**
 * Push sink: a push query's rows go to a bounded in-memory queue that the server drains
 * (`/query-stream`, WebSocket). Backpressure: when the queue holds `capacityRows` rows the sink
 * reports itself blocked and the query's tasks stop reading the log until the consumer takes rows
 * (a batch already read is still delivered, so the queue may exceed the capacity by one read).
 * A LIMIT completes the queue after that many rows; the runtime then stops the query. A consumer
 * that cannot keep up is the server's call: it may `fail` the queue with a coded error.
 */
import { SluiceError } from '../../common/index.js';
import type { EngineRecord, WindowBounds } from './record.js';
import type { Terminal } from './types.js';

export interface PushRow {
  key: unknown[];
  /** null for a table's tombstone. */
  value: unknown[] | null;
  timestampMs: number;
  partition: number;
  offset: number;
  window: WindowBounds | null;
}

export type PushQueueState = 'open' | 'completed' | 'failed' | 'closed';

export class PushQueue implements AsyncIterable<PushRow> {
  private rows: PushRow[] = [];
  private head = 0;
  private delivered = 0;
  private stateValue: PushQueueState = 'open';
  private errorValue: SluiceError | null = null;
  private readers: Array<() => void> = [];
  private writers: Array<() => void> = [];
  private doneListeners: Array<() => void> = [];

  constructor(
    readonly capacityRows: number,
    readonly limit: number | null = null,
  ) {
    if (!Number.isInteger(capacityRows) || capacityRows < 1) {
      throw new SluiceError('INTERNAL_ASSERTION', `push queue capacity must be a positive integer, found ${capacityRows}`);
    }
  }

  get state(): PushQueueState {
    return this.stateValue;
  }
  get error(): SluiceError | null {
    return this.errorValue;
  }
  /** Rows waiting to be taken. */
  get size(): number {
    return this.rows.length - this.head;
  }
  /** Rows offered so far (what LIMIT counts). */
  get offered(): number {
    return this.delivered;
  }

  isFull(): boolean {
    return this.size >= this.capacityRows;
  }

  /** Adds rows (beyond LIMIT they are dropped and the queue completes). Returns the rows taken. */
  offer(rows: readonly PushRow[]): number {
    if (this.stateValue !== 'open') return 0;
    let taken = rows.length;
    if (this.limit !== null) taken = Math.min(taken, this.limit - this.delivered);
    for (let i = 0; i < taken; i++) this.rows.push(rows[i]!);
    this.delivered += taken;
    if (taken > 0) this.wake(this.readers);
    if (this.limit !== null && this.delivered >= this.limit) this.finish('completed', null);
    return taken;
  }

  /** Takes up to `maxRows` rows now (none if empty). */
  poll(maxRows = Number.MAX_SAFE_INTEGER): PushRow[] {
    const n = Math.min(maxRows, this.size);
    const out = this.rows.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
    if (n > 0 && !this.isFull()) this.wake(this.writers);
    return out;
  }

  /** The next row; null once the queue is completed or closed and empty. Throws if it failed. */
  async next(): Promise<PushRow | null> {
    for (;;) {
      if (this.size > 0) return this.poll(1)[0]!;
      if (this.stateValue === 'failed') throw this.errorValue!;
      if (this.stateValue !== 'open') return null;
      await new Promise<void>((resolve) => this.readers.push(resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PushRow> {
    for (;;) {
      const row = await this.next();
      if (row === null) return;
      yield row;
    }
  }

  /** Resolves when the queue has room (or is no longer open). */
  whenNotFull(): Promise<void> {
    if (!this.isFull() || this.stateValue !== 'open') return Promise.resolve();
    return new Promise<void>((resolve) => this.writers.push(resolve));
  }

  /** No more rows will come (the query ended normally). */
  complete(): void {
    this.finish('completed', null);
  }
  /** The query failed, or the server cut a slow consumer off. */
  fail(error: SluiceError): void {
    this.finish('failed', error);
  }
  /** The consumer went away: drop what is queued. */
  close(): void {
    this.rows = [];
    this.head = 0;
    this.finish('closed', null);
  }

  /** Called once when the queue stops being open. */
  onDone(listener: () => void): void {
    if (this.stateValue !== 'open') listener();
    else this.doneListeners.push(listener);
  }

  private finish(state: PushQueueState, error: SluiceError | null): void {
    if (this.stateValue !== 'open') return;
    this.stateValue = state;
    this.errorValue = error;
    this.wake(this.readers);
    this.wake(this.writers);
    const listeners = this.doneListeners;
    this.doneListeners = [];
    for (const l of listeners) l();
  }

  private wake(waiters: Array<() => void>): void {
    const list = waiters.splice(0, waiters.length);
    for (const w of list) w();
  }
}

/** The terminal that feeds a PushQueue. */
export class PushSinkOperator implements Terminal {
  constructor(readonly queue: PushQueue) {}

  async write(records: EngineRecord[]): Promise<void> {
    if (records.length === 0 || this.queue.state !== 'open') return;
    const rows = new Array<PushRow>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      rows[i] = { key: r.key, value: r.value, timestampMs: r.timestampMs, partition: r.partition, offset: r.offset, window: r.window };
    }
    this.queue.offer(rows);
  }

  isBlocked(): boolean {
    return this.queue.isFull() && this.queue.state === 'open';
  }

  whenUnblocked(): Promise<void> {
    return this.queue.whenNotFull();
  }

  isDone(): boolean {
    return this.queue.state !== 'open';
  }
}
