/**
 * The log's public contract. The built-in log (this folder) implements `Log`; later
 * `storage/kafka` implements the same interface over a real Kafka cluster. Everything above
 * storage (the Kafka listener, the engine runtime, the command log, the schema registry) talks to
 * a `Log` and never to files.
 *
 * Offsets and timestamps are JS numbers (exact up to 2^53). Batches are Kafka RecordBatch v2
 * bytes exactly as they sit on disk: the codec in `record-batch.ts` reads and writes them.
 */

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Per-topic settings, named as Kafka names them in camel case, units last. -1 means unlimited. */
export interface TopicConfig {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  cleanupPolicy: CleanupPolicy;
  minCompactionLagMs: number;
  deleteRetentionMs: number;
  maxMessageBytes: number;
  /** How appends reach the disk: fsync every append, every `flushIntervalMs`, or never (the OS decides). */
  durability: Durability;
}

export type Durability = { kind: 'every-append' } | { kind: 'interval'; flushIntervalMs: number } | { kind: 'os' };

/** Kafka's textual config names (`retention.ms` ...) to values, as admin tools send them. */
export type KafkaConfigMap = Record<string, string>;

export interface TopicDescription {
  name: string;
  partitions: number;
  /** Effective configs as Kafka strings (`retention.ms` -> "604800000"), defaults included. */
  configs: KafkaConfigMap;
  /** Topic names starting with `_` are Sluice's own (`_commands`, `_schemas`, `__consumer_offsets`). */
  internal: boolean;
}

export interface CreateTopicOptions {
  partitions: number;
  /** Kafka-named configs; unknown names or bad values are rejected with LOG_CONFIG_INVALID. */
  configs?: KafkaConfigMap;
}

export interface AppendResult {
  /** Offset assigned to the first record of the batch. */
  baseOffset: number;
  /** Offset of the last record of the batch. */
  lastOffset: number;
  /** Log-append time (when the topic uses LogAppendTime), else -1. */
  logAppendTimeMs: number;
  /** The partition's log start offset after the append. */
  logStartOffset: number;
  /** True when an idempotent producer's batch was a duplicate and nothing was appended. */
  duplicate: boolean;
}

export interface ReadResult {
  /**
   * Whole RecordBatch v2 buffers, in offset order, starting with the batch that contains
   * `fromOffset` (which may begin before it: callers skip earlier records, as Kafka clients do).
   * At least one batch is returned when any exists at or after `fromOffset`, even if it is larger
   * than `maxBytes`, so a reader always makes progress.
   */
  batches: Buffer[];
  /** Total bytes in `batches`. */
  bytes: number;
  /** Next offset to be assigned (Kafka's high watermark). */
  highWatermark: number;
  logStartOffset: number;
}

export interface PartitionOffsets {
  logStartOffset: number;
  highWatermark: number;
}

/** ListOffsets: -2 earliest, -1 latest, or the first offset whose timestamp is >= `timestampMs`. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface OffsetForTime {
  /** -1 when no record has a timestamp >= the one asked for. */
  offset: number;
  timestampMs: number;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
  commitTimestampMs: number;
}

export interface Log {
  // ---- topics ----
  createTopic(name: string, options: CreateTopicOptions): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  listTopics(): string[];
  hasTopic(name: string): boolean;
  describeTopic(name: string): TopicDescription;
  /** Sets (string) or resets to default (null) the named configs. */
  alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<void>;
  /** Raises the partition count (never lowers it). */
  createPartitions(name: string, totalPartitions: number): Promise<void>;

  // ---- data ----
  /**
   * Validates the batch (magic, lengths, CRC-32C, record count, sizes against limits), assigns
   * offsets and appends it. Resolves once the batch is as durable as the topic's durability asks.
   * A bad batch is rejected with LOG_BATCH_CORRUPT (or LOG_BATCH_TOO_LARGE...) and nothing is stored.
   */
  append(topic: string, partition: number, batch: Buffer): Promise<AppendResult>;
  read(topic: string, partition: number, fromOffset: number, maxBytes: number): Promise<ReadResult>;
  offsets(topic: string, partition: number): PartitionOffsets;
  offsetForTime(topic: string, partition: number, timestampMs: number): Promise<OffsetForTime>;
  /**
   * Resolves true as soon as the partition's high watermark is above `offset` (at once if it
   * already is), false after `timeoutMs`, or when `signal` aborts. Never spins.
   */
  waitForData(topic: string, partition: number, offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;

  // ---- consumer-group offsets (stored in an internal compacted topic) ----
  commitOffsets(group: string, offsets: Array<Omit<CommittedOffset, 'commitTimestampMs'>>): Promise<void>;
  fetchOffsets(group: string): CommittedOffset[];
  listOffsetGroups(): string[];
  deleteOffsetGroup(group: string): Promise<void>;

  // ---- idempotent producers ----
  /** A new producer id, unique for this log's lifetime (persisted, survives restarts). */
  allocateProducerId(): Promise<number>;

  close(): Promise<void>;
}
