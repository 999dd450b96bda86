/**
 * Source: turns the RecordBatch v2 bytes of one log read into EngineRecords.
 *
 * Per record: skip records before the requested offset (a read starts at the batch holding it) and
 * control batches; strip the window from a windowed key (time windows: start as 8 bytes, end =
 * start + size; session windows: end then start); deserialize key and value with the topic's
 * serdes; put header columns in their value positions; extract the timestamp. A record whose key
 * or value does not deserialize, or whose timestamp cannot be extracted, goes to the processing
 * log and is skipped (a timestamp failure fails the query instead when
 * `ksql.timestamp.throw.on.invalid` is set). Tables skip records without a key and keep
 * tombstones (null value); streams keep both. Records with a negative timestamp are dropped, as
 * Kafka Streams does.
 */
import { SluiceError } from '../../common/index.js';
import { RecordBatchReader } from '../../storage/log/index.js';
import type { HeaderColumn } from '../steps/index.js';
import { EngineRecord, absentKey, type RecordHeader, type WindowBounds } from './record.js';
import type { StepProcessingLog } from './processing-log.js';
import type { TimestampExtractor } from './timestamp.js';
import type { RowSerde } from './types.js';

export interface SourceOptions {
  topic: string;
  keySerde: RowSerde;
  /** Serde of the value columns that are not header columns. */
  valueSerde: RowSerde;
  keyColumnCount: number;
  /** All value columns, header columns included. */
  valueColumnCount: number;
  headerColumns: readonly HeaderColumn[];
  /** Table semantics: skip records without a key. */
  table: boolean;
  window: { kind: 'TUMBLING' | 'HOPPING' | 'SESSION'; sizeMs: number | null } | null;
  timestamp: TimestampExtractor | null;
  /** ksqlDB's `ksql.timestamp.throw.on.invalid`: a bad timestamp fails the query. */
  failOnInvalidTimestamp: boolean;
  log: StepProcessingLog;
}

/**
 * The records of one read, still encoded: the batches that hold records at or after `fromOffset`
 * (control batches left out), walked again by `prepare` and `convert`. Keeping the bytes instead
 * of an object per record keeps a read's garbage short-lived.
 */
export interface SourceRecords {
  /** How many records the batches hold at or after `fromOffset`. */
  readonly length: number;
  readonly batches: readonly Buffer[];
  readonly fromOffset: number;
}

/** The records of one read, before deserialization. */
export interface DecodedRead {
  records: SourceRecords;
  /** The offset after the last batch of the read. */
  nextOffset: number;
}

function readInt64(bytes: Uint8Array, position: number): number {
  const high = (bytes[position]! << 24) | (bytes[position + 1]! << 16) | (bytes[position + 2]! << 8) | bytes[position + 3]!;
  const low = ((bytes[position + 4]! << 24) | (bytes[position + 5]! << 16) | (bytes[position + 6]! << 8) | bytes[position + 7]!) >>> 0;
  return high * 4294967296 + low;
}

export class SourceOperator {
  private readonly nullKey: unknown[];
  private readonly headerAt: Array<HeaderColumn | undefined>;
  private readonly needsPrepare: boolean;
  private readonly hasHeaderColumns: boolean;
  /** Walks batches for decode and prepare. */
  private readonly reader = new RecordBatchReader();
  /** Walks batches for convert (its own: a serde or an extractor could use the other). */
  private readonly convertReader = new RecordBatchReader();

  constructor(private readonly options: SourceOptions) {
    this.nullKey = absentKey(options.keyColumnCount);
    this.headerAt = new Array(options.valueColumnCount);
    for (const h of options.headerColumns) {
      if (!Number.isInteger(h.valueIndex) || h.valueIndex < 0 || h.valueIndex >= options.valueColumnCount) {
        throw new SluiceError('INTERNAL_ASSERTION', `header column index ${h.valueIndex} is outside the ${options.valueColumnCount} value columns`);
      }
      this.headerAt[h.valueIndex] = h;
    }
    this.hasHeaderColumns = options.headerColumns.length > 0;
    this.needsPrepare = typeof options.keySerde.prepare === 'function' || typeof options.valueSerde.prepare === 'function';
  }

  /** Frames the batches of a read; keeps records at or after `fromOffset`. */
  decode(batches: readonly Buffer[], fromOffset: number): DecodedRead {
    const kept: Buffer[] = [];
    let count = 0;
    let nextOffset = fromOffset;
    const reader = this.reader;
    for (const batch of batches) {
      const header = reader.open(batch);
      const end = header.baseOffset + header.lastOffsetDelta + 1;
      if (end > nextOffset) nextOffset = end;
      if (header.control || header.recordCount <= 0) continue;
      if (header.baseOffset >= fromOffset) {
        // every record's offset is at least the base offset; convert walks (and checks) them
        count += header.recordCount;
      } else {
        let inRange = 0;
        while (reader.next()) if (reader.offset >= fromOffset) inRange++;
        if (inRange === 0) continue;
        count += inRange;
      }
      kept.push(batch);
    }
    return { records: { length: count, batches: kept, fromOffset }, nextOffset };
  }

  /** Registry formats: resolves once every schema the records name is cached; else undefined. */
  prepare(records: SourceRecords): Promise<void> | undefined {
    if (!this.needsPrepare) return undefined;
    const waits: Array<Promise<void>> = [];
    const { keySerde, valueSerde } = this.options;
    const reader = this.reader;
    for (const batch of records.batches) {
      reader.open(batch);
      while (reader.next()) {
        if (reader.offset < records.fromOffset) continue;
        const key = reader.key();
        const k = keySerde.prepare?.(this.options.window === null ? key : this.innerKey(key));
        if (k !== undefined) waits.push(k);
        const v = valueSerde.prepare?.(reader.value());
        if (v !== undefined) waits.push(v);
      }
    }
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  private innerKey(bytes: Buffer | null): Buffer | null {
    if (bytes === null || this.options.window === null) return bytes;
    const suffix = this.options.window.kind === 'SESSION' ? 16 : 8;
    return bytes.length < suffix ? bytes : bytes.subarray(0, bytes.length - suffix);
  }

  /** Deserializes decoded records into EngineRecords (appended to `out`). */
  convert(records: SourceRecords, partition: number, out: EngineRecord[]): void {
    const reader = this.convertReader;
    for (const batch of records.batches) {
      reader.open(batch);
      while (reader.next()) {
        if (reader.offset < records.fromOffset) continue;
        this.convertOne(reader, partition, out);
      }
    }
  }

  private convertOne(record: RecordBatchReader, partition: number, out: EngineRecord[]): void {
    const { keySerde, valueSerde, topic, table, timestamp, log, window: windowSpec } = this.options;
    if (table && record.keyLength < 0) return;
    const rawKey = record.key();
    let keyBytes = rawKey;
    let window: WindowBounds | null = null;
    if (windowSpec !== null && keyBytes !== null) {
      const suffix = windowSpec.kind === 'SESSION' ? 16 : 8;
      if (keyBytes.length < suffix) {
        log.deserializationError(
          new SluiceError('ENGINE_SERDE', `Windowed key of ${keyBytes.length} bytes is shorter than its ${suffix}-byte window`),
          keyBytes,
          topic,
          'key',
        );
        return;
      }
      const at = keyBytes.length - suffix;
      if (windowSpec.kind === 'SESSION') {
        window = { startMs: readInt64(keyBytes, at + 8), endMs: readInt64(keyBytes, at) };
      } else {
        const startMs = readInt64(keyBytes, at);
        window = { startMs, endMs: startMs + (windowSpec.sizeMs ?? 0) };
      }
      keyBytes = keyBytes.subarray(0, at);
    }
    let key: unknown[];
    try {
      key = keySerde.deserialize(keyBytes) ?? this.nullKey;
    } catch (error) {
      log.deserializationError(error, rawKey, topic, 'key');
      return;
    }
    const valueBytes = record.value();
    let value: unknown[] | null;
    try {
      value = valueSerde.deserialize(valueBytes);
    } catch (error) {
      log.deserializationError(error, valueBytes, topic, 'value');
      return;
    }
    const headers = record.headers;
    if (this.hasHeaderColumns && value !== null) value = this.withHeaders(value, headers);
    const engineRecord = new EngineRecord(key, value, record.timestampMs, partition, record.offset, headers, window);
    if (timestamp !== null) {
      try {
        engineRecord.timestampMs = timestamp(engineRecord);
      } catch (error) {
        if (this.options.failOnInvalidTimestamp) {
          throw new SluiceError(
            'ENGINE_EVALUATION',
            `Fatal user code error in TimestampExtractor callback for record (topic ${topic}, partition ${partition}, offset ${record.offset})`,
            { topic, partition, offset: record.offset },
            { cause: error },
          );
        }
        log.recordError('Failed to extract timestamp from row', error, engineRecord);
        return;
      }
    }
    if (engineRecord.timestampMs < 0) return;
    out.push(engineRecord);
  }

  private withHeaders(columns: unknown[], headers: readonly RecordHeader[]): unknown[] {
    const count = this.options.valueColumnCount;
    const out = new Array<unknown>(count);
    let next = 0;
    for (let i = 0; i < count; i++) {
      const header = this.headerAt[i];
      if (header === undefined) {
        const v = columns[next++];
        out[i] = v === undefined ? null : v;
      } else if (header.headerKey === null) {
        const all = new Array<{ KEY: string; VALUE: Buffer | null }>(headers.length);
        for (let h = 0; h < headers.length; h++) all[h] = { KEY: headers[h]!.key, VALUE: headers[h]!.value };
        out[i] = all;
      } else {
        let found: Buffer | null = null;
        for (let h = headers.length - 1; h >= 0; h--) {
          if (headers[h]!.key === header.headerKey) {
            found = headers[h]!.value;
            break;
          }
        }
        out[i] = found;
      }
    }
    return out;
  }
}
