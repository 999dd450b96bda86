/**
 * Stream-table join (Kafka Streams' KStreamKTableJoin, as ksqlDB builds it): INNER or LEFT.
 *
 * - Table side (right): each update is kept in the join's table store (key -> [timestamp, row]),
 *   a tombstone deletes; table updates emit nothing.
 * - Stream side (left): a record without a value is dropped; a record without a key is dropped by
 *   an INNER join and joined with nulls by a LEFT join (KIP-962); otherwise it is joined with the
 *   table's current row for its key (INNER drops it when there is none). The result keeps the
 *   stream record's key, timestamp, headers and window.
 */
import { engineValueCodec, type KeyValueStore, type ValueCodec } from '../../state/index.js';
import { EngineRecord } from '../record.js';
import { isNullKey, joinStoreName, stateKey, type JoinLayout } from './layout.js';
import type { JoinProcessor, JoinProcessorFactory, JoinSide, JoinTaskContext } from './types.js';

/** A table row in a join store: [timestamp, value columns]. */
export type TimedRow = [number, unknown[]];
export const timedRowCodec = engineValueCodec as ValueCodec<TimedRow>;

/**
 * Decoded table rows a task keeps in memory. Every stream record looks its key up, so a miss costs
 * a state read and a decode per record; the store's default (50,000) is too small for a lookup
 * table of 100,000 keys, and a row here is small (its timestamp and value columns).
 */
const TABLE_CACHE_ENTRIES_MAX = 200_000;

export interface StreamTableJoinOptions {
  stepId: string;
  joinType: 'INNER' | 'LEFT';
  layout: JoinLayout;
}

export class StreamTableJoinFactory implements JoinProcessorFactory {
  readonly stepId: string;
  constructor(private readonly options: StreamTableJoinOptions) {
    this.stepId = options.stepId;
  }

  create(context: JoinTaskContext): JoinProcessor {
    const table = context.stores.keyValue<TimedRow>(joinStoreName(this.options.stepId, 'right-table-store'), { codec: timedRowCodec, cacheEntriesMax: TABLE_CACHE_ENTRIES_MAX });
    return new StreamTableJoinProcessor(this.options, table);
  }
}

export class StreamTableJoinProcessor implements JoinProcessor {
  private readonly left: boolean;

  constructor(
    private readonly options: StreamTableJoinOptions,
    private readonly table: KeyValueStore<TimedRow>,
  ) {
    this.left = options.joinType === 'LEFT';
  }

  process(side: JoinSide, records: EngineRecord[]): EngineRecord[] {
    if (side === 'right') {
      for (const record of records) {
        if (isNullKey(record.key)) continue;
        const key = stateKey(record.key, record.window);
        if (record.value === null) this.table.delete(key);
        else this.table.put(key, [record.timestampMs, record.value]);
      }
      return [];
    }
    const out: EngineRecord[] = [];
    const layout = this.options.layout;
    for (const record of records) {
      if (record.value === null) continue;
      if (isNullKey(record.key)) {
        if (this.left) out.push(record.withColumns(record.key, layout.join(record.value, null, record.key)));
        continue;
      }
      const row = this.table.get(stateKey(record.key, record.window));
      if (row === undefined && !this.left) continue;
      record.value = layout.join(record.value, row === undefined ? null : row[1], record.key);
      out.push(record);
    }
    return out;
  }
}
