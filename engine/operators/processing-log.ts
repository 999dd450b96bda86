/**
 * The processing log: per-record failures (a value that does not deserialize, an expression that
 * throws, a timestamp that cannot be extracted) are written here and the record is skipped (or,
 * for a projection, the column becomes null) while the query keeps running — ksqlDB's
 * ProcessingLogger, whose entries land in the KSQL_PROCESSING_LOG stream.
 *
 * Entries have ksqlDB's processing-log shape (`logger`, `level`, `time`, `message` with `type`
 * and one of `deserializationError`, `recordProcessingError`, `productionError`,
 * `serializationError`), so a sink can write them to the processing-log topic as they are.
 * Each query also keeps its last few errors for `SHOW QUERIES EXTENDED` (`queryErrors`).
 */
import type { Clock } from '../../common/index.js';
import { errorMessages } from '../expressions/index.js';
import type { EngineRecord } from './record.js';

export const DESERIALIZATION_ERROR = 0;
export const RECORD_PROCESSING_ERROR = 1;
export const PRODUCTION_ERROR = 2;
export const SERIALIZATION_ERROR = 3;

export interface ProcessingLogMessage {
  type: number;
  deserializationError: { target: 'key' | 'value'; errorMessage: string; recordB64: string | null; cause: string[]; topic: string } | null;
  recordProcessingError: { errorMessage: string; record: string | null; cause: string[] } | null;
  productionError: { errorMessage: string } | null;
  serializationError: { target: 'key' | 'value'; errorMessage: string; record: string | null; cause: string[]; topic: string } | null;
}

export interface ProcessingLogEntry {
  /** ksqlDB's logger name: `processing.<queryId>.<step id>`. */
  logger: string;
  level: 'ERROR';
  /** Wall-clock ms (the runtime's Clock). */
  time: number;
  queryId: string;
  message: ProcessingLogMessage;
}

/** Where entries go (the server writes them to the processing-log topic). */
export interface ProcessingLogSink {
  write(entry: ProcessingLogEntry): void;
}

/** ksqlDB's QueryError, as SHOW QUERIES EXTENDED lists it. */
export interface QueryError {
  timestampMs: number;
  errorMessage: string;
  /** USER: the data or the statement; SYSTEM: the environment (the log, the disk); UNKNOWN. */
  type: 'USER' | 'SYSTEM' | 'UNKNOWN';
}

export interface QueryErrorsOptions {
  /** How many errors to keep. Default 10. */
  keep?: number;
}

/** The last errors of one query, oldest first. */
export class QueryErrorLog {
  private readonly entries: QueryError[] = [];
  private readonly keep: number;
  /** Every error ever reported, including the ones no longer kept. */
  total = 0;

  constructor(options: QueryErrorsOptions = {}) {
    this.keep = options.keep ?? 10;
  }

  add(error: QueryError): void {
    this.total++;
    this.entries.push(error);
    if (this.entries.length > this.keep) this.entries.splice(0, this.entries.length - this.keep);
  }

  list(): readonly QueryError[] {
    return this.entries.slice();
  }
}

/** The message a QueryError shows: the error, then its causes (`Caused by: ...`). */
export function queryErrorMessage(message: string, causes: readonly string[]): string {
  const distinct = causes.filter((c, i) => c !== '' && c !== message && causes.indexOf(c) === i);
  return [message, ...distinct.map((c) => `Caused by: ${c}`)].join('\n');
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v]));
  if (value !== null && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}

/** The row as ksqlDB logs it when `ksql.logging.processing.rows.include` is on: a JSON array. */
export function rowText(record: EngineRecord | null): string | null {
  if (record === null) return null;
  try {
    return JSON.stringify(record.value === null ? null : [...record.value, ...record.key], jsonReplacer);
  } catch {
    return null;
  }
}

export interface QueryProcessingLogOptions {
  queryId: string;
  clock: Clock;
  sink?: ProcessingLogSink | null;
  errors?: QueryErrorLog;
  /** ksqlDB's `ksql.logging.processing.rows.include` (default false: rows are not logged). */
  includeRows?: boolean;
}

/** The processing log of one query; `forStep` gives each operator its named logger. */
export class QueryProcessingLog {
  readonly queryId: string;
  readonly errors: QueryErrorLog;
  private readonly clock: Clock;
  private readonly sink: ProcessingLogSink | null;
  readonly includeRows: boolean;

  constructor(options: QueryProcessingLogOptions) {
    this.queryId = options.queryId;
    this.clock = options.clock;
    this.sink = options.sink ?? null;
    this.errors = options.errors ?? new QueryErrorLog();
    this.includeRows = options.includeRows ?? false;
  }

  forStep(stepId: string): StepProcessingLog {
    return new StepProcessingLog(this, `processing.${this.queryId}.${stepId}`);
  }

  /** Records an entry: to the sink, and as a query error. */
  report(logger: string, message: ProcessingLogMessage, summary: string, causes: readonly string[], type: QueryError['type'] = 'USER'): void {
    const time = this.clock.nowMs();
    this.errors.add({ timestampMs: time, errorMessage: queryErrorMessage(summary, causes), type });
    if (this.sink !== null) {
      try {
        this.sink.write({ logger, level: 'ERROR', time, queryId: this.queryId, message });
      } catch {
        // a failing processing-log sink must not stop the query
      }
    }
  }
}

const EMPTY_MESSAGE: Omit<ProcessingLogMessage, 'type'> = {
  deserializationError: null,
  recordProcessingError: null,
  productionError: null,
  serializationError: null,
};

/** One operator's processing logger. */
export class StepProcessingLog {
  constructor(
    readonly query: QueryProcessingLog,
    readonly logger: string,
  ) {}

  /** An expression or function failed on `record` (ksqlDB's RecordProcessingError). */
  recordError(errorMessage: string, error: unknown, record: EngineRecord | null): void {
    const cause = error === undefined ? [] : errorMessages(error);
    this.query.report(
      this.logger,
      {
        ...EMPTY_MESSAGE,
        type: RECORD_PROCESSING_ERROR,
        recordProcessingError: { errorMessage, record: this.query.includeRows ? rowText(record) : null, cause },
      },
      errorMessage,
      cause,
    );
  }

  /** Bytes that did not deserialize (ksqlDB's DeserializationError). */
  deserializationError(error: unknown, bytes: Buffer | null, topic: string, target: 'key' | 'value'): void {
    const cause = errorMessages(error);
    const errorMessage = cause[0] ?? 'Failed to deserialize';
    this.query.report(
      this.logger,
      {
        ...EMPTY_MESSAGE,
        type: DESERIALIZATION_ERROR,
        deserializationError: {
          target,
          errorMessage,
          recordB64: this.query.includeRows && bytes !== null ? bytes.toString('base64') : null,
          cause: cause.slice(1),
          topic,
        },
      },
      `Error deserializing ${target} from topic ${topic}: ${errorMessage}`,
      cause.slice(1),
    );
  }

  /** A row that could not be serialized (ksqlDB's SerializationError; the query then fails). */
  serializationError(error: unknown, record: EngineRecord | null, topic: string, target: 'key' | 'value'): void {
    const cause = errorMessages(error);
    const errorMessage = `Error serializing message to topic: ${topic}. ${cause[0] ?? ''}`.trim();
    this.query.report(
      this.logger,
      {
        ...EMPTY_MESSAGE,
        type: SERIALIZATION_ERROR,
        serializationError: { target, errorMessage, record: this.query.includeRows ? rowText(record) : null, cause: cause.slice(1), topic },
      },
      errorMessage,
      cause.slice(1),
    );
  }
}

/** A sink that keeps entries in memory (tests, and the last entries for diagnostics). */
export class MemoryProcessingLogSink implements ProcessingLogSink {
  readonly entries: ProcessingLogEntry[] = [];
  constructor(private readonly keep = 10_000) {}
  write(entry: ProcessingLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.shift();
  }
}
