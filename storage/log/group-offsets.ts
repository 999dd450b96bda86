/**
 * Consumer groups' committed offsets, kept in memory and stored as records of the internal
 * compacted topic `__consumer_offsets` (one partition): key = JSON [group, topic, partition],
 * value = JSON {offset, metadata, commitTimestampMs}, a tombstone when deleted. Compaction keeps
 * the latest commit per key; on open the topic is read back into memory.
 */
import { mismatch } from '../../common/index.js';
import { decodeRecords, encodeRecordBatch } from './record-batch.js';
import type { RecordToEncode } from './record-batch.js';
import type { CommittedOffset } from './types.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
/** Kafka's offset.metadata.max.bytes. */
export const OFFSET_METADATA_CHARS_MAX = 4096;
export const GROUP_ID_CHARS_MAX = 255;
/** Bound on offsets in one commit (so one commit stays one batch under the size limit). */
export const OFFSETS_PER_COMMIT_MAX = 10_000;

type OffsetKey = [group: string, topic: string, partition: number];

interface StoredOffset {
  offset: number;
  metadata: string | null;
  commitTimestampMs: number;
}

export class GroupOffsets {
  /** group -> "topic\u0000partition" -> committed offset. */
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();

  static validateGroup(group: unknown): asserts group is string {
    if (typeof group !== 'string' || group.length === 0 || group.length > GROUP_ID_CHARS_MAX) {
      throw mismatch('INVALID_ARGUMENT', 'consumer group id', `a string of 1..${GROUP_ID_CHARS_MAX} characters`, JSON.stringify(group));
    }
  }

  /** Applies the records of a read from the internal topic, in offset order. */
  applyBatches(batches: Buffer[]): void {
    for (const batch of batches) {
      for (const record of decodeRecords(batch)) {
        if (!record.key) continue;
        let key: OffsetKey;
        try {
          key = JSON.parse(record.key.toString('utf8')) as OffsetKey;
        } catch {
          continue;
        }
        if (!Array.isArray(key) || key.length !== 3) continue;
        const [group, topic, partition] = key;
        if (record.value === null) {
          this.remove(group, topic, partition);
          continue;
        }
        const stored = JSON.parse(record.value.toString('utf8')) as StoredOffset;
        this.set({ topic, partition, offset: stored.offset, metadata: stored.metadata, commitTimestampMs: stored.commitTimestampMs }, group);
      }
    }
  }

  private set(committed: CommittedOffset, group: string): void {
    let offsets = this.groups.get(group);
    if (!offsets) {
      offsets = new Map();
      this.groups.set(group, offsets);
    }
    offsets.set(`${committed.topic}\u0000${committed.partition}`, committed);
  }

  private remove(group: string, topic: string, partition: number): void {
    const offsets = this.groups.get(group);
    if (!offsets) return;
    offsets.delete(`${topic}\u0000${partition}`);
    if (offsets.size === 0) this.groups.delete(group);
  }

  /** The batch that records a commit (validated); apply it with `applyCommit` once appended. */
  encodeCommit(group: string, offsets: Array<Omit<CommittedOffset, 'commitTimestampMs'>>, nowMs: number): { batch: Buffer; committed: CommittedOffset[] } {
    GroupOffsets.validateGroup(group);
    if (offsets.length === 0 || offsets.length > OFFSETS_PER_COMMIT_MAX) {
      throw mismatch('INVALID_ARGUMENT', 'offsets in one commit', `1..${OFFSETS_PER_COMMIT_MAX}`, String(offsets.length));
    }
    const records: RecordToEncode[] = [];
    const committed: CommittedOffset[] = [];
    for (const entry of offsets) {
      if (!Number.isInteger(entry.offset) || entry.offset < -1) throw mismatch('INVALID_ARGUMENT', `committed offset for ${entry.topic}-${entry.partition}`, 'an integer >= -1', String(entry.offset));
      if (!Number.isInteger(entry.partition) || entry.partition < 0) throw mismatch('INVALID_ARGUMENT', 'committed partition', 'an integer >= 0', String(entry.partition));
      if (entry.metadata !== null && entry.metadata.length > OFFSET_METADATA_CHARS_MAX) {
        throw mismatch('LOG_OFFSET_METADATA_TOO_LARGE', `offset metadata for ${entry.topic}-${entry.partition}`, `at most ${OFFSET_METADATA_CHARS_MAX} characters`, String(entry.metadata.length));
      }
      const value: StoredOffset = { offset: entry.offset, metadata: entry.metadata, commitTimestampMs: nowMs };
      records.push({ key: JSON.stringify([group, entry.topic, entry.partition] satisfies OffsetKey), value: JSON.stringify(value), timestampMs: nowMs });
      committed.push({ topic: entry.topic, partition: entry.partition, offset: entry.offset, metadata: entry.metadata, commitTimestampMs: nowMs });
    }
    return { batch: encodeRecordBatch(records, { timestampMs: nowMs }), committed };
  }

  applyCommit(group: string, committed: CommittedOffset[]): void {
    for (const entry of committed) this.set(entry, group);
  }

  /** Tombstone batches for every offset matching (a group) or (a topic across groups). */
  encodeDeletion(match: { group: string } | { topic: string }, nowMs: number): Array<{ batch: Buffer; keys: OffsetKey[] }> {
    const keys: OffsetKey[] = [];
    for (const [group, offsets] of this.groups) {
      if ('group' in match && group !== match.group) continue;
      for (const committed of offsets.values()) {
        if ('topic' in match && committed.topic !== match.topic) continue;
        keys.push([group, committed.topic, committed.partition]);
      }
    }
    const chunks: Array<{ batch: Buffer; keys: OffsetKey[] }> = [];
    for (let start = 0; start < keys.length; start += OFFSETS_PER_COMMIT_MAX) {
      const chunk = keys.slice(start, start + OFFSETS_PER_COMMIT_MAX);
      const records = chunk.map((key) => ({ key: JSON.stringify(key), value: null, timestampMs: nowMs }));
      chunks.push({ batch: encodeRecordBatch(records, { timestampMs: nowMs }), keys: chunk });
    }
    return chunks;
  }

  applyDeletion(keys: OffsetKey[]): void {
    for (const [group, topic, partition] of keys) this.remove(group, topic, partition);
  }

  fetch(group: string): CommittedOffset[] {
    const offsets = this.groups.get(group);
    if (!offsets) return [];
    return [...offsets.values()].map((entry) => ({ ...entry })).sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  listGroups(): string[] {
    return [...this.groups.keys()].sort();
  }
}
