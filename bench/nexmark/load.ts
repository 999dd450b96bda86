/**
 * Where the generated events go:
 *
 * - Sluice's log, the fastest path: one topic per event type (`person`, `auction`, `bid`, one
 *   partition each), because then each Nexmark table is one ksqlDB source declared over its own
 *   topic and the SQL reads as Nexmark's does (`FROM BID`, `AUCTION A JOIN PERSON_TABLE P`),
 *   without a first query splitting one mixed topic by event type. Records are encoded into
 *   RecordBatch v2 batches here (`encodeRecordBatch`) and handed to `log.append`, as a Kafka
 *   producer's batches arrive. Record timestamp = event time; persons and auctions are keyed by
 *   their id (8-byte BIGINT, KEY_FORMAT='KAFKA'), bids have no key.
 * - The Kafka protocol (`--via-kafka`): a kafkajs producer sending the same records to the
 *   built-in listener.
 * - Newline-delimited JSON files, one per event type, for DuckDB's `read_json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Message, Producer } from 'kafkajs';
import { encodeRecordBatch, type Log, type RecordToEncode } from '../../storage/log/index.js';
import { encodeIdKey, type NexmarkEventKind, type NexmarkGenerator } from './generator.js';

export const NEXMARK_TOPICS: Readonly<Record<NexmarkEventKind, string>> = Object.freeze({ person: 'person', auction: 'auction', bid: 'bid' });
export const EVENT_KINDS: readonly NexmarkEventKind[] = ['person', 'auction', 'bid'];

export interface LoadCounts {
  events: number;
  person: number;
  auction: number;
  bid: number;
  /** Bytes of JSON values. */
  valueBytes: number;
}

export function emptyCounts(): LoadCounts {
  return { events: 0, person: 0, auction: 0, bid: 0, valueBytes: 0 };
}

export async function createNexmarkTopics(log: Log, partitions = 1): Promise<void> {
  for (const kind of EVENT_KINDS) {
    const topic = NEXMARK_TOPICS[kind];
    if (!log.hasTopic(topic)) await log.createTopic(topic, { partitions });
  }
}

export interface LogLoadOptions {
  /** Records per RecordBatch (at most). Default 1000. */
  batchRecordsMax?: number;
  /** Value bytes per RecordBatch (at most, roughly). Default 512 KiB. */
  batchBytesMax?: number;
}

/**
 * Generates `count` events and appends them to the three topics (partition 0) in batches. The
 * pending records of every topic are flushed before it resolves, so the log holds every event.
 */
export async function appendEventsToLog(log: Log, generator: NexmarkGenerator, count: number, options: LogLoadOptions = {}, counts: LoadCounts = emptyCounts()): Promise<LoadCounts> {
  const recordsMax = options.batchRecordsMax ?? 1000;
  const bytesMax = options.batchBytesMax ?? 512 * 1024;
  const pending: Record<NexmarkEventKind, RecordToEncode[]> = { person: [], auction: [], bid: [] };
  const pendingBytes: Record<NexmarkEventKind, number> = { person: 0, auction: 0, bid: 0 };
  const flush = async (kind: NexmarkEventKind): Promise<void> => {
    const records = pending[kind];
    if (records.length === 0) return;
    pending[kind] = [];
    pendingBytes[kind] = 0;
    await log.append(NEXMARK_TOPICS[kind], 0, encodeRecordBatch(records));
  };
  for (let index = 0; index < count; index++) {
    const event = generator.next();
    const kind = event.kind;
    pending[kind].push({ key: event.id < 0 ? null : encodeIdKey(event.id), value: event.value, timestampMs: event.timestampMs });
    pendingBytes[kind] += event.value.length;
    counts[kind]++;
    counts.valueBytes += event.value.length;
    if (pending[kind].length >= recordsMax || pendingBytes[kind] >= bytesMax) await flush(kind);
  }
  counts.events += count;
  for (const kind of EVENT_KINDS) await flush(kind);
  return counts;
}

/**
 * The same through the Kafka protocol: a kafkajs producer (acks all, no compression) sends
 * `sendRecordsMax` records per request, spread over the three topics.
 */
export async function appendEventsViaKafka(producer: Producer, generator: NexmarkGenerator, count: number, sendRecordsMax = 1000, counts: LoadCounts = emptyCounts()): Promise<LoadCounts> {
  let messages: Record<NexmarkEventKind, Message[]> = { person: [], auction: [], bid: [] };
  let pending = 0;
  const send = async (): Promise<void> => {
    const topicMessages = EVENT_KINDS.filter((kind) => messages[kind].length > 0).map((kind) => ({ topic: NEXMARK_TOPICS[kind], messages: messages[kind] }));
    messages = { person: [], auction: [], bid: [] };
    pending = 0;
    if (topicMessages.length > 0) await producer.sendBatch({ topicMessages, acks: -1 });
  };
  for (let index = 0; index < count; index++) {
    const event = generator.next();
    messages[event.kind].push({ key: event.id < 0 ? null : encodeIdKey(event.id), value: event.value, timestamp: String(event.timestampMs), partition: 0 });
    counts[event.kind]++;
    counts.valueBytes += event.value.length;
    if (++pending >= sendRecordsMax) await send();
  }
  counts.events += count;
  await send();
  return counts;
}

const FILE_CHUNK_BYTES = 4 * 1024 * 1024;

export type EventFiles = Readonly<Record<NexmarkEventKind, string>>;

/** Writes `count` events as newline-delimited JSON, one file per event type, in `dir`. */
export function writeEventFiles(dir: string, generator: NexmarkGenerator, count: number): { files: EventFiles; counts: LoadCounts } {
  fs.mkdirSync(dir, { recursive: true });
  const files: EventFiles = { person: path.join(dir, 'person.ndjson'), auction: path.join(dir, 'auction.ndjson'), bid: path.join(dir, 'bid.ndjson') };
  const descriptors: Record<NexmarkEventKind, number> = { person: fs.openSync(files.person, 'w'), auction: fs.openSync(files.auction, 'w'), bid: fs.openSync(files.bid, 'w') };
  const chunks: Record<NexmarkEventKind, Buffer> = { person: Buffer.allocUnsafe(FILE_CHUNK_BYTES), auction: Buffer.allocUnsafe(FILE_CHUNK_BYTES), bid: Buffer.allocUnsafe(FILE_CHUNK_BYTES) };
  const chunkBytes: Record<NexmarkEventKind, number> = { person: 0, auction: 0, bid: 0 };
  const counts = emptyCounts();
  const flush = (kind: NexmarkEventKind): void => {
    if (chunkBytes[kind] === 0) return;
    fs.writeSync(descriptors[kind], chunks[kind], 0, chunkBytes[kind]);
    chunkBytes[kind] = 0;
  };
  try {
    for (let index = 0; index < count; index++) {
      const event = generator.next();
      const kind = event.kind;
      if (chunkBytes[kind] + event.value.length + 1 > FILE_CHUNK_BYTES) flush(kind);
      event.value.copy(chunks[kind], chunkBytes[kind]);
      chunkBytes[kind] += event.value.length;
      chunks[kind][chunkBytes[kind]++] = 10;
      counts[kind]++;
      counts.valueBytes += event.value.length;
    }
    counts.events = count;
    for (const kind of EVENT_KINDS) flush(kind);
  } finally {
    for (const kind of EVENT_KINDS) fs.closeSync(descriptors[kind]);
  }
  return { files, counts };
}

/** One slot of pre-encoded input: a RecordBatch per topic that has events in it. */
export interface EncodedSlot {
  events: number;
  batches: Array<{ topic: string; batch: Buffer }>;
}

/**
 * Generates `slots * eventsPerSlot` events and encodes them ahead of time, one RecordBatch per
 * topic and slot, so that a fixed-rate producer only has to append (its cost is then the log's,
 * not the generator's).
 */
export function encodeSlots(generator: NexmarkGenerator, slots: number, eventsPerSlot: number): EncodedSlot[] {
  const encoded: EncodedSlot[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const records: Record<NexmarkEventKind, RecordToEncode[]> = { person: [], auction: [], bid: [] };
    for (let index = 0; index < eventsPerSlot; index++) {
      const event = generator.next();
      records[event.kind].push({ key: event.id < 0 ? null : encodeIdKey(event.id), value: event.value, timestampMs: event.timestampMs });
    }
    const batches = EVENT_KINDS.filter((kind) => records[kind].length > 0).map((kind) => ({ topic: NEXMARK_TOPICS[kind], batch: encodeRecordBatch(records[kind]) }));
    encoded.push({ events: eventsPerSlot, batches });
  }
  return encoded;
}
