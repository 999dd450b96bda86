/**
 * `openLog`: the built-in partitioned log over a FileSystem. Layout under `dataDir`:
 *
 *   topics/<topic>/topic.json            partitions and config overrides (written atomically; the
 *                                        commit point of a create: a folder without it is removed)
 *   topics/<topic>/<partition>/          segments: <base offset>.log / .index / .timeindex, and
 *                                        producer-snapshot.json
 *   deleting/                            topics being deleted (renamed here first, then removed)
 *   producer-ids.json                    the next block of producer ids
 *
 * Background work runs on the Clock: retention and compaction every `maintenanceIntervalMs`;
 * `runMaintenance()` runs it now (tests).
 */
import type { Clock, Limits, Timer } from '../../common/index.js';
import { SluiceError, defaultLimits, mismatch, systemClock } from '../../common/index.js';
import type { FileSystem } from '../fs/index.js';
import { RealFileSystem, joinPath } from '../fs/index.js';
import { compactPartition } from './compaction.js';
import type { CompactionOutcome } from './compaction.js';
import { defaultTopicConfig, describeConfig, resolveTopicConfig, validateConfigMap, validateTopicConfig, validateTopicName } from './config.js';
import { CONSUMER_OFFSETS_TOPIC, GroupOffsets } from './group-offsets.js';
import { Partition } from './partition.js';
import { batchLastOffset } from './record-batch.js';
import type { RetentionOutcome } from './partition.js';
import type {
  AppendResult,
  CommittedOffset,
  CreateTopicOptions,
  KafkaConfigMap,
  Log,
  OffsetForTime,
  PartitionOffsets,
  ReadResult,
  TopicConfig,
  TopicDescription,
} from './types.js';

export interface OpenLogOptions {
  dataDir: string;
  /** Default: the real file system. */
  fs?: FileSystem;
  /** Default: the system clock. */
  clock?: Clock;
  limits?: Limits;
  /** Server-wide topic defaults (a topic's own configs override them). */
  defaults?: Partial<TopicConfig>;
  /** Bytes of log between two sparse index entries (Kafka's index.interval.bytes). Default 4096. */
  indexIntervalBytes?: number;
  /** How often retention and compaction run. Default 30 s; 0 disables the timer. */
  maintenanceIntervalMs?: number;
}

interface TopicMetadata {
  version: 1;
  name: string;
  partitions: number;
  configs: KafkaConfigMap;
}

interface Topic {
  name: string;
  overrides: KafkaConfigMap;
  config: TopicConfig;
  partitions: Partition[];
}

export interface MaintenanceOutcome {
  retention: RetentionOutcome;
  compaction: CompactionOutcome;
}

const TOPIC_METADATA_FILE = 'topic.json';
const PRODUCER_IDS_FILE = 'producer-ids.json';
const PRODUCER_ID_BLOCK = 1000;
const CONSUMER_OFFSETS_CONFIGS: KafkaConfigMap = { 'cleanup.policy': 'compact', 'flush.messages': '1', 'segment.bytes': String(100 * 1024 * 1024) };
/** Bytes read per step when loading committed offsets. */
const LOAD_READ_BYTES = 4 * 1024 * 1024;

export async function openLog(options: OpenLogOptions): Promise<BuiltInLog> {
  const log = new BuiltInLog(options);
  await log.load();
  return log;
}

export class BuiltInLog implements Log {
  readonly dataDir: string;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly limits: Limits;
  private readonly defaults: TopicConfig;
  private readonly indexIntervalBytes: number;
  private readonly maintenanceIntervalMs: number;
  private readonly topics = new Map<string, Topic>();
  private readonly groupOffsets = new GroupOffsets();
  private nextProducerId = 0;
  private reservedProducerIdEnd = 0;
  private maintenanceTimer: Timer | null = null;
  private maintenanceRunning: Promise<MaintenanceOutcome> | null = null;
  private deletions = 0;
  private closed = false;

  constructor(options: OpenLogOptions) {
    this.dataDir = options.dataDir.replace(/\/+$/, '') || '/';
    this.fs = options.fs ?? new RealFileSystem();
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? defaultLimits;
    this.defaults = { ...defaultTopicConfig, maxMessageBytes: this.limits.batchBytesMax, ...options.defaults };
    validateTopicConfig(this.defaults);
    this.indexIntervalBytes = options.indexIntervalBytes ?? 4096;
    this.maintenanceIntervalMs = options.maintenanceIntervalMs ?? 30_000;
  }

  private get topicsDir(): string {
    return joinPath(this.dataDir, 'topics');
  }

  /** Opens every topic (recovering each partition), loads producer ids and committed offsets. */
  async load(): Promise<void> {
    const fs = this.fs;
    fs.mkdirp(this.topicsDir);
    const deletingDir = joinPath(this.dataDir, 'deleting');
    if (fs.exists(deletingDir)) fs.removeRecursive(deletingDir);
    for (const name of fs.readdir(this.topicsDir)) {
      const topicDir = joinPath(this.topicsDir, name);
      const metadataPath = joinPath(topicDir, TOPIC_METADATA_FILE);
      if (!fs.exists(metadataPath)) {
        fs.removeRecursive(topicDir); // a create that never committed
        continue;
      }
      const metadata = this.parseTopicMetadata(fs.readFile(metadataPath).toString('utf8'), metadataPath);
      const topic: Topic = { name, overrides: metadata.configs, config: resolveTopicConfig(this.defaults, metadata.configs), partitions: [] };
      for (let partition = 0; partition < metadata.partitions; partition++) topic.partitions.push(this.openPartition(topic, partition));
      this.topics.set(name, topic);
    }
    const producerIdsPath = joinPath(this.dataDir, PRODUCER_IDS_FILE);
    if (fs.exists(producerIdsPath)) {
      const stored = JSON.parse(fs.readFile(producerIdsPath).toString('utf8')) as { reservedEnd?: unknown };
      if (typeof stored.reservedEnd !== 'number' || !Number.isInteger(stored.reservedEnd) || stored.reservedEnd < 0) {
        throw mismatch('LOG_PARTITION_FAILED', producerIdsPath, '{"reservedEnd": <integer>}', JSON.stringify(stored));
      }
      this.nextProducerId = this.reservedProducerIdEnd = stored.reservedEnd;
    }
    if (!this.topics.has(CONSUMER_OFFSETS_TOPIC)) this.createTopicNow(CONSUMER_OFFSETS_TOPIC, { partitions: 1, configs: CONSUMER_OFFSETS_CONFIGS });
    const offsetsPartition = this.partitionOf(CONSUMER_OFFSETS_TOPIC, 0);
    let offset = offsetsPartition.offsets().logStartOffset;
    for (;;) {
      const result = offsetsPartition.read(offset, LOAD_READ_BYTES);
      if (result.batches.length === 0) break;
      this.groupOffsets.applyBatches(result.batches);
      const last = result.batches[result.batches.length - 1]!;
      offset = batchLastOffset(last) + 1;
    }
    this.scheduleMaintenance();
  }

  private parseTopicMetadata(text: string, path: string): TopicMetadata {
    let value: TopicMetadata;
    try {
      value = JSON.parse(text) as TopicMetadata;
    } catch (error) {
      throw new SluiceError('LOG_PARTITION_FAILED', `${path}: not JSON (${(error as Error).message})`, { path });
    }
    if (value?.version !== 1 || typeof value.partitions !== 'number' || typeof value.configs !== 'object' || value.configs === null) {
      throw mismatch('LOG_PARTITION_FAILED', path, 'topic metadata {version: 1, name, partitions, configs}', text.slice(0, 200));
    }
    return value;
  }

  private openPartition(topic: Topic, partition: number): Partition {
    return Partition.open({
      fs: this.fs,
      clock: this.clock,
      limits: this.limits,
      indexIntervalBytes: this.indexIntervalBytes,
      topic: topic.name,
      partition,
      directory: joinPath(this.topicsDir, topic.name, String(partition)),
      config: () => topic.config,
    });
  }

  private writeTopicMetadata(topic: Topic): void {
    const metadata: TopicMetadata = { version: 1, name: topic.name, partitions: topic.partitions.length, configs: topic.overrides };
    this.fs.writeFileAtomic(joinPath(this.topicsDir, topic.name, TOPIC_METADATA_FILE), Buffer.from(JSON.stringify(metadata, null, 2)));
  }

  // ---------------------------------------------------------------------------------------------
  // Topics.

  private checkOpen(): void {
    if (this.closed) throw new SluiceError('LOG_CLOSED', 'the log is closed');
  }

  private topicOf(name: string): Topic {
    this.checkOpen();
    const topic = this.topics.get(name);
    if (!topic) throw new SluiceError('LOG_TOPIC_NOT_FOUND', `topic ${JSON.stringify(name)} does not exist`, { topic: name });
    return topic;
  }

  private partitionOf(name: string, partition: number): Partition {
    const topic = this.topicOf(name);
    const found = Number.isInteger(partition) ? topic.partitions[partition] : undefined;
    if (!found) {
      throw mismatch('LOG_PARTITION_NOT_FOUND', `partition of topic ${name}`, `0..${topic.partitions.length - 1}`, String(partition), { topic: name, partition });
    }
    return found;
  }

  private validatePartitionCount(count: number, what: string): void {
    if (!Number.isInteger(count) || count < 1) throw mismatch('LOG_PARTITIONS_INVALID', what, 'an integer >= 1', String(count));
    if (count > this.limits.partitionsPerTopicMax) {
      throw mismatch('LOG_PARTITIONS_INVALID', what, `at most ${this.limits.partitionsPerTopicMax} (limits.partitionsPerTopicMax)`, String(count));
    }
  }

  private createTopicNow(name: string, options: CreateTopicOptions): void {
    validateTopicName(name);
    if (this.topics.has(name)) throw new SluiceError('LOG_TOPIC_EXISTS', `topic ${JSON.stringify(name)} already exists`, { topic: name });
    if (this.topics.size >= this.limits.topicsMax) {
      throw mismatch('LOG_TOO_MANY_TOPICS', 'topics in the log', `at most ${this.limits.topicsMax} (limits.topicsMax)`, String(this.topics.size + 1));
    }
    this.validatePartitionCount(options.partitions, `partitions of topic ${name}`);
    const overrides: KafkaConfigMap = { ...(options.configs ?? {}) };
    const config = resolveTopicConfig(this.defaults, overrides);
    const topicDir = joinPath(this.topicsDir, name);
    if (this.fs.exists(topicDir)) this.fs.removeRecursive(topicDir);
    this.fs.mkdirp(topicDir);
    const topic: Topic = { name, overrides, config, partitions: [] };
    for (let partition = 0; partition < options.partitions; partition++) topic.partitions.push(this.openPartition(topic, partition));
    this.fs.syncDirectory(topicDir);
    this.writeTopicMetadata(topic);
    this.fs.syncDirectory(this.topicsDir);
    this.topics.set(name, topic);
  }

  async createTopic(name: string, options: CreateTopicOptions): Promise<void> {
    this.checkOpen();
    this.createTopicNow(name, options);
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.topicOf(name);
    if (name === CONSUMER_OFFSETS_TOPIC) throw new SluiceError('LOG_TOPIC_INTERNAL', `topic ${name} holds committed offsets and cannot be deleted`, { topic: name });
    this.topics.delete(name);
    await Promise.all(topic.partitions.map((partition) => partition.close()));
    const deletingDir = joinPath(this.dataDir, 'deleting');
    this.fs.mkdirp(deletingDir);
    const grave = joinPath(deletingDir, `${name}.${this.deletions++}`);
    this.fs.rename(joinPath(this.topicsDir, name), grave);
    this.fs.syncDirectory(this.topicsDir);
    this.fs.removeRecursive(grave);
    for (const chunk of this.groupOffsets.encodeDeletion({ topic: name }, this.clock.nowMs())) {
      await this.partitionOf(CONSUMER_OFFSETS_TOPIC, 0).append(chunk.batch);
      this.groupOffsets.applyDeletion(chunk.keys);
    }
  }

  listTopics(): string[] {
    this.checkOpen();
    return [...this.topics.keys()].sort();
  }

  hasTopic(name: string): boolean {
    this.checkOpen();
    return this.topics.has(name);
  }

  describeTopic(name: string): TopicDescription {
    const topic = this.topicOf(name);
    return { name, partitions: topic.partitions.length, configs: describeConfig(topic.config, topic.overrides), internal: name.startsWith('_') };
  }

  /** The typed effective config of a topic. */
  topicConfig(name: string): TopicConfig {
    const config = this.topicOf(name).config;
    return { ...config, durability: { ...config.durability } };
  }

  async alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<void> {
    const topic = this.topicOf(name);
    const overrides: KafkaConfigMap = { ...topic.overrides };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete overrides[key];
      else overrides[key] = value;
    }
    validateConfigMap(overrides);
    const config = resolveTopicConfig(this.defaults, overrides);
    const previous = { overrides: topic.overrides, config: topic.config };
    topic.overrides = overrides;
    topic.config = config;
    try {
      this.writeTopicMetadata(topic);
    } catch (error) {
      topic.overrides = previous.overrides;
      topic.config = previous.config;
      throw error;
    }
  }

  async createPartitions(name: string, totalPartitions: number): Promise<void> {
    const topic = this.topicOf(name);
    this.validatePartitionCount(totalPartitions, `partitions of topic ${name}`);
    if (totalPartitions <= topic.partitions.length) {
      throw mismatch('LOG_PARTITIONS_INVALID', `new partition count of topic ${name}`, `more than the current ${topic.partitions.length}`, String(totalPartitions));
    }
    const added: Partition[] = [];
    for (let partition = topic.partitions.length; partition < totalPartitions; partition++) {
      const directory = joinPath(this.topicsDir, name, String(partition));
      if (this.fs.exists(directory)) this.fs.removeRecursive(directory); // left by an uncommitted attempt
      added.push(this.openPartition(topic, partition));
    }
    topic.partitions.push(...added);
    this.writeTopicMetadata(topic);
  }

  // ---------------------------------------------------------------------------------------------
  // Data.

  append(topic: string, partition: number, batch: Buffer): Promise<AppendResult> {
    try {
      return this.partitionOf(topic, partition).append(batch);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async read(topic: string, partition: number, fromOffset: number, maxBytes: number): Promise<ReadResult> {
    return this.readNow(topic, partition, fromOffset, maxBytes);
  }

  /** `read` without the promise, for callers on a hot path. */
  readNow(topic: string, partition: number, fromOffset: number, maxBytes: number): ReadResult {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) throw mismatch('INVALID_ARGUMENT', 'read maxBytes', 'an integer >= 0', String(maxBytes));
    return this.partitionOf(topic, partition).read(fromOffset, maxBytes);
  }

  offsets(topic: string, partition: number): PartitionOffsets {
    return this.partitionOf(topic, partition).offsets();
  }

  async offsetForTime(topic: string, partition: number, timestampMs: number): Promise<OffsetForTime> {
    return this.partitionOf(topic, partition).offsetForTime(timestampMs);
  }

  waitForData(topic: string, partition: number, offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    try {
      return this.partitionOf(topic, partition).waitForData(offset, timeoutMs, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Fsyncs every partition now (whatever the durability setting). */
  async flush(): Promise<void> {
    this.checkOpen();
    const flushes: Promise<void>[] = [];
    for (const topic of this.topics.values()) for (const partition of topic.partitions) flushes.push(partition.flush());
    await Promise.all(flushes);
  }

  // ---------------------------------------------------------------------------------------------
  // Consumer-group offsets.

  async commitOffsets(group: string, offsets: Array<Omit<CommittedOffset, 'commitTimestampMs'>>): Promise<void> {
    this.checkOpen();
    const { batch, committed } = this.groupOffsets.encodeCommit(group, offsets, this.clock.nowMs());
    await this.partitionOf(CONSUMER_OFFSETS_TOPIC, 0).append(batch);
    this.groupOffsets.applyCommit(group, committed);
  }

  fetchOffsets(group: string): CommittedOffset[] {
    this.checkOpen();
    GroupOffsets.validateGroup(group);
    return this.groupOffsets.fetch(group);
  }

  listOffsetGroups(): string[] {
    this.checkOpen();
    return this.groupOffsets.listGroups();
  }

  async deleteOffsetGroup(group: string): Promise<void> {
    this.checkOpen();
    GroupOffsets.validateGroup(group);
    for (const chunk of this.groupOffsets.encodeDeletion({ group }, this.clock.nowMs())) {
      await this.partitionOf(CONSUMER_OFFSETS_TOPIC, 0).append(chunk.batch);
      this.groupOffsets.applyDeletion(chunk.keys);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Producer ids.

  async allocateProducerId(): Promise<number> {
    this.checkOpen();
    if (this.nextProducerId >= this.reservedProducerIdEnd) {
      const reservedEnd = this.nextProducerId + PRODUCER_ID_BLOCK;
      this.fs.writeFileAtomic(joinPath(this.dataDir, PRODUCER_IDS_FILE), Buffer.from(JSON.stringify({ reservedEnd })));
      this.reservedProducerIdEnd = reservedEnd;
    }
    return this.nextProducerId++;
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance.

  private scheduleMaintenance(): void {
    if (this.maintenanceIntervalMs <= 0 || this.closed) return;
    this.maintenanceTimer = this.clock.setTimer(this.maintenanceIntervalMs, () => {
      this.maintenanceTimer = null;
      this.runMaintenance()
        .catch(() => undefined)
        .finally(() => this.scheduleMaintenance());
    });
  }

  /** Runs retention, then compaction, on every partition now. */
  runMaintenance(): Promise<MaintenanceOutcome> {
    if (this.maintenanceRunning) return this.maintenanceRunning;
    this.maintenanceRunning = (async () => {
      try {
        const retention = this.enforceRetention();
        const compaction = await this.compact();
        return { retention, compaction };
      } finally {
        this.maintenanceRunning = null;
      }
    })();
    return this.maintenanceRunning;
  }

  /** Deletes expired segments in every partition; returns what went. */
  enforceRetention(): RetentionOutcome {
    this.checkOpen();
    const total: RetentionOutcome = { deletedSegments: 0, deletedBytes: 0 };
    const nowMs = this.clock.nowMs();
    for (const topic of [...this.topics.values()]) {
      for (const partition of topic.partitions) {
        try {
          const outcome = partition.enforceRetention(nowMs);
          total.deletedSegments += outcome.deletedSegments;
          total.deletedBytes += outcome.deletedBytes;
        } catch {
          // the partition records its failure; the others go on
        }
      }
    }
    return total;
  }

  /** Compacts every partition of every topic whose cleanup.policy includes compact. */
  async compact(): Promise<CompactionOutcome> {
    this.checkOpen();
    const total: CompactionOutcome = { segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
    for (const topic of [...this.topics.values()]) {
      if (!topic.config.cleanupPolicy.includes('compact')) continue;
      for (const partition of topic.partitions) {
        if (partition.isClosed) continue;
        const outcome = await compactPartition(partition, this.clock.nowMs());
        total.segmentsRewritten += outcome.segmentsRewritten;
        total.recordsRemoved += outcome.recordsRemoved;
        total.bytesBefore += outcome.bytesBefore;
        total.bytesAfter += outcome.bytesAfter;
      }
    }
    return total;
  }

  /** Rolls a partition's active segment now (tests; Kafka rolls by size). */
  rollSegment(topic: string, partition: number): void {
    this.partitionOf(topic, partition).roll();
  }

  /** The base offsets of a partition's segments (tests and tools). */
  segmentBaseOffsets(topic: string, partition: number): number[] {
    return this.partitionOf(topic, partition).segments.map((segment) => segment.baseOffset);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.maintenanceTimer?.cancel();
    this.maintenanceTimer = null;
    if (this.maintenanceRunning) await this.maintenanceRunning.catch(() => undefined);
    const closing: Promise<void>[] = [];
    for (const topic of this.topics.values()) for (const partition of topic.partitions) closing.push(partition.close());
    await Promise.all(closing);
  }
}
