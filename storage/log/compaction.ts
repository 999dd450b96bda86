/**
 * Log compaction for `cleanup.policy=compact`: keeps the latest record per key, drops tombstones
 * older than `delete.retention.ms`, and keeps every kept record's offset.
 *
 * Only closed segments old enough for `min.compaction.lag.ms` are touched (never the active one).
 * Pass 1 maps each key to its latest offset in those segments; pass 2 rewrites each segment into
 * `<base>.log.cleaned` — a batch whose records all survive is copied byte for byte, a batch that
 * loses some is re-encoded with the same base offset, lastOffsetDelta, producer fields and
 * compression (so offsets and the partition's next offset never move), an emptied batch is
 * dropped — then swaps it in (Segment.replaceWith). The work is cut into slices of a few MiB with
 * a yield to the event loop between them, so appends and reads carry on meanwhile.
 */
import { assert } from '../../common/index.js';
import type { Partition } from './partition.js';
import type { FileHandle } from '../fs/index.js';
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js';
import type { RecordToEncode } from './record-batch.js';
import type { ScannedBatch, Segment } from './segment.js';

/** Bytes of log processed between two yields to the event loop. */
export const COMPACTION_SLICE_BYTES = 4 * 1024 * 1024;
/** Bound on distinct keys mapped in one run; segments past it wait for the next run. */
export const COMPACTION_KEYS_MAX = 2_000_000;
/** Cleaned bytes buffered before one write. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

export interface CompactionOutcome {
  segmentsRewritten: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Walks a segment in slices, yielding between them; stops early when the partition closes. */
async function scanInSlices(partition: Partition, segment: Segment, visit: (batch: ScannedBatch) => void): Promise<boolean> {
  let position = 0;
  const end = segment.sizeBytes;
  while (position < end) {
    if (partition.isClosed) return false;
    let sliceBytes = 0;
    let next = position;
    segment.scan(position, end, false, (batch) => {
      if (sliceBytes >= COMPACTION_SLICE_BYTES) return false;
      visit(batch);
      sliceBytes += batch.sizeBytes;
      next = batch.filePosition + batch.sizeBytes;
      return true;
    });
    assert(next > position, 'compaction scan makes progress', { position, end });
    position = next;
    await yieldToEventLoop();
  }
  return !partition.isClosed;
}

class BufferedWriter {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  writtenBytes = 0;

  constructor(private readonly handle: FileHandle) {}

  write(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.bufferedBytes += bytes.length;
    if (this.bufferedBytes >= WRITE_BUFFER_BYTES) this.drain();
  }

  drain(): void {
    if (this.bufferedBytes === 0) return;
    this.handle.append(Buffer.concat(this.chunks, this.bufferedBytes));
    this.writtenBytes += this.bufferedBytes;
    this.chunks = [];
    this.bufferedBytes = 0;
  }
}

export async function compactPartition(partition: Partition, nowMs: number): Promise<CompactionOutcome> {
  const outcome: CompactionOutcome = { segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
  if (partition.maintenance || partition.isClosed) return outcome;
  const run = runCompaction(partition, nowMs, outcome);
  partition.maintenance = run;
  try {
    await run;
  } finally {
    partition.maintenance = null;
  }
  return outcome;
}

async function runCompaction(partition: Partition, nowMs: number, outcome: CompactionOutcome): Promise<void> {
  const config = partition.context.config();
  const candidates: Segment[] = [];
  for (const segment of partition.segments.slice(0, -1)) {
    if (segment.isEmpty) continue;
    if (nowMs - segment.maxTimestampMs < config.minCompactionLagMs) break;
    candidates.push(segment);
  }
  if (candidates.length === 0) return;

  // Pass 1: the latest offset of every key.
  const latestOffsetByKey = new Map<string, number>();
  let mapped = 0;
  for (const segment of candidates) {
    const complete = await scanInSlices(partition, segment, (batch) => {
      const { header, records } = decodeRecordBatch(batch.buffer.subarray(batch.position, batch.position + batch.sizeBytes));
      if (header.control) return;
      for (const record of records) if (record.key) latestOffsetByKey.set(record.key.toString('latin1'), record.offset);
    });
    if (!complete) return;
    mapped++;
    if (latestOffsetByKey.size >= COMPACTION_KEYS_MAX) break;
  }

  // Pass 2: rewrite each mapped segment.
  const { fs } = partition.context;
  for (const segment of candidates.slice(0, mapped)) {
    if (partition.isClosed || !partition.segments.includes(segment)) return;
    const cleanedPath = `${segment.logPath}.cleaned`;
    const handle = fs.open(cleanedPath, 'create-truncate');
    const writer = new BufferedWriter(handle);
    let changed = false;
    let removed = 0;
    const sizeBefore = segment.sizeBytes;
    let complete = false;
    try {
      complete = await scanInSlices(partition, segment, (batch) => {
        const bytes = batch.buffer.subarray(batch.position, batch.position + batch.sizeBytes);
        const { header, records } = decodeRecordBatch(bytes);
        const kept = header.control
          ? records
          : records.filter((record) => {
              if (!record.key) return true;
              if (latestOffsetByKey.get(record.key.toString('latin1')) !== record.offset) return false;
              return record.value !== null || nowMs - record.timestampMs <= config.deleteRetentionMs;
            });
        if (kept.length === records.length) {
          writer.write(Buffer.from(bytes)); // the scan buffer is reused: copy
          return;
        }
        changed = true;
        removed += records.length - kept.length;
        if (kept.length === 0) return;
        const rewritten = encodeRecordBatch(
          kept.map(
            (record): RecordToEncode => ({
              key: record.key,
              value: record.value,
              headers: record.headers,
              timestampMs: record.timestampMs,
              offsetDelta: record.offset - header.baseOffset,
            }),
          ),
          {
            baseOffset: header.baseOffset,
            compression: header.compression === 'gzip' ? 'gzip' : 'none',
            timestampType: header.timestampType,
            transactional: header.transactional,
            partitionLeaderEpoch: header.partitionLeaderEpoch,
            producerId: header.producerId,
            producerEpoch: header.producerEpoch,
            baseSequence: header.baseSequence,
            lastOffsetDelta: header.lastOffsetDelta,
            baseTimestampMs: header.baseTimestampMs,
            maxTimestampMs: header.maxTimestampMs,
          },
        );
        writer.write(rewritten);
      });
      writer.drain();
      if (complete && changed) handle.sync();
    } finally {
      handle.close();
    }
    if (!complete || !changed || partition.isClosed || !partition.segments.includes(segment)) {
      if (fs.exists(cleanedPath)) fs.unlink(cleanedPath);
      if (!complete) return;
      continue;
    }
    segment.replaceWith(cleanedPath);
    outcome.segmentsRewritten++;
    outcome.recordsRemoved += removed;
    outcome.bytesBefore += sizeBefore;
    outcome.bytesAfter += segment.sizeBytes;
    await yieldToEventLoop();
  }
}
