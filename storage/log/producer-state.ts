/**
 * Idempotent-producer state of one partition, as Kafka keeps it: per producer id its epoch and
 * the last few batches' sequence ranges and offsets. A retried batch (same epoch, same sequence
 * range as a recent one) is a duplicate and gets the original offsets back; a gap in sequences is
 * OUT_OF_ORDER_SEQUENCE; an older epoch is fenced.
 *
 * The table is rebuilt on open from a snapshot (written at segment rolls and at close) plus the
 * batch headers after it.
 */
import { SluiceError, mismatch } from '../../common/index.js';

/** Kafka keeps the last five batches per producer (max.in.flight.requests.per.connection <= 5). */
export const PRODUCER_BATCHES_REMEMBERED = 5;
const SEQUENCE_MAX = 2_147_483_647;
/** Bound on remembered producers per partition; the least recently used is forgotten. */
export const PRODUCERS_PER_PARTITION_MAX = 10_000;

export interface ProducerBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  producerEpoch: number;
  batches: ProducerBatch[];
}

export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; batch: ProducerBatch };

export interface ProducerBatchHeader {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

function lastSequenceOf(header: ProducerBatchHeader): number {
  const last = header.baseSequence + header.lastOffsetDelta;
  return last > SEQUENCE_MAX ? last - SEQUENCE_MAX - 1 : last;
}

function nextSequence(sequence: number): number {
  return sequence === SEQUENCE_MAX ? 0 : sequence + 1;
}

export interface ProducerSnapshot {
  /** The partition's next offset when the snapshot was taken. */
  offset: number;
  producers: Array<{ producerId: number; producerEpoch: number; batches: ProducerBatch[] }>;
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  /** Decides whether the batch is new or a retry; throws when it can never be appended. */
  check(header: ProducerBatchHeader): SequenceCheck {
    const entry = this.producers.get(header.producerId);
    if (!entry) return { kind: 'append' };
    if (header.producerEpoch < entry.producerEpoch) {
      throw new SluiceError(
        'LOG_PRODUCER_FENCED',
        `producer ${header.producerId}: epoch ${header.producerEpoch} is older than the current epoch ${entry.producerEpoch} (a newer producer with this id exists)`,
        { expected: `epoch >= ${entry.producerEpoch}`, found: String(header.producerEpoch), producerId: header.producerId },
      );
    }
    if (header.producerEpoch > entry.producerEpoch) {
      if (header.baseSequence !== 0) {
        throw mismatch('LOG_OUT_OF_ORDER_SEQUENCE', `producer ${header.producerId} new epoch ${header.producerEpoch} first sequence`, '0', String(header.baseSequence), {
          producerId: header.producerId,
        });
      }
      return { kind: 'append' };
    }
    const lastSequence = lastSequenceOf(header);
    for (const batch of entry.batches) {
      if (batch.baseSequence === header.baseSequence && batch.lastSequence === lastSequence) return { kind: 'duplicate', batch };
    }
    const newest = entry.batches[entry.batches.length - 1];
    if (newest && header.baseSequence !== nextSequence(newest.lastSequence)) {
      throw mismatch('LOG_OUT_OF_ORDER_SEQUENCE', `producer ${header.producerId} epoch ${header.producerEpoch} sequence`, String(nextSequence(newest.lastSequence)), String(header.baseSequence), {
        producerId: header.producerId,
      });
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (also used while replaying the log on open). */
  update(header: ProducerBatchHeader, baseOffset: number, lastOffset: number): void {
    let entry = this.producers.get(header.producerId);
    if (entry) this.producers.delete(header.producerId); // re-inserted below: Map order is recency
    if (!entry || header.producerEpoch !== entry.producerEpoch) entry = { producerEpoch: header.producerEpoch, batches: [] };
    entry.batches.push({ baseSequence: header.baseSequence, lastSequence: lastSequenceOf(header), baseOffset, lastOffset });
    if (entry.batches.length > PRODUCER_BATCHES_REMEMBERED) entry.batches.shift();
    this.producers.set(header.producerId, entry);
    if (this.producers.size > PRODUCERS_PER_PARTITION_MAX) {
      const oldest = this.producers.keys().next().value;
      if (oldest !== undefined) this.producers.delete(oldest);
    }
  }

  /** Forgets batches at or after `offset` (after the log was truncated). */
  truncateTo(offset: number): void {
    for (const [producerId, entry] of this.producers) {
      entry.batches = entry.batches.filter((batch) => batch.lastOffset < offset);
      if (entry.batches.length === 0) this.producers.delete(producerId);
    }
  }

  snapshot(offset: number): ProducerSnapshot {
    return {
      offset,
      producers: [...this.producers].map(([producerId, entry]) => ({ producerId, producerEpoch: entry.producerEpoch, batches: entry.batches.map((batch) => ({ ...batch })) })),
    };
  }

  static fromSnapshot(snapshot: ProducerSnapshot): ProducerStateTable {
    const table = new ProducerStateTable();
    for (const producer of snapshot.producers) {
      table.producers.set(producer.producerId, { producerEpoch: producer.producerEpoch, batches: producer.batches.map((batch) => ({ ...batch })) });
    }
    return table;
  }
}

/** Parses a snapshot file's JSON; null when it is not one. */
export function parseProducerSnapshot(text: string): ProducerSnapshot | null {
  try {
    const value = JSON.parse(text) as ProducerSnapshot;
    if (!value || typeof value.offset !== 'number' || !Array.isArray(value.producers)) return null;
    for (const producer of value.producers) {
      if (typeof producer.producerId !== 'number' || typeof producer.producerEpoch !== 'number' || !Array.isArray(producer.batches)) return null;
    }
    return value;
  } catch {
    return null;
  }
}
