/**
 * Sink: serializes key and value, picks the partition (Kafka's default partitioner: murmur2 of the
 * key bytes — without the window for windowed keys; a record without a key stays in its source
 * partition modulo the sink's count), and appends ONE RecordBatch v2 per partition per input
 * batch (split only to stay under the batch size limit). Records keep their timestamp (or take
 * it from the sink's TIMESTAMP column) and their headers.
 *
 * A row that cannot be serialized is logged as a SerializationError and fails the query, as
 * ksqlDB's serializer does; so does an append the log refuses.
 */
import { SluiceError, type Limits } from '../../common/index.js';
import { RecordBatchBuilder, RECORD_BATCH_HEADER_BYTES, type Log } from '../../storage/log/index.js';
import { partitionForKey } from './partitioner.js';
import type { StepProcessingLog } from './processing-log.js';
import { isAbsentKey, type EngineRecord } from './record.js';
import type { TimestampExtractor } from './timestamp.js';
import type { RowSerde, Terminal } from './types.js';

export interface SinkOptions {
  log: Log;
  topic: string;
  partitions: number;
  keySerde: RowSerde;
  valueSerde: RowSerde;
  /** Windowed keys get the window appended (time: start; session: end then start). */
  windowed: { kind: 'TUMBLING' | 'HOPPING' | 'SESSION' } | null;
  timestamp: TimestampExtractor | null;
  limits: Pick<Limits, 'batchBytesMax' | 'recordBytesMax'>;
  processingLog: StepProcessingLog;
  /**
   * Write each record to the partition it was read from (modulo the sink's partitions) instead of
   * its key's hash partition: deterministic runs whose inputs all went to one partition, as
   * ksqlDB's test driver (one partition per topic) has them.
   */
  preservePartitions?: boolean;
}

/** Bytes a record adds to a batch, an upper bound. */
function recordBytesEstimate(key: Buffer | null, value: Buffer | null, headers: EngineRecord['headers']): number {
  let n = 21 + (key === null ? 0 : key.length) + (value === null ? 0 : value.length);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    n += 10 + 3 * h.key.length + (h.value === null ? 0 : h.value.length);
  }
  return n;
}

function writeInt64(buffer: Buffer, position: number, value: number): void {
  const high = Math.floor(value / 4294967296);
  buffer.writeInt32BE(high | 0, position);
  buffer.writeUInt32BE((value - high * 4294967296) >>> 0, position + 4);
}

export class SinkOperator implements Terminal {
  /** Records written, per partition of the sink. */
  readonly writtenByPartition: number[];
  /** One per sink partition, made on first use. */
  private readonly builders: Array<RecordBatchBuilder | undefined> = [];

  constructor(private readonly options: SinkOptions) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1) {
      throw new SluiceError('INTERNAL_ASSERTION', `sink topic ${options.topic} must have at least one partition, found ${options.partitions}`);
    }
    this.writtenByPartition = new Array<number>(options.partitions).fill(0);
  }

  async write(records: EngineRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { partitions } = this.options;
    // The builders are shared by the tasks writing to this sink: every batch is finished before
    // the first await below, so they are empty whenever another write can start.
    const batches: Buffer[][] = new Array(partitions);
    for (let p = 0; p < partitions; p++) batches[p] = [];
    try {
      this.encode(records, batches);
    } finally {
      for (const builder of this.builders) builder?.clear();
    }
    const appends: Array<Promise<void>> = [];
    for (let p = 0; p < partitions; p++) {
      const list = batches[p]!;
      if (list.length > 0) appends.push(this.appendAll(p, list));
    }
    await Promise.all(appends);
  }

  private builderFor(partition: number): RecordBatchBuilder {
    let builder = this.builders[partition];
    if (builder === undefined) {
      builder = new RecordBatchBuilder();
      this.builders[partition] = builder;
    }
    return builder;
  }

  /**
   * Serializes the records into batches per partition, one batch per partition unless the batch
   * size limit splits it.
   */
  private encode(records: EngineRecord[], batches: Buffer[][]): void {
    const { keySerde, valueSerde, partitions, windowed, timestamp, topic, processingLog, limits } = this.options;
    const preserve = this.options.preservePartitions === true;
    const budget = limits.batchBytesMax - RECORD_BATCH_HEADER_BYTES;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      let keyBytes: Buffer | null;
      let valueBytes: Buffer | null;
      try {
        keyBytes = record.key.length === 0 || isAbsentKey(record.key) ? null : keySerde.serialize(record.key);
      } catch (error) {
        processingLog.serializationError(error, record, topic, 'key');
        throw serializationFailure(topic, 'key', error);
      }
      try {
        valueBytes = valueSerde.serialize(record.value);
      } catch (error) {
        processingLog.serializationError(error, record, topic, 'value');
        throw serializationFailure(topic, 'value', error);
      }
      const partition = partitions === 1 ? 0 : preserve || keyBytes === null ? record.partition % partitions : partitionForKey(keyBytes, partitions);
      if (windowed !== null && record.window !== null) keyBytes = windowedKey(keyBytes, record.window.startMs, record.window.endMs, windowed.kind === 'SESSION');
      let timestampMs = record.timestampMs;
      if (timestamp !== null) {
        try {
          timestampMs = timestamp(record);
        } catch (error) {
          processingLog.recordError('Failed to extract timestamp from row', error, record);
          continue;
        }
        if (timestampMs < 0) {
          // Kafka Streams refuses the record (ksqlDB's SinkBuilder logs it and goes on)
          const detail = `Malformed Record: timestamp may not be negative. Got: ${timestampMs}`;
          processingLog.recordError(`Error writing row with extracted timestamp: ${detail}`, new SluiceError('ENGINE_EVALUATION', detail), record);
          continue;
        }
      }
      const builder = this.builderFor(partition);
      const size = recordBytesEstimate(keyBytes, valueBytes, record.headers);
      if (builder.count > 0 && builder.estimate + size > budget) batches[partition]!.push(builder.finish());
      builder.add(keyBytes, valueBytes, record.headers, timestampMs);
      builder.estimate += size;
    }
    for (let p = 0; p < partitions; p++) {
      const builder = this.builders[p];
      if (builder !== undefined && builder.count > 0) batches[p]!.push(builder.finish());
    }
  }

  private async appendAll(partition: number, batches: readonly Buffer[]): Promise<void> {
    const { log, topic } = this.options;
    for (const batch of batches) {
      const count = batch.readInt32BE(57); // the record count
      await log.append(topic, partition, batch);
      this.writtenByPartition[partition]! += count;
    }
  }
}

function serializationFailure(topic: string, target: 'key' | 'value', cause: unknown): SluiceError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SluiceError('ENGINE_SERDE', `Error serializing message to topic: ${topic}. Unable to serialize record ${target}: ${detail}`, { topic, target }, { cause });
}

/** The key bytes followed by the window: 8-byte start, or (session) 8-byte end then 8-byte start. */
export function windowedKey(keyBytes: Buffer | null, startMs: number, endMs: number, session: boolean): Buffer {
  const inner = keyBytes ?? Buffer.alloc(0);
  const out = Buffer.allocUnsafe(inner.length + (session ? 16 : 8));
  inner.copy(out, 0);
  if (session) {
    writeInt64(out, inner.length, endMs);
    writeInt64(out, inner.length + 8, startMs);
  } else {
    writeInt64(out, inner.length, startMs);
  }
  return out;
}
