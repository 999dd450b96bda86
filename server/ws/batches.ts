/**
 * Reading a query's rows in batches: the first row waits; then every row already produced joins
 * the batch until the event loop turns (setImmediate) or the batch is full. An idle query sends
 * each row at once; a busy one sends many rows per WebSocket frame, which is what keeps a
 * thousand subscribers fed (one frame per row costs ~10x more than one frame per 50 rows).
 */
import { nextOrAbort } from '../http/index.js';

const TURN = Symbol('turn');

export interface Batch<T> {
  items: T[];
  done: boolean;
}

export class BatchReader<T> {
  private pending: Promise<IteratorResult<T>> | null = null;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly maxItems: number,
  ) {}

  private take(): Promise<IteratorResult<T>> {
    const p = this.pending ?? this.iterator.next();
    this.pending = null;
    return p;
  }

  async next(signal: AbortSignal): Promise<Batch<T>> {
    const first = await nextOrAbort({ next: () => this.take() }, signal);
    if (first.done) return { items: [], done: true };
    const items = [first.value];
    const turn = new Promise<typeof TURN>((resolve) => setImmediate(() => resolve(TURN)));
    while (items.length < this.maxItems && !signal.aborted) {
      const pending = this.iterator.next();
      const result = await Promise.race([pending, turn]);
      if (result === TURN) {
        this.pending = pending;
        break;
      }
      if (result.done) return { items, done: true };
      items.push(result.value);
    }
    return { items, done: false };
  }
}
