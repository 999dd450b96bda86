/**
 * Changelog topics: names, the records a commit appends, and the commit marker.
 *
 * A commit appends to each store's changelog (partition = the task's partition) the latest value
 * of every key written since the last commit (null for a delete), then one marker record: key
 * `FF "sluice.commit"` (no store key starts with FF), header `sluice.commit`, value JSON
 * `{sequence, inputOffsets, metadata, committedAtMs, storeState}` (storeState: the store's own
 * numbers, e.g. its observed stream time). Records after a store's last marker belong
 * to a commit that did not finish. Markers let a rebuild from the changelog alone resume from
 * input offsets that match the state it rebuilt.
 */
import { SluiceError, mismatch } from '../../common/index.js';
import { RECORD_BATCH_HEADER_BYTES, encodeRecordBatch } from '../../storage/log/index.js';
import type { LogRecord, RecordToEncode } from '../../storage/log/index.js';

/** Kafka Streams' name: `<applicationId>-<storeName>-changelog`. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

export const COMMIT_MARKER_KEY = Buffer.concat([Buffer.from([0xff]), Buffer.from('sluice.commit', 'latin1')]);
export const COMMIT_MARKER_HEADER = 'sluice.commit';

/** Where a task resumes reading: the next offset of each input partition. */
export interface InputOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** What a commit records, in the local store and in each changelog's marker. */
export interface CommitCheckpoint {
  /** Counts commits that appended to the changelogs. */
  sequence: number;
  inputOffsets: InputOffset[];
  /** The caller's own JSON (stream time, ...). */
  metadata: unknown;
  committedAtMs: number;
}

export function encodeCheckpoint(checkpoint: CommitCheckpoint): Buffer {
  return Buffer.from(JSON.stringify(checkpoint), 'utf8');
}

export function decodeCheckpoint(bytes: Buffer, where: string): CommitCheckpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SluiceError('STATE_CORRUPT', `${where}: expected a JSON commit checkpoint, found unparsable bytes`, {}, { cause: error });
  }
  const value = parsed as Partial<CommitCheckpoint> | null;
  if (!value || typeof value !== 'object' || !Number.isInteger(value.sequence) || !Array.isArray(value.inputOffsets) || typeof value.committedAtMs !== 'number') {
    throw mismatch('STATE_CORRUPT', where, '{sequence, inputOffsets, metadata, committedAtMs}', bytes.toString('utf8').slice(0, 200));
  }
  for (const offset of value.inputOffsets) {
    if (!offset || typeof offset.topic !== 'string' || !Number.isInteger(offset.partition) || !Number.isInteger(offset.offset)) {
      throw mismatch('STATE_CORRUPT', `${where} input offset`, '{topic, partition, offset}', JSON.stringify(offset));
    }
  }
  return { sequence: value.sequence!, inputOffsets: value.inputOffsets, metadata: value.metadata ?? null, committedAtMs: value.committedAtMs };
}

export function isCommitMarker(record: LogRecord): boolean {
  return record.key !== null && record.key.length === COMMIT_MARKER_KEY.length && record.key.equals(COMMIT_MARKER_KEY) && record.headers.some((header) => header.key === COMMIT_MARKER_HEADER);
}

/** A store's own numbers at a commit (observed stream time...), carried by its marker. */
export type StoreState = Record<string, number>;

export function markerRecord(checkpoint: CommitCheckpoint, storeState: StoreState): RecordToEncode {
  return { key: COMMIT_MARKER_KEY, value: Buffer.from(JSON.stringify({ ...checkpoint, storeState }), 'utf8'), headers: [{ key: COMMIT_MARKER_HEADER, value: null }] };
}

export function decodeMarker(record: LogRecord, where: string): { checkpoint: CommitCheckpoint; storeState: StoreState } {
  const bytes = record.value ?? Buffer.alloc(0);
  const checkpoint = decodeCheckpoint(bytes, where);
  const parsed = JSON.parse(bytes.toString('utf8')) as { storeState?: unknown };
  const storeState: StoreState = {};
  if (parsed.storeState && typeof parsed.storeState === 'object') {
    for (const [name, value] of Object.entries(parsed.storeState)) if (typeof value === 'number') storeState[name] = value;
  }
  return { checkpoint, storeState };
}

/** Bytes a record adds to a batch, at most (varints at their widest). */
function recordBytesBound(record: RecordToEncode): number {
  const key = record.key ? record.key.length : 0;
  const value = record.value ? record.value.length : 0;
  let headers = 0;
  for (const header of record.headers ?? []) headers += 10 + Buffer.byteLength(header.key) + (header.value ? header.value.length : 0);
  return 5 + 1 + 10 + 5 + 5 + key + 5 + value + 5 + headers;
}

/** Encodes records into as few RecordBatches as fit `batchBytesMax` each, in order. */
export function encodeChangelogBatches(records: readonly RecordToEncode[], timestampMs: number, batchBytesMax: number): Buffer[] {
  const budget = batchBytesMax - RECORD_BATCH_HEADER_BYTES - 64;
  const batches: Buffer[] = [];
  let start = 0;
  let bytes = 0;
  for (let index = 0; index < records.length; index++) {
    const size = recordBytesBound(records[index]!);
    if (size > budget) throw mismatch('STATE_VALUE_TOO_LARGE', 'changelog record', `at most ${budget} bytes`, `${size} bytes`);
    if (bytes + size > budget) {
      batches.push(encodeRecordBatch(records.slice(start, index), { timestampMs }));
      start = index;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < records.length) batches.push(encodeRecordBatch(records.slice(start), { timestampMs }));
  return batches;
}
