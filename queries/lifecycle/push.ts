/**
 * A running push query as its consumer sees it: the header (query id, columns, ksqlDB's schema
 * text), the rows (each the projection's values, in order), and `close()` to stop it.
 */
import type { PushQueue, PushRow, QueryRuntime } from '../../engine/runtime/index.js';
import type { SqlType } from '../../engine/types/index.js';

export interface PushColumn {
  readonly name: string;
  readonly type: SqlType;
  /** The column is a key column of the result (`KEY` in the schema text). */
  readonly isKey: boolean;
}

export class PushQueryHandle {
  private closed = false;

  constructor(
    readonly queryId: string,
    readonly columns: readonly PushColumn[],
    /** ksqlDB's header schema text: ``"`ID` STRING KEY, `COUNT` BIGINT"``. */
    readonly schemaText: string,
    readonly queue: PushQueue,
    private readonly runtime: QueryRuntime,
  ) {}

  /** The rows as arrays of column values, in projection order; ends when the query ends. */
  async *rows(): AsyncGenerator<unknown[]> {
    for await (const row of this.queue) yield row.value ?? [];
  }

  /** Raw rows (key, value, timestamp, window...), for callers that need more than the values. */
  records(): AsyncIterable<PushRow> {
    return this.queue;
  }

  get done(): boolean {
    return this.queue.state !== 'open';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    if (this.runtime.get(this.queryId) !== undefined) await this.runtime.stop(this.queryId);
  }
}
