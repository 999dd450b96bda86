/**
 * `PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n]`: streams a topic's records as text
 * lines, read straight from storage (the `Log`), never through the SQL engine.
 *
 *   Key format: KAFKA_STRING
 *   Value format: JSON
 *   rowtime: 2024/01/02 03:04:05.678 Z, key: a, value: {"V":1}, partition: 0
 *
 * The formats are guessed from the first record as ksqlDB does (JSON, KAFKA_STRING, KAFKA_INT,
 * KAFKA_BIGINT); later lines print each record by its own guess. INTERVAL n prints every n-th
 * record; LIMIT stops after that many lines. Unknown topics are 40001 statement errors.
 */
import { SluiceError } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import { batchLastOffset, decodeRecords } from '../../storage/log/index.js';

export interface PrintRequest {
  topic: string;
  fromBeginning: boolean;
  interval?: number | undefined;
  limit?: number | undefined;
}

export interface PrintOptions {
  log: Log;
  /** Bytes read per partition per poll. */
  readBytesMax: number;
  /** How long to wait for new records before calling `onIdle` (keep-alive). */
  idleMs: number;
  signal: AbortSignal;
  /** Writes one line (no newline); resolves when the next may be written. */
  writeLine(line: string): Promise<void>;
  onIdle?(): Promise<void>;
}

type Guess = 'JSON' | 'KAFKA_STRING' | 'KAFKA_INT' | 'KAFKA_BIGINT' | 'BYTES';

function printable(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);
}

function guess(bytes: Buffer): { format: Guess; text: string } {
  const text = bytes.toString('utf8');
  if (printable(text)) {
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return { format: 'JSON', text: JSON.stringify(JSON.parse(trimmed)) };
      } catch {
        // not JSON: a string
      }
    }
    return { format: 'KAFKA_STRING', text };
  }
  if (bytes.length === 4) return { format: 'KAFKA_INT', text: String(bytes.readInt32BE(0)) };
  if (bytes.length === 8) return { format: 'KAFKA_BIGINT', text: bytes.readBigInt64BE(0).toString() };
  return { format: 'BYTES', text: bytes.toString('base64') };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `yyyy/MM/dd HH:mm:ss.SSS Z` in UTC, as ksqlDB prints `rowtime`. */
export function formatRowTime(timestampMs: number): string {
  if (timestampMs < 0) return 'N/A';
  const d = new Date(timestampMs);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} Z`;
}

export function topicNotFound(topic: string): SluiceError {
  return new SluiceError(
    'SQL_SOURCE_NOT_FOUND',
    `Could not find topic '${topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`,
    { expected: 'an existing topic', found: topic },
  );
}

/** Checks the topic exists (before any byte of the response is written). */
export function checkPrintable(log: Log, topic: string): void {
  if (!log.hasTopic(topic)) throw topicNotFound(topic);
}

/** Streams until LIMIT, abort, or the topic disappears. */
export async function streamTopic(request: PrintRequest, options: PrintOptions): Promise<void> {
  const { log, signal } = options;
  const partitions = log.describeTopic(request.topic).partitions;
  const positions: number[] = [];
  for (let p = 0; p < partitions; p++) {
    const offsets = log.offsets(request.topic, p);
    positions.push(request.fromBeginning ? offsets.logStartOffset : offsets.highWatermark);
  }
  const interval = Math.max(1, request.interval ?? 1);
  const limit = request.limit ?? Number.POSITIVE_INFINITY;
  let seen = 0;
  let printed = 0;
  let headerWritten = false;

  while (!signal.aborted && printed < limit) {
    let progressed = false;
    for (let p = 0; p < partitions && !signal.aborted && printed < limit; p++) {
      if (!log.hasTopic(request.topic)) return;
      const result = await log.read(request.topic, p, positions[p]!, options.readBytesMax);
      for (const batch of result.batches) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < positions[p]!) continue;
          positions[p] = record.offset + 1;
          progressed = true;
          if (seen++ % interval !== 0) continue;
          const key = record.key === null ? null : guess(record.key);
          const value = record.value === null ? null : guess(record.value);
          if (!headerWritten) {
            headerWritten = true;
            await options.writeLine(`Key format: ${key === null ? '¯\\_(ツ)_/¯ - no data processed' : key.format}`);
            await options.writeLine(`Value format: ${value === null ? '¯\\_(ツ)_/¯ - no data processed' : value.format}`);
          }
          await options.writeLine(
            `rowtime: ${formatRowTime(record.timestampMs)}, key: ${key === null ? '<null>' : key.text}, value: ${value === null ? '<null>' : value.text}, partition: ${p}`,
          );
          if (++printed >= limit || signal.aborted) return;
        }
        // Batches without data records (transaction markers) still move the position.
        const next = batchLastOffset(batch) + 1;
        if (next > positions[p]!) {
          positions[p] = next;
          progressed = true;
        }
      }
      // Skip past a gap (compacted or deleted records) to the partition's start.
      if (positions[p]! < result.logStartOffset) positions[p] = result.logStartOffset;
    }
    if (progressed) continue;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const woke = await Promise.race(
        positions.map((offset, p) => log.waitForData(request.topic, p, offset, options.idleMs, controller.signal)),
      );
      if (!woke && !signal.aborted && options.onIdle) await options.onIdle();
    } finally {
      controller.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}
