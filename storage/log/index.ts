/**
 * storage/log — the built-in partitioned log: Kafka's storage model in one process.
 *
 * Topics have N partitions; a partition is a list of segments holding Kafka RecordBatch v2 bytes
 * exactly as appended (offsets assigned), with a sparse offset index and a time index per segment.
 * Appends validate each batch (CRC-32C, lengths, counts, limits), assign offsets, dedupe
 * idempotent producers, and resolve once as durable as the topic asks (fsync per append with
 * group commit, every N ms, or the OS). On open every partition checks its tail and cuts a torn
 * batch. Retention deletes whole segments by time and size; compaction keeps the latest record
 * per key, in the background. Readers wait for data without spinning. Committed consumer-group
 * offsets live in the compacted `__consumer_offsets` topic.
 *
 * Bytes only: this layer never sees rows. It takes a FileSystem (storage/fs) and a Clock
 * (common), never node:fs or the wall clock. `Log` (types.ts) is the contract; `storage/kafka`
 * implements it too, over a real Kafka cluster.
 */
export type {
  Log,
  TopicConfig,
  CleanupPolicy,
  Durability,
  KafkaConfigMap,
  TopicDescription,
  CreateTopicOptions,
  AppendResult,
  ReadResult,
  PartitionOffsets,
  OffsetForTime,
  CommittedOffset,
} from './types.js';
export { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './types.js';
export { openLog, BuiltInLog } from './log.js';
export type { OpenLogOptions, MaintenanceOutcome } from './log.js';
export type { RetentionOutcome } from './partition.js';
export type { CompactionOutcome } from './compaction.js';
export { defaultTopicConfig, validateTopicName, KAFKA_LONG_MAX } from './config.js';
export { CONSUMER_OFFSETS_TOPIC } from './group-offsets.js';
export { crc32c } from './crc32c.js';
export {
  RECORD_BATCH_MAGIC,
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_LOG_OVERHEAD_BYTES,
  encodeRecordBatch,
  decodeRecordBatch,
  decodeRecords,
  readBatchHeader,
  validateBatch,
  setBaseOffset,
  setPartitionLeaderEpoch,
  iterateBatches,
  batchSizeAt,
  batchLastOffset,
  batchCrcMatches,
  RecordBatchReader,
  RecordBatchBuilder,
} from './record-batch.js';
export type {
  CompressionCodec,
  TimestampType,
  RecordBatchHeader,
  RecordHeader,
  LogRecord,
  RecordToEncode,
  EncodeOptions,
  DecodedRecordBatch,
  BatchValidation,
  ValidateOptions,
  HeaderToEncode,
} from './record-batch.js';
