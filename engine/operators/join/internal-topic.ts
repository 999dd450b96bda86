/**
 * Writing and reading the internal topics of a foreign-key join (subscription registrations and
 * responses). Their records are the join's own: keys and values are engine values encoded with
 * engine/state's value codec (any SQL value round-trips), so no user format is involved.
 *
 * `PartitionedTopicWriter` appends records to the partition each record names (`record.partition`)
 * — responses go back to the partition of the left row that subscribed, as Kafka Streams routes
 * them — one batch per partition per write, split to stay under the batch size limit.
 */
import { SluiceError, type Limits } from '../../../common/index.js';
import { RECORD_BATCH_HEADER_BYTES, encodeRecordBatch, type Log, type RecordToEncode } from '../../../storage/log/index.js';
import { engineValueCodec } from '../../state/index.js';
import type { EngineRecord } from '../record.js';
import type { RowSerde, Terminal } from '../types.js';

/** Rows as engine-value-codec bytes (a RowSerde for the SourceOperator of an internal topic). */
export const internalRowSerde: RowSerde = {
  serialize(values: readonly unknown[] | null): Buffer | null {
    return values === null ? null : engineValueCodec.encode(values);
  },
  deserialize(bytes: Buffer | null): unknown[] | null {
    if (bytes === null) return null;
    const value = engineValueCodec.decode(bytes);
    if (!Array.isArray(value)) throw new SluiceError('ENGINE_SERDE', 'an internal join record is not a row');
    return value;
  },
};

function recordBytes(record: RecordToEncode): number {
  let n = 32 + (record.key ? (record.key as Buffer).length : 0) + (record.value ? (record.value as Buffer).length : 0);
  for (const header of record.headers ?? []) n += 10 + Buffer.byteLength(header.key) + (header.value ? (header.value as Buffer).length : 0);
  return n;
}

export class PartitionedTopicWriter implements Terminal {
  private pending: RecordToEncode[][];

  constructor(
    private readonly log: Log,
    readonly topic: string,
    readonly partitions: number,
    private readonly limits: Pick<Limits, 'batchBytesMax'>,
  ) {
    this.pending = Array.from({ length: partitions }, () => []);
  }

  /** Buffers one record for `partition` (written by `flush`). */
  add(partition: number, key: readonly unknown[] | null, value: readonly unknown[] | null, timestampMs: number, headers: EngineRecord['headers']): void {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions) {
      throw new SluiceError('INTERNAL_ASSERTION', `internal topic ${this.topic} has ${this.partitions} partitions; a record was routed to ${partition}`);
    }
    this.pending[partition]!.push({ key: internalRowSerde.serialize(key), value: internalRowSerde.serialize(value), timestampMs, headers });
  }

  async write(records: EngineRecord[]): Promise<void> {
    for (const record of records) this.add(record.partition, record.key, record.value, record.timestampMs, record.headers);
    await this.flush();
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = Array.from({ length: this.partitions }, () => []);
    const budget = this.limits.batchBytesMax - RECORD_BATCH_HEADER_BYTES;
    for (let partition = 0; partition < pending.length; partition++) {
      const records = pending[partition]!;
      let start = 0;
      let bytes = 0;
      for (let i = 0; i < records.length; i++) {
        const size = recordBytes(records[i]!);
        if (i > start && bytes + size > budget) {
          await this.log.append(this.topic, partition, encodeRecordBatch(records.slice(start, i)));
          start = i;
          bytes = 0;
        }
        bytes += size;
      }
      if (start < records.length) await this.log.append(this.topic, partition, encodeRecordBatch(records.slice(start)));
    }
  }
}
