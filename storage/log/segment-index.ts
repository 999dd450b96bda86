/**
 * A segment's sparse indexes, kept in memory and written to `<base>.index` / `<base>.timeindex`
 * when the segment rolls and when the log closes.
 *
 * Offset index: one entry every `indexIntervalBytes` of log: (offset relative to the segment base,
 * byte position of the batch that starts there).
 * Time index: at the same points, when the largest timestamp seen before that batch has grown:
 * (that timestamp, relative offset, position). Every record before the entry's batch has a
 * timestamp <= the entry's, so a search for "first record with timestamp >= T" may start at the
 * batch of the last entry whose timestamp is < T.
 *
 * Each file carries how many log bytes it covers, the segment's next offset and largest timestamp
 * at that point, and a CRC-32C. Coverage makes a stale file still useful: recovery trusts the
 * covered prefix (it was fsynced before the index was written) and scans only the rest.
 */
import type { FileSystem } from '../fs/index.js';
import { crc32c } from './crc32c.js';
import { readInt64, writeInt64 } from './record-batch.js';

const OFFSET_INDEX_MAGIC = 0x534c4f49; // "SLOI"
const TIME_INDEX_MAGIC = 0x534c5449; // "SLTI"
const FILE_HEADER_BYTES = 32;
const CRC_BYTES = 4;
const OFFSET_ENTRY_BYTES = 8;
const TIME_ENTRY_BYTES = 16;

/** What an index file says about the log prefix it covers. */
export interface IndexCoverage {
  coveredBytes: number;
  nextOffset: number;
  maxTimestampMs: number;
}

export class SegmentIndex {
  readonly offsetRelative: number[] = [];
  readonly offsetPosition: number[] = [];
  readonly timeTimestampMs: number[] = [];
  readonly timeRelative: number[] = [];
  readonly timePosition: number[] = [];
  private bytesSinceEntry = 0;
  /** Largest timestamp of the batches seen so far (-1 when none). */
  maxTimestampMs = -1;
  private maxTimestampAtLastTimeEntryMs = -1;

  constructor(private readonly indexIntervalBytes: number) {}

  /** Called for every batch, in order, before its bytes count as part of the segment. */
  onBatch(relativeOffset: number, position: number, sizeBytes: number, batchMaxTimestampMs: number): void {
    if (position > 0 && this.bytesSinceEntry >= this.indexIntervalBytes) {
      this.offsetRelative.push(relativeOffset);
      this.offsetPosition.push(position);
      if (this.maxTimestampMs > this.maxTimestampAtLastTimeEntryMs) {
        this.timeTimestampMs.push(this.maxTimestampMs);
        this.timeRelative.push(relativeOffset);
        this.timePosition.push(position);
        this.maxTimestampAtLastTimeEntryMs = this.maxTimestampMs;
      }
      this.bytesSinceEntry = 0;
    }
    this.bytesSinceEntry += sizeBytes;
    if (batchMaxTimestampMs > this.maxTimestampMs) this.maxTimestampMs = batchMaxTimestampMs;
  }

  /** Position of the last indexed batch whose relative offset is <= `relativeOffset` (0 if none). */
  positionForOffset(relativeOffset: number): number {
    const entries = this.offsetRelative;
    let low = 0;
    let high = entries.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (entries[middle]! <= relativeOffset) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found < 0 ? 0 : this.offsetPosition[found]!;
  }

  /** The largest indexed batch position <= `position` (-1 when none): a batch boundary to read up to. */
  batchStartAtOrBelow(position: number): number {
    const positions = this.offsetPosition;
    let low = 0;
    let high = positions.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (positions[middle]! <= position) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found < 0 ? -1 : positions[found]!;
  }

  /** Position from which to scan for the first record with timestamp >= `timestampMs`. */
  positionForTimestamp(timestampMs: number): number {
    const entries = this.timeTimestampMs;
    let low = 0;
    let high = entries.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (entries[middle]! < timestampMs) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found < 0 ? 0 : this.timePosition[found]!;
  }

  /** Drops entries at or after `position` (after a truncation); the caller re-feeds later batches. */
  truncateTo(position: number): void {
    while (this.offsetPosition.length > 0 && this.offsetPosition[this.offsetPosition.length - 1]! >= position) {
      this.offsetPosition.pop();
      this.offsetRelative.pop();
    }
    while (this.timePosition.length > 0 && this.timePosition[this.timePosition.length - 1]! >= position) {
      this.timePosition.pop();
      this.timeRelative.pop();
      this.timeTimestampMs.pop();
    }
  }

  // ---- persistence ----

  private static frame(magic: number, count: number, coverage: IndexCoverage, entryBytes: number): Buffer {
    const buffer = Buffer.alloc(FILE_HEADER_BYTES + count * entryBytes + CRC_BYTES);
    buffer.writeUInt32BE(magic, 0);
    buffer.writeUInt32BE(count, 4);
    writeInt64(buffer, 8, coverage.coveredBytes);
    writeInt64(buffer, 16, coverage.nextOffset);
    writeInt64(buffer, 24, coverage.maxTimestampMs);
    return buffer;
  }

  private static seal(buffer: Buffer): Buffer {
    buffer.writeUInt32BE(crc32c(buffer, 0, buffer.length - CRC_BYTES), buffer.length - CRC_BYTES);
    return buffer;
  }

  /** Writes both files atomically; `coverage` must describe bytes already fsynced. */
  persist(fs: FileSystem, offsetIndexPath: string, timeIndexPath: string, coverage: IndexCoverage): void {
    const offsets = SegmentIndex.frame(OFFSET_INDEX_MAGIC, this.offsetRelative.length, coverage, OFFSET_ENTRY_BYTES);
    for (let index = 0; index < this.offsetRelative.length; index++) {
      const at = FILE_HEADER_BYTES + index * OFFSET_ENTRY_BYTES;
      offsets.writeInt32BE(this.offsetRelative[index]!, at);
      offsets.writeInt32BE(this.offsetPosition[index]!, at + 4);
    }
    const times = SegmentIndex.frame(TIME_INDEX_MAGIC, this.timeTimestampMs.length, coverage, TIME_ENTRY_BYTES);
    for (let index = 0; index < this.timeTimestampMs.length; index++) {
      const at = FILE_HEADER_BYTES + index * TIME_ENTRY_BYTES;
      writeInt64(times, at, this.timeTimestampMs[index]!);
      times.writeInt32BE(this.timeRelative[index]!, at + 8);
      times.writeInt32BE(this.timePosition[index]!, at + 12);
    }
    fs.writeFileAtomic(offsetIndexPath, SegmentIndex.seal(offsets));
    fs.writeFileAtomic(timeIndexPath, SegmentIndex.seal(times));
  }

  private static check(buffer: Buffer, magic: number, entryBytes: number): { count: number; coverage: IndexCoverage } | null {
    if (buffer.length < FILE_HEADER_BYTES + CRC_BYTES) return null;
    if (buffer.readUInt32BE(0) !== magic) return null;
    const count = buffer.readUInt32BE(4);
    if (buffer.length !== FILE_HEADER_BYTES + count * entryBytes + CRC_BYTES) return null;
    if (crc32c(buffer, 0, buffer.length - CRC_BYTES) !== buffer.readUInt32BE(buffer.length - CRC_BYTES)) return null;
    return { count, coverage: { coveredBytes: readInt64(buffer, 8), nextOffset: readInt64(buffer, 16), maxTimestampMs: readInt64(buffer, 24) } };
  }

  /**
   * Loads both files; null when either is missing, corrupt, disagrees with the other, has
   * entries out of order, or covers more than `logSizeBytes`. The caller then rebuilds by scanning.
   */
  static load(fs: FileSystem, offsetIndexPath: string, timeIndexPath: string, logSizeBytes: number, indexIntervalBytes: number): { index: SegmentIndex; coverage: IndexCoverage } | null {
    if (!fs.exists(offsetIndexPath) || !fs.exists(timeIndexPath)) return null;
    const offsets = fs.readFile(offsetIndexPath);
    const times = fs.readFile(timeIndexPath);
    const offsetCheck = SegmentIndex.check(offsets, OFFSET_INDEX_MAGIC, OFFSET_ENTRY_BYTES);
    const timeCheck = SegmentIndex.check(times, TIME_INDEX_MAGIC, TIME_ENTRY_BYTES);
    if (!offsetCheck || !timeCheck) return null;
    const coverage = offsetCheck.coverage;
    if (
      coverage.coveredBytes !== timeCheck.coverage.coveredBytes ||
      coverage.nextOffset !== timeCheck.coverage.nextOffset ||
      coverage.maxTimestampMs !== timeCheck.coverage.maxTimestampMs ||
      coverage.coveredBytes > logSizeBytes ||
      coverage.coveredBytes < 0
    ) {
      return null;
    }
    const index = new SegmentIndex(indexIntervalBytes);
    let previousRelative = 0;
    let previousPosition = 0;
    for (let entry = 0; entry < offsetCheck.count; entry++) {
      const at = FILE_HEADER_BYTES + entry * OFFSET_ENTRY_BYTES;
      const relative = offsets.readInt32BE(at);
      const position = offsets.readInt32BE(at + 4);
      if (relative < previousRelative || position <= previousPosition || position >= coverage.coveredBytes) return null;
      index.offsetRelative.push(relative);
      index.offsetPosition.push(position);
      previousRelative = relative;
      previousPosition = position;
    }
    let previousTimestampMs = -Infinity;
    for (let entry = 0; entry < timeCheck.count; entry++) {
      const at = FILE_HEADER_BYTES + entry * TIME_ENTRY_BYTES;
      const timestampMs = readInt64(times, at);
      const position = times.readInt32BE(at + 12);
      if (timestampMs <= previousTimestampMs || position >= coverage.coveredBytes) return null;
      index.timeTimestampMs.push(timestampMs);
      index.timeRelative.push(times.readInt32BE(at + 8));
      index.timePosition.push(position);
      previousTimestampMs = timestampMs;
    }
    index.maxTimestampMs = coverage.maxTimestampMs;
    index.maxTimestampAtLastTimeEntryMs = index.timeTimestampMs.length > 0 ? index.timeTimestampMs[index.timeTimestampMs.length - 1]! : -1;
    // The batches after the last entry are not known individually: restart the interval count at the
    // last entry, which at worst adds one entry sooner than strictly needed.
    index.bytesSinceEntry = coverage.coveredBytes - (index.offsetPosition.length > 0 ? index.offsetPosition[index.offsetPosition.length - 1]! : 0);
    return { index, coverage };
  }
}
