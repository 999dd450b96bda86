/**
 * Timestamp extraction (ksqlDB's TimestampExtractionPolicy): a source or sink with a TIMESTAMP
 * column takes each record's time from a BIGINT/TIMESTAMP column, or from a STRING column parsed
 * with a Java pattern (`timestamp_format`). A failure (null column, unparsable text) throws; the
 * source logs it and skips the record (ksqlDB returns -1 and Kafka Streams drops it), or fails the
 * query when `ksql.timestamp.throw.on.invalid` is true.
 */
import { SluiceError } from '../../common/index.js';
import { parseTimestamp, formatSqlType } from '../types/index.js';
import type { TimestampSpec } from '../steps/index.js';
import type { EngineRecord } from './record.js';

/** The record's time in ms; throws ENGINE_EVALUATION when it cannot be extracted. */
export type TimestampExtractor = (record: EngineRecord) => number;

/** Parses timestamp text with a Java DateTimeFormatter pattern (UTC unless the text has a zone). */
export type TimestampParserFactory = (pattern: string) => (text: string) => number;

function failed(cause: unknown): SluiceError {
  return new SluiceError('ENGINE_EVALUATION', 'Failed to extract timestamp from row', {}, { cause });
}

/** null for `{kind: 'record'}` (the record keeps the log's timestamp). */
export function compileTimestampExtractor(spec: TimestampSpec | null, parserFactory: TimestampParserFactory | null): TimestampExtractor | null {
  if (spec === null || spec.kind === 'record') return null;
  const index = spec.index;
  const fromKey = spec.source === 'KEY';
  const read = (record: EngineRecord): unknown => {
    if (fromKey) return record.key[index] ?? null;
    return record.value === null ? null : (record.value[index] ?? null);
  };
  const type = spec.column.type;
  switch (type.kind) {
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'INTEGER':
      return (record) => {
        const value = read(record);
        if (typeof value !== 'number') {
          throw failed(new SluiceError('ENGINE_EVALUATION', `Timestamp column ${spec.column.name} is null`, { found: String(value) }));
        }
        return value;
      };
    case 'STRING': {
      const format = spec.format;
      let parse: (text: string) => number;
      if (format === null) parse = parseTimestamp;
      else if (parserFactory !== null) parse = parserFactory(format);
      else throw new SluiceError('SQL_UNSUPPORTED', `timestamp_format '${format}' needs a timestamp parser, and none was given`);
      return (record) => {
        const value = read(record);
        if (typeof value !== 'string') {
          throw failed(new SluiceError('ENGINE_EVALUATION', `Timestamp column ${spec.column.name} is null`, { found: String(value) }));
        }
        try {
          return parse(value);
        } catch (error) {
          throw failed(
            new SluiceError('ENGINE_EVALUATION', `Unable to parse string timestamp. timestamp=${value} timestamp_format=${format ?? ''}`, {}, { cause: error }),
          );
        }
      };
    }
    default:
      throw new SluiceError('SQL_UNSUPPORTED', `Timestamp column ${spec.column.name} has type ${formatSqlType(type)}: expected BIGINT, TIMESTAMP or STRING`);
  }
}
