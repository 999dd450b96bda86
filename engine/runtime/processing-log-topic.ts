/**
 * A processing-log sink that appends entries, as JSON, to a topic of the log — what backs
 * ksqlDB's KSQL_PROCESSING_LOG stream (`<serviceId>ksql_processing_log`). Entries are batched:
 * every entry written in one turn of the event loop goes out in one RecordBatch. Writing never
 * throws into the query and never blocks it: when the topic is missing the entry is dropped, and
 * at most `pendingMax` entries wait for an append.
 */
import { encodeRecordBatch, type Log } from '../../storage/log/index.js';
import type { ProcessingLogEntry, ProcessingLogSink } from '../operators/index.js';

export interface TopicProcessingLogOptions {
  log: Log;
  topic: string;
  /** Entries waiting to be appended beyond which new ones are dropped. Default 10,000. */
  pendingMax?: number;
}

/** The processing-log topic's name for a service id, as ksqlDB names it. */
export function processingLogTopicName(serviceId: string): string {
  return `${serviceId}ksql_processing_log`;
}

export class TopicProcessingLogSink implements ProcessingLogSink {
  private pending: ProcessingLogEntry[] = [];
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();
  /** Entries dropped (topic missing, too many pending, or an append failed). */
  dropped = 0;
  private readonly pendingMax: number;

  constructor(private readonly options: TopicProcessingLogOptions) {
    this.pendingMax = options.pendingMax ?? 10_000;
  }

  write(entry: ProcessingLogEntry): void {
    if (this.pending.length >= this.pendingMax) {
      this.dropped++;
      return;
    }
    this.pending.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.inFlight = this.inFlight.then(() => this.flush());
      });
    }
  }

  /** Resolves when everything written so far has been appended (or dropped). */
  async flushed(): Promise<void> {
    await Promise.resolve();
    await this.inFlight;
  }

  private async flush(): Promise<void> {
    const entries = this.pending;
    this.pending = [];
    if (entries.length === 0) return;
    const { log, topic } = this.options;
    if (!log.hasTopic(topic)) {
      this.dropped += entries.length;
      return;
    }
    try {
      const batch = encodeRecordBatch(
        entries.map((e) => ({
          key: null,
          value: JSON.stringify({ logger: e.logger, level: e.level, time: e.time, message: e.message }),
          timestampMs: e.time,
        })),
      );
      await log.append(topic, 0, batch);
    } catch {
      this.dropped += entries.length;
    }
  }
}
