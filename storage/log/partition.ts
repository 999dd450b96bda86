/**
 * One partition: an ordered list of segments in `<dataDir>/topics/<topic>/<partition>/`, the
 * offsets (log start, log end, high watermark), idempotent-producer state, durability (fsync per
 * append with group commit, by interval, or by the OS), readers waiting for data, retention.
 *
 * Appends are synchronous up to the write (so offsets are assigned in call order without locks);
 * only the wait for fsync is asynchronous. Under `every-append` the high watermark (what readers
 * see) moves only once a batch is durable, so no reader ever sees a batch a crash can take away.
 */
import type { Clock, Limits, Timer } from '../../common/index.js';
import { SluiceError, assert, mismatch } from '../../common/index.js';
import type { FileSystem } from '../fs/index.js';
import { joinPath } from '../fs/index.js';
import { ProducerStateTable, parseProducerSnapshot } from './producer-state.js';
import { decodeRecordBatch, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch, validateBatch } from './record-batch.js';
import { SEGMENT_FILE_SUFFIX, Segment, parseSegmentFileName, segmentFileName } from './segment.js';
import type { AppendResult, OffsetForTime, PartitionOffsets, ReadResult, TopicConfig } from './types.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './types.js';

const PRODUCER_SNAPSHOT_FILE = 'producer-snapshot.json';
/** Bound on readers waiting on one partition at once. */
export const WAITERS_PER_PARTITION_MAX = 100_000;

export interface PartitionContext {
  fs: FileSystem;
  clock: Clock;
  limits: Limits;
  indexIntervalBytes: number;
  topic: string;
  partition: number;
  directory: string;
  /** The topic's current config (it can change while the partition is open). */
  config: () => TopicConfig;
}

interface Waiter {
  offset: number;
  finish: (dataArrived: boolean) => void;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

export interface RetentionOutcome {
  deletedSegments: number;
  deletedBytes: number;
}

export class Partition {
  /** Oldest first; the last one is the active segment. Never empty. */
  segments: Segment[] = [];
  private logEndOffset = 0;
  private highWatermark = 0;
  /** Every offset below this is on disk and fsynced. */
  private durableOffset = 0;
  private producers = new ProducerStateTable();
  private readonly waiters = new Set<Waiter>();
  private failure: SluiceError | null = null;
  private closed = false;
  private syncRunning = false;
  private pendingSync: Deferred | null = null;
  private flushTimer: Timer | null = null;
  /** The segment an asynchronous fsync is running on (its file must stay open until it ends). */
  private syncingSegment: Segment | null = null;
  private closeAfterSync: Segment | null = null;
  /** Retention or compaction in progress (they never overlap). */
  maintenance: Promise<unknown> | null = null;

  private constructor(readonly context: PartitionContext) {}

  get topic(): string {
    return this.context.topic;
  }
  get partition(): number {
    return this.context.partition;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  get activeSegment(): Segment {
    return this.segments[this.segments.length - 1]!;
  }
  get logStartOffset(): number {
    return this.segments[0]!.baseOffset;
  }
  get nextOffset(): number {
    return this.logEndOffset;
  }

  // ---------------------------------------------------------------------------------------------
  // Opening and recovery.

  /** Opens (or creates) the partition directory and recovers it: see Segment.open for the tail. */
  static open(context: PartitionContext): Partition {
    const { fs, directory } = context;
    fs.mkdirp(directory);
    const partition = new Partition(context);
    const names = fs.readdir(directory);
    const baseOffsets: number[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp') || name.endsWith('.cleaned')) {
        fs.unlink(joinPath(directory, name));
        continue;
      }
      const baseOffset = parseSegmentFileName(name, SEGMENT_FILE_SUFFIX);
      if (baseOffset >= 0) baseOffsets.push(baseOffset);
    }
    baseOffsets.sort((a, b) => a - b);
    for (const name of names) {
      for (const suffix of ['.index', '.timeindex']) {
        const baseOffset = parseSegmentFileName(name, suffix);
        if (baseOffset >= 0 && !baseOffsets.includes(baseOffset)) fs.unlink(joinPath(directory, name));
      }
    }
    let cutFrom = -1;
    for (let index = 0; index < baseOffsets.length; index++) {
      const baseOffset = baseOffsets[index]!;
      const previous = partition.segments[partition.segments.length - 1];
      if (previous && baseOffset < previous.nextOffset) {
        cutFrom = index; // overlaps the previous segment: it cannot be trusted
        break;
      }
      const { segment, truncatedBytes } = Segment.open(fs, directory, baseOffset, context.indexIntervalBytes);
      partition.segments.push(segment);
      if (truncatedBytes > 0 && index < baseOffsets.length - 1) {
        cutFrom = index + 1; // a hole in the middle: everything after it is unreachable
        break;
      }
    }
    if (cutFrom >= 0) {
      for (const baseOffset of baseOffsets.slice(cutFrom)) {
        for (const suffix of [SEGMENT_FILE_SUFFIX, '.index', '.timeindex']) {
          const path = joinPath(directory, segmentFileName(baseOffset, suffix));
          if (fs.exists(path)) fs.unlink(path);
        }
      }
    }
    if (partition.segments.length === 0) partition.segments.push(Segment.create(fs, directory, 0, context.indexIntervalBytes));
    partition.logEndOffset = partition.activeSegment.nextOffset;
    partition.highWatermark = partition.logEndOffset;
    partition.durableOffset = partition.logEndOffset;
    partition.recoverProducerState();
    return partition;
  }

  private recoverProducerState(): void {
    const { fs, directory } = this.context;
    const snapshotPath = joinPath(directory, PRODUCER_SNAPSHOT_FILE);
    let replayFrom = this.activeSegment.baseOffset;
    this.producers = new ProducerStateTable();
    if (fs.exists(snapshotPath)) {
      const snapshot = parseProducerSnapshot(fs.readFile(snapshotPath).toString('utf8'));
      if (snapshot && snapshot.offset <= this.logEndOffset && snapshot.offset >= this.logStartOffset) {
        this.producers = ProducerStateTable.fromSnapshot(snapshot);
        replayFrom = snapshot.offset;
      }
    }
    for (const segment of this.segments) {
      if (segment.nextOffset <= replayFrom) continue;
      const start = segment.positionOf(replayFrom);
      if (start < 0) continue;
      segment.scan(start, segment.sizeBytes, false, (batch) => {
        if (batch.baseOffset < replayFrom) return true;
        const header = readBatchHeader(batch.buffer, batch.position);
        if (header.producerId >= 0) this.producers.update(header, batch.baseOffset, batch.lastOffset);
        return true;
      });
    }
  }

  private writeProducerSnapshot(): void {
    if (this.producers.size === 0 && !this.context.fs.exists(joinPath(this.context.directory, PRODUCER_SNAPSHOT_FILE))) return;
    const snapshot = this.producers.snapshot(this.logEndOffset);
    this.context.fs.writeFileAtomic(joinPath(this.context.directory, PRODUCER_SNAPSHOT_FILE), Buffer.from(JSON.stringify(snapshot)));
  }

  // ---------------------------------------------------------------------------------------------
  // Appending.

  private checkWritable(): void {
    if (this.closed) throw new SluiceError('LOG_CLOSED', `${this.topic}-${this.partition}: the partition is closed`, { topic: this.topic, partition: this.partition });
    if (this.failure) {
      throw new SluiceError('LOG_PARTITION_FAILED', `${this.topic}-${this.partition}: a disk operation failed (${this.failure.message}); reopen the log`, {
        topic: this.topic,
        partition: this.partition,
      }, { cause: this.failure });
    }
  }

  private fail(error: unknown): void {
    if (!this.failure) this.failure = error instanceof SluiceError ? error : new SluiceError('FS_IO', String(error), {}, { cause: error });
  }

  /**
   * Validates `batch`, assigns its offsets (rewriting its base offset in place: the log takes
   * ownership of the buffer), writes it, and resolves once it is as durable as the topic asks.
   */
  async append(batch: Buffer): Promise<AppendResult> {
    this.checkWritable();
    const config = this.context.config();
    const { limits } = this.context;
    const batchBytesMax = Math.min(config.maxMessageBytes, limits.batchBytesMax);
    if (batch.length > batchBytesMax) {
      throw mismatch('LOG_BATCH_TOO_LARGE', `record batch for ${this.topic}-${this.partition}`, `at most ${batchBytesMax} bytes (max.message.bytes / limits)`, `${batch.length}`);
    }
    const { header } = validateBatch(batch, { recordBytesMax: limits.recordBytesMax, requireKeys: config.cleanupPolicy !== 'delete' });
    if (header.recordCount === 0) throw mismatch('LOG_BATCH_CORRUPT', 'record count', 'at least 1', '0');
    if (header.producerId >= 0) {
      const check = this.producers.check(header);
      if (check.kind === 'duplicate') {
        const original = check.batch;
        if (original.lastOffset >= this.highWatermark) await this.syncThrough(original.lastOffset + 1);
        return { baseOffset: original.baseOffset, lastOffset: original.lastOffset, logAppendTimeMs: -1, logStartOffset: this.logStartOffset, duplicate: true };
      }
    }
    const baseOffset = this.logEndOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    setBaseOffset(batch, baseOffset);
    setPartitionLeaderEpoch(batch, 0);
    this.rollIfNeeded(batch.length, lastOffset, config);
    try {
      this.activeSegment.append(batch, baseOffset, lastOffset, header.maxTimestampMs);
    } catch (error) {
      if (!(error instanceof SluiceError && error.code === 'FS_NO_SPACE')) this.fail(error);
      throw error;
    }
    this.logEndOffset = lastOffset + 1;
    if (header.producerId >= 0) this.producers.update(header, baseOffset, lastOffset);
    const result: AppendResult = { baseOffset, lastOffset, logAppendTimeMs: -1, logStartOffset: this.logStartOffset, duplicate: false };
    const durability = config.durability;
    switch (durability.kind) {
      case 'every-append':
        await this.syncThrough(this.logEndOffset);
        break;
      case 'interval':
        this.advanceHighWatermark(this.logEndOffset);
        this.scheduleFlush(durability.flushIntervalMs);
        break;
      case 'os':
        this.advanceHighWatermark(this.logEndOffset);
        break;
    }
    return result;
  }

  private rollIfNeeded(batchBytes: number, lastOffset: number, config: TopicConfig): void {
    const active = this.activeSegment;
    if (active.isEmpty) return;
    const tooBig = active.sizeBytes + batchBytes > config.segmentBytes;
    const offsetsOverflow = lastOffset - active.baseOffset > 2_147_483_647;
    if (tooBig || offsetsOverflow) this.roll();
  }

  /** Closes the active segment for appends (synced, indexes written) and starts a new one at the log end. */
  roll(): void {
    const active = this.activeSegment;
    if (active.isEmpty) return;
    try {
      active.sync();
      active.persistIndexes();
      this.durableOffset = Math.max(this.durableOffset, this.logEndOffset);
      this.segments.push(Segment.create(this.context.fs, this.context.directory, this.logEndOffset, this.context.indexIntervalBytes));
      this.writeProducerSnapshot();
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Durability.

  /** Resolves once every offset below `endOffset` is fsynced (group commit: one fsync serves all waiting). */
  private syncThrough(endOffset: number): Promise<void> {
    if (this.durableOffset >= endOffset) {
      this.advanceHighWatermark(endOffset);
      return Promise.resolve();
    }
    if (!this.pendingSync) this.pendingSync = deferred();
    const waiting = this.pendingSync.promise;
    if (!this.syncRunning) void this.runSyncs();
    return waiting;
  }

  private async runSyncs(): Promise<void> {
    this.syncRunning = true;
    try {
      while (this.pendingSync) {
        const round = this.pendingSync;
        this.pendingSync = null;
        const coversOffset = this.logEndOffset;
        try {
          if (this.failure) throw this.failure;
          this.syncingSegment = this.activeSegment;
          await this.syncingSegment.syncAsync();
        } catch (error) {
          this.fail(error);
          round.reject(error);
          continue;
        } finally {
          if (this.closeAfterSync && this.closeAfterSync === this.syncingSegment) {
            this.closeAfterSync.close();
            this.closeAfterSync = null;
          }
          this.syncingSegment = null;
        }
        this.durableOffset = Math.max(this.durableOffset, coversOffset);
        this.advanceHighWatermark(coversOffset);
        round.resolve();
      }
    } finally {
      this.syncRunning = false;
    }
  }

  private scheduleFlush(intervalMs: number): void {
    if (this.flushTimer) return;
    this.flushTimer = this.context.clock.setTimer(intervalMs, () => {
      this.flushTimer = null;
      if (this.closed || this.failure) return;
      this.syncThrough(this.logEndOffset).catch(() => undefined);
    });
  }

  /** Fsyncs everything appended so far. */
  flush(): Promise<void> {
    if (this.closed || this.failure) return Promise.resolve();
    return this.syncThrough(this.logEndOffset);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading.

  offsets(): PartitionOffsets {
    return { logStartOffset: this.logStartOffset, highWatermark: this.highWatermark };
  }

  private checkReadable(): void {
    if (this.closed) throw new SluiceError('LOG_CLOSED', `${this.topic}-${this.partition}: the partition is closed`, { topic: this.topic, partition: this.partition });
  }

  /** Index of the last segment whose base offset is <= `offset` (0 when none). */
  segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.segments[middle]!.baseOffset <= offset) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  read(fromOffset: number, maxBytes: number): ReadResult {
    this.checkReadable();
    const logStartOffset = this.logStartOffset;
    const highWatermark = this.highWatermark;
    if (!Number.isInteger(fromOffset) || fromOffset < logStartOffset || fromOffset > highWatermark) {
      throw mismatch('LOG_OFFSET_OUT_OF_RANGE', `read offset for ${this.topic}-${this.partition}`, `an offset in [${logStartOffset}, ${highWatermark}]`, String(fromOffset), {
        topic: this.topic,
        partition: this.partition,
        logStartOffset,
        highWatermark,
      });
    }
    const batches: Buffer[] = [];
    let bytes = 0;
    let offset = fromOffset;
    for (let index = this.segmentIndexFor(fromOffset); index < this.segments.length && offset < highWatermark; index++) {
      const segment = this.segments[index]!;
      const slice = segment.read(offset, maxBytes - bytes, highWatermark, batches.length === 0);
      for (const batch of slice.batches) batches.push(batch);
      bytes += slice.bytes;
      if (!slice.reachedEnd || bytes >= maxBytes) break;
      const next = this.segments[index + 1];
      if (next) offset = next.baseOffset;
    }
    assert(batches.length === 0 || fromOffset <= highWatermark, 'reads stay below the high watermark');
    return { batches, bytes, highWatermark, logStartOffset };
  }

  offsetForTime(timestampMs: number): OffsetForTime {
    this.checkReadable();
    if (timestampMs === EARLIEST_TIMESTAMP) return { offset: this.logStartOffset, timestampMs: -1 };
    if (timestampMs === LATEST_TIMESTAMP) return { offset: this.highWatermark, timestampMs: -1 };
    if (!Number.isInteger(timestampMs) || timestampMs < 0) {
      throw mismatch('INVALID_ARGUMENT', 'ListOffsets timestamp', '-2 (earliest), -1 (latest) or a timestamp >= 0', String(timestampMs));
    }
    const highWatermark = this.highWatermark;
    for (const segment of this.segments) {
      if (segment.maxTimestampMs < timestampMs) continue;
      let found: OffsetForTime | null = null;
      segment.scan(segment.positionForTimestamp(timestampMs), segment.sizeBytes, false, (batch) => {
        if (batch.baseOffset >= highWatermark) return false;
        if (batch.maxTimestampMs < timestampMs) return true;
        const { records } = decodeRecordBatch(batch.buffer.subarray(batch.position, batch.position + batch.sizeBytes));
        for (const record of records) {
          if (record.timestampMs >= timestampMs) {
            found = { offset: record.offset, timestampMs: record.timestampMs };
            return false;
          }
        }
        return true;
      });
      if (found) return found;
    }
    return { offset: -1, timestampMs: -1 };
  }

  // ---------------------------------------------------------------------------------------------
  // Waiting for data.

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.highWatermark) return;
    assert(offset <= this.logEndOffset, 'the high watermark never passes the log end', { offset, logEndOffset: this.logEndOffset });
    this.highWatermark = offset;
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) if (offset > waiter.offset) waiter.finish(true);
  }

  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.highWatermark > offset) return Promise.resolve(true);
    if (this.closed || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    if (this.waiters.size >= WAITERS_PER_PARTITION_MAX) {
      throw mismatch('LIMIT_EXCEEDED', `readers waiting on ${this.topic}-${this.partition}`, `at most ${WAITERS_PER_PARTITION_MAX}`, String(this.waiters.size + 1));
    }
    return new Promise<boolean>((resolve) => {
      let done = false;
      const onAbort = (): void => finish(false);
      const waiter: Waiter = { offset, finish: (dataArrived) => finish(dataArrived) };
      const timer = this.context.clock.setTimer(timeoutMs, () => finish(false));
      function finish(this: void, dataArrived: boolean): void {
        if (done) return;
        done = true;
        timer.cancel();
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
        resolve(dataArrived);
      }
      const waiters = this.waiters;
      waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Retention.

  /** Deletes whole segments that are past retention.ms (by their newest timestamp) or beyond retention.bytes. */
  enforceRetention(nowMs: number): RetentionOutcome {
    const outcome: RetentionOutcome = { deletedSegments: 0, deletedBytes: 0 };
    const config = this.context.config();
    if (this.closed || this.failure || config.cleanupPolicy === 'compact' || this.maintenance) return outcome;
    let deletable = 0;
    if (config.retentionMs >= 0) {
      while (deletable < this.segments.length) {
        const segment = this.segments[deletable]!;
        if (segment.isEmpty || nowMs - segment.maxTimestampMs <= config.retentionMs) break;
        deletable++;
      }
    }
    if (config.retentionBytes >= 0) {
      let totalBytes = 0;
      for (const segment of this.segments) totalBytes += segment.sizeBytes;
      for (let index = 0; index < deletable; index++) totalBytes -= this.segments[index]!.sizeBytes;
      while (deletable < this.segments.length) {
        const segment = this.segments[deletable]!;
        if (segment.isEmpty || totalBytes - segment.sizeBytes < config.retentionBytes) break;
        totalBytes -= segment.sizeBytes;
        deletable++;
      }
    }
    if (deletable === 0) return outcome;
    try {
      if (deletable === this.segments.length) this.roll();
      for (let index = 0; index < deletable; index++) {
        const segment = this.segments[index]!;
        outcome.deletedBytes += segment.sizeBytes;
        segment.deleteFiles();
        // A segment with an fsync in flight keeps its (unlinked) file open until the fsync ends.
        if (segment === this.syncingSegment) this.closeAfterSync = segment;
        else segment.close();
        outcome.deletedSegments++;
      }
      this.segments.splice(0, deletable);
      this.context.fs.syncDirectory(this.context.directory);
    } catch (error) {
      this.fail(error);
      throw error;
    }
    assert(this.segments.length > 0, 'a partition keeps an active segment');
    return outcome;
  }

  // ---------------------------------------------------------------------------------------------
  // Closing.

  /** Flushes, writes the active segment's indexes and the producer snapshot, closes files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushTimer?.cancel();
    this.flushTimer = null;
    for (const waiter of [...this.waiters]) waiter.finish(false);
    if (this.maintenance) await this.maintenance.catch(() => undefined);
    while (this.syncRunning) await new Promise((resolve) => setImmediate(resolve));
    if (!this.failure) {
      try {
        this.activeSegment.sync();
        this.activeSegment.persistIndexes();
        this.writeProducerSnapshot();
      } catch (error) {
        this.fail(error);
      }
    }
    for (const segment of this.segments) {
      try {
        segment.close();
      } catch {
        // closing after a simulated crash: the handle is gone with the disk
      }
    }
  }
}
