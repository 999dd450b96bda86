/**
 * A segment: one file `<base offset, 20 digits>.log` of RecordBatch v2 bytes back to back, exactly
 * as appended (offsets assigned), plus its sparse indexes (segment-index.ts). Only the last
 * segment of a partition (the active one) is appended to; compaction replaces older ones whole.
 */
import { SluiceError, assert } from '../../common/index.js';
import type { FileHandle, FileSystem } from '../fs/index.js';
import { joinPath } from '../fs/index.js';
import {
  RECORD_BATCH_HEADER_BYTES,
  RECORD_BATCH_MAGIC,
  batchCrcMatches,
  batchLastOffset,
  batchMaxTimestampMs,
  batchSizeAt,
  readInt64,
} from './record-batch.js';
import { SegmentIndex } from './segment-index.js';

export const SEGMENT_FILE_SUFFIX = '.log';
const OFFSET_DIGITS = 20;
/** Bytes read per system call when scanning a segment. */
const SCAN_CHUNK_BYTES = 1024 * 1024;
/** Bytes read to learn one batch's offsets, length and timestamps. */
const HEADER_PEEK_BYTES = 43;
const RELATIVE_OFFSET_MAX = 2_147_483_647;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(OFFSET_DIGITS, '0') + suffix;
}

/** The base offset a segment file name carries, or -1 when the name is not a segment's. */
export function parseSegmentFileName(name: string, suffix = SEGMENT_FILE_SUFFIX): number {
  if (!name.endsWith(suffix)) return -1;
  const digits = name.slice(0, name.length - suffix.length);
  if (digits.length !== OFFSET_DIGITS || !/^\d+$/.test(digits)) return -1;
  return Number(digits);
}

/** A batch seen while scanning: `buffer[position..position+sizeBytes)` is the batch at `filePosition`. */
export interface ScannedBatch {
  buffer: Buffer;
  position: number;
  filePosition: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestampMs: number;
}

export type ScanStop = 'end' | 'torn' | 'corrupt' | 'visitor';

export interface ReadSlice {
  batches: Buffer[];
  bytes: number;
  reachedEnd: boolean;
}

export class Segment {
  /** Offset after the last batch (the base offset when empty). */
  nextOffset: number;
  private handle: FileHandle;
  private index: SegmentIndex;
  /** Log bytes described by the index files on disk (0 when none). */
  private persistedCoverageBytes = 0;
  private readonly peek = Buffer.alloc(HEADER_PEEK_BYTES);

  private constructor(
    private readonly fs: FileSystem,
    readonly directory: string,
    readonly baseOffset: number,
    handle: FileHandle,
    private readonly indexIntervalBytes: number,
  ) {
    this.handle = handle;
    this.index = new SegmentIndex(indexIntervalBytes);
    this.nextOffset = baseOffset;
  }

  get logPath(): string {
    return joinPath(this.directory, segmentFileName(this.baseOffset, SEGMENT_FILE_SUFFIX));
  }
  get offsetIndexPath(): string {
    return joinPath(this.directory, segmentFileName(this.baseOffset, '.index'));
  }
  get timeIndexPath(): string {
    return joinPath(this.directory, segmentFileName(this.baseOffset, '.timeindex'));
  }
  get sizeBytes(): number {
    return this.handle.sizeBytes();
  }
  get maxTimestampMs(): number {
    return this.index.maxTimestampMs;
  }
  get isEmpty(): boolean {
    return this.handle.sizeBytes() === 0;
  }

  static create(fs: FileSystem, directory: string, baseOffset: number, indexIntervalBytes: number): Segment {
    const path = joinPath(directory, segmentFileName(baseOffset, SEGMENT_FILE_SUFFIX));
    const handle = fs.open(path, 'create-truncate');
    fs.syncDirectory(directory);
    const segment = new Segment(fs, directory, baseOffset, handle, indexIntervalBytes);
    for (const stale of [segment.offsetIndexPath, segment.timeIndexPath]) if (fs.exists(stale)) fs.unlink(stale);
    return segment;
  }

  /**
   * Opens an existing segment and brings its in-memory state up to date: trusts the prefix its
   * index files cover, scans the rest verifying every batch, and truncates at the first torn or
   * corrupt one. Returns how many bytes were cut.
   */
  static open(fs: FileSystem, directory: string, baseOffset: number, indexIntervalBytes: number): { segment: Segment; truncatedBytes: number } {
    const path = joinPath(directory, segmentFileName(baseOffset, SEGMENT_FILE_SUFFIX));
    const handle = fs.open(path, 'read-write');
    const segment = new Segment(fs, directory, baseOffset, handle, indexIntervalBytes);
    const loaded = SegmentIndex.load(fs, segment.offsetIndexPath, segment.timeIndexPath, handle.sizeBytes(), indexIntervalBytes);
    let scanFrom = 0;
    if (loaded && loaded.coverage.nextOffset >= baseOffset) {
      segment.index = loaded.index;
      segment.nextOffset = loaded.coverage.nextOffset;
      segment.persistedCoverageBytes = loaded.coverage.coveredBytes;
      scanFrom = loaded.coverage.coveredBytes;
    }
    const truncatedBytes = segment.recoverFrom(scanFrom);
    return { segment, truncatedBytes };
  }

  private recoverFrom(position: number): number {
    const sizeBytes = this.handle.sizeBytes();
    let expectedNextOffset = this.nextOffset;
    let validEnd = position;
    this.scan(position, sizeBytes, true, (batch) => {
      if (batch.baseOffset < expectedNextOffset || batch.lastOffset < batch.baseOffset || batch.lastOffset - this.baseOffset > RELATIVE_OFFSET_MAX) {
        return false;
      }
      this.index.onBatch(batch.baseOffset - this.baseOffset, batch.filePosition, batch.sizeBytes, batch.maxTimestampMs);
      expectedNextOffset = batch.lastOffset + 1;
      validEnd = batch.filePosition + batch.sizeBytes;
      return true;
    });
    this.nextOffset = expectedNextOffset;
    if (validEnd < sizeBytes) {
      this.handle.truncate(validEnd);
      this.handle.sync();
    }
    return sizeBytes - validEnd;
  }

  /**
   * Walks the batches in [from, to), reading in large chunks. With `verify`, each batch's magic
   * and CRC are checked. The visitor returns false to stop. Reports why the walk ended.
   */
  scan(from: number, to: number, verify: boolean, visit: (batch: ScannedBatch) => boolean): ScanStop {
    let chunk = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, Math.max(0, to - from)));
    let chunkStart = from;
    let chunkLength = 0;
    let position = from;
    while (position < to) {
      let offsetInChunk = position - chunkStart;
      if (offsetInChunk + RECORD_BATCH_HEADER_BYTES > chunkLength) {
        chunkStart = position;
        chunkLength = this.handle.read(chunk, 0, Math.min(chunk.length, to - position), position);
        offsetInChunk = 0;
        if (chunkLength < RECORD_BATCH_HEADER_BYTES) return 'torn';
      }
      const sizeBytes = batchSizeAt(chunk, offsetInChunk);
      if (sizeBytes < RECORD_BATCH_HEADER_BYTES || chunk[offsetInChunk + 16] !== RECORD_BATCH_MAGIC) return 'corrupt';
      if (position + sizeBytes > to) return 'torn';
      if (offsetInChunk + sizeBytes > chunkLength) {
        if (sizeBytes > chunk.length) chunk = Buffer.allocUnsafe(sizeBytes);
        chunkStart = position;
        chunkLength = this.handle.read(chunk, 0, Math.min(chunk.length, to - position), position);
        offsetInChunk = 0;
        if (chunkLength < sizeBytes) return 'torn';
      }
      if (verify && !batchCrcMatches(chunk, offsetInChunk, sizeBytes)) return 'corrupt';
      const keepGoing = visit({
        buffer: chunk,
        position: offsetInChunk,
        filePosition: position,
        sizeBytes,
        baseOffset: readInt64(chunk, offsetInChunk),
        lastOffset: batchLastOffset(chunk, offsetInChunk),
        maxTimestampMs: batchMaxTimestampMs(chunk, offsetInChunk),
      });
      if (!keepGoing) return 'visitor';
      position += sizeBytes;
    }
    return 'end';
  }

  /** Appends one batch whose offsets are already assigned. */
  append(batch: Buffer, baseOffset: number, lastOffset: number, maxTimestampMs: number): void {
    assert(baseOffset >= this.nextOffset, 'segment append offsets increase', { baseOffset, nextOffset: this.nextOffset });
    assert(lastOffset - this.baseOffset <= RELATIVE_OFFSET_MAX, 'relative offsets fit in int32', { lastOffset, baseOffset: this.baseOffset });
    const position = this.handle.sizeBytes();
    try {
      this.handle.append(batch);
    } catch (error) {
      // A short write (ENOSPC) leaves part of the batch: cut it so the segment stays whole batches.
      if (!(error instanceof SluiceError && error.code === 'FS_CRASHED')) {
        try {
          this.handle.truncate(position);
        } catch {
          throw new SluiceError('LOG_PARTITION_FAILED', `${this.logPath}: a failed append could not be undone; reopen the log`, { path: this.logPath }, { cause: error });
        }
      }
      throw error;
    }
    this.index.onBatch(baseOffset - this.baseOffset, position, batch.length, maxTimestampMs);
    this.nextOffset = lastOffset + 1;
  }

  /** Reads the 43-byte head of the batch at `position` into the shared peek buffer. */
  private peekAt(position: number): Buffer | null {
    const read = this.handle.read(this.peek, 0, HEADER_PEEK_BYTES, position);
    return read === HEADER_PEEK_BYTES ? this.peek : null;
  }

  /** Position of the first batch whose last offset is >= `offset`, or -1 when none before `endPosition`. */
  positionOf(offset: number, endPosition = this.handle.sizeBytes()): number {
    let position = this.index.positionForOffset(Math.max(0, offset - this.baseOffset));
    while (position < endPosition) {
      const head = this.peekAt(position);
      if (!head) return -1;
      const sizeBytes = batchSizeAt(head, 0);
      assert(sizeBytes >= RECORD_BATCH_HEADER_BYTES, 'stored batch has a valid length', { path: this.logPath, position, sizeBytes });
      if (batchLastOffset(head, 0) >= offset) return position;
      position += sizeBytes;
    }
    return -1;
  }

  /**
   * Whole batches from the one holding `fromOffset`, up to `maxBytes`, none at or beyond
   * `endOffsetExclusive`. With `atLeastOne`, the first batch is returned even when larger than
   * `maxBytes`. `reachedEnd` tells whether nothing readable is left in this segment after them.
   */
  read(fromOffset: number, maxBytes: number, endOffsetExclusive: number, atLeastOne: boolean): ReadSlice {
    const end = this.handle.sizeBytes();
    const start = this.positionOf(fromOffset, end);
    if (start < 0) return { batches: [], bytes: 0, reachedEnd: true };
    // positionOf left the head of the batch at `start` in `this.peek`.
    if (readInt64(this.peek, 0) >= endOffsetExclusive) return { batches: [], bytes: 0, reachedEnd: true };
    const firstSize = batchSizeAt(this.peek, 0);
    assert(firstSize >= RECORD_BATCH_HEADER_BYTES && start + firstSize <= end, 'stored batch fits in its segment', { path: this.logPath, start, firstSize });
    if (firstSize > maxBytes && !atLeastOne) return { batches: [], bytes: 0, reachedEnd: false };
    // Read up to a known batch boundary (segment end or an index entry) so no bytes are read twice.
    const budgetEnd = start + Math.max(maxBytes, firstSize);
    let readEnd = Math.min(budgetEnd, end);
    if (budgetEnd < end) {
      // The last indexed batch start below the budget: if that batch does not fit, stop exactly
      // before it; if it fits, read to the budget and cut the partial batch at the end.
      const boundary = this.index.batchStartAtOrBelow(budgetEnd);
      if (boundary >= start + firstSize) {
        const head = this.peekAt(boundary);
        if (head && boundary + batchSizeAt(head, 0) > budgetEnd) readEnd = boundary;
      }
    }
    const length = readEnd - start;
    const buffer = Buffer.allocUnsafe(length);
    const read = this.handle.read(buffer, 0, length, start);
    assert(read === length, 'segment read returns the bytes below its size', { path: this.logPath, start, length, read });
    const batches: Buffer[] = [];
    let position = 0;
    let stoppedAtEndOffset = false;
    while (position + RECORD_BATCH_HEADER_BYTES <= length) {
      const sizeBytes = batchSizeAt(buffer, position);
      assert(buffer[position + 16] === RECORD_BATCH_MAGIC && sizeBytes >= RECORD_BATCH_HEADER_BYTES, 'stored batch header is sane', { path: this.logPath, position: start + position });
      if (position + sizeBytes > length) break;
      if (readInt64(buffer, position) >= endOffsetExclusive) {
        stoppedAtEndOffset = true;
        break;
      }
      batches.push(buffer.subarray(position, position + sizeBytes));
      position += sizeBytes;
    }
    return { batches, bytes: position, reachedEnd: stoppedAtEndOffset || start + position === end };
  }

  /** Position to start scanning from for the first record with timestamp >= `timestampMs`. */
  positionForTimestamp(timestampMs: number): number {
    return this.index.positionForTimestamp(timestampMs);
  }

  sync(): void {
    this.handle.sync();
  }

  syncAsync(): Promise<void> {
    return this.handle.syncAsync();
  }

  /** Writes the index files describing the whole segment. Call after `sync()`. */
  persistIndexes(): void {
    const sizeBytes = this.handle.sizeBytes();
    if (this.persistedCoverageBytes === sizeBytes && sizeBytes > 0) return;
    this.index.persist(this.fs, this.offsetIndexPath, this.timeIndexPath, {
      coveredBytes: sizeBytes,
      nextOffset: this.nextOffset,
      maxTimestampMs: this.index.maxTimestampMs,
    });
    this.persistedCoverageBytes = sizeBytes;
  }

  close(): void {
    this.handle.close();
  }

  /** Removes the segment's files; the handle stays usable until close(). */
  deleteFiles(): void {
    for (const path of [this.offsetIndexPath, this.timeIndexPath, this.logPath]) if (this.fs.exists(path)) this.fs.unlink(path);
  }

  /**
   * Replaces this segment's file by `replacementPath` (a fully written, synced segment with the
   * same base offset): drops the old index files, renames the replacement over the log file,
   * reopens and re-indexes it. A crash in between leaves either file with no index, which the
   * next open rebuilds.
   */
  replaceWith(replacementPath: string): void {
    for (const path of [this.offsetIndexPath, this.timeIndexPath]) if (this.fs.exists(path)) this.fs.unlink(path);
    this.fs.rename(replacementPath, this.logPath);
    this.fs.syncDirectory(this.directory);
    this.handle.close();
    this.handle = this.fs.open(this.logPath, 'read-write');
    const previousNextOffset = this.nextOffset;
    this.index = new SegmentIndex(this.indexIntervalBytes);
    this.nextOffset = this.baseOffset;
    this.persistedCoverageBytes = 0;
    const truncated = this.recoverFrom(0);
    assert(truncated === 0, 'a compacted segment is whole', { path: this.logPath, truncated });
    // The cleaned file may end with fewer offsets; the partition's offsets never move back.
    this.nextOffset = Math.max(this.nextOffset, previousNextOffset);
    this.persistIndexes();
  }
}
