/**
 * Push queries served by this server (HTTP responses and WebSocket subscriptions alike).
 *
 * - `PushQueryRegistry` counts them against `pushQueriesMax` (40003 beyond it), finds them by id
 *   for `/close-query`, and closes them all when the server stops.
 * - `awaitFlush` bounds how long a writer waits for a subscriber to take a chunk. The engine's
 *   push queue is the bounded queue per subscriber: while a chunk waits to be flushed the writer
 *   takes nothing more, the queue fills and the query's source pauses. A subscriber that has not
 *   taken a chunk for `slowConsumerTimeoutMs` is cut off with SERVER_SLOW_CONSUMER, so the
 *   server's memory stays bounded whatever the client does.
 */
import { SluiceError } from '../../common/index.js';

export interface RegisteredQuery {
  readonly queryId: string;
  /** Stops the query and ends its response / subscription. Idempotent. */
  close(): Promise<void>;
}

export class PushQueryRegistry {
  private readonly queries = new Map<string, RegisteredQuery>();
  private reserved = 0;

  constructor(private readonly limit: () => number) {}

  /** Number of push queries running or about to start. */
  get size(): number {
    return this.queries.size + this.reserved;
  }

  /**
   * Claims a slot before the query starts (so that concurrent starts cannot overshoot the limit).
   * Call `release` if the start fails, or `register` once it has an id.
   */
  reserve(): { register(query: RegisteredQuery): () => void; release(): void } {
    const limit = this.limit();
    if (this.size >= limit) {
      throw new SluiceError(
        'SQL_TOO_MANY_PUSH_QUERIES',
        `Not executing query as the server already runs the maximum number of push queries (${limit}): ksql.max.push.queries. ` +
          'Terminate a push query, or raise the limit.',
        { expected: `at most ${limit} concurrent push queries`, found: String(this.size + 1) },
      );
    }
    this.reserved++;
    let settled = false;
    const settle = (): void => {
      if (!settled) {
        settled = true;
        this.reserved--;
      }
    };
    return {
      register: (query) => {
        settle();
        this.queries.set(query.queryId, query);
        return () => {
          if (this.queries.get(query.queryId) === query) this.queries.delete(query.queryId);
        };
      },
      release: settle,
    };
  }

  get(queryId: string): RegisteredQuery | undefined {
    return this.queries.get(queryId);
  }

  ids(): string[] {
    return [...this.queries.keys()];
  }

  /** Closes the query with that id; false when no such query runs here. */
  async close(queryId: string): Promise<boolean> {
    const query = this.queries.get(queryId);
    if (!query) return false;
    this.queries.delete(queryId);
    await query.close();
    return true;
  }

  async closeAll(): Promise<void> {
    const all = [...this.queries.values()];
    this.queries.clear();
    await Promise.allSettled(all.map((q) => q.close()));
  }
}

export function slowConsumerError(queryId: string, waitedMs: number): SluiceError {
  return new SluiceError(
    'SERVER_SLOW_CONSUMER',
    `Push query ${queryId} was cut off: the client took nothing for ${waitedMs} ms while rows were waiting. ` +
      'Read the response faster, or add a WHERE clause or LIMIT.',
    { expected: `rows read within ${waitedMs} ms`, found: 'a stalled client', queryId },
  );
}

/**
 * Waits for `flushed` (a write's completion) but no longer than `timeoutMs`; then throws the
 * slow-consumer error. `signal` ends the wait early (the subscriber went away).
 */
export async function awaitFlush(flushed: Promise<void>, timeoutMs: number, queryId: string, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      flushed,
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(slowConsumerError(queryId, timeoutMs)), timeoutMs);
      }),
      new Promise<void>((resolve) => {
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** Next item of an async iterator, or `{done: true}` as soon as `signal` aborts. */
export function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  if (signal.aborted) return Promise.resolve({ done: true, value: undefined });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<IteratorResult<T>>((resolve) => {
    onAbort = () => resolve({ done: true, value: undefined });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([iterator.next(), aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}
