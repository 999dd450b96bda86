/**
 * The hand-written baseline for `npm run bench -- stateless`: the same records, filter and
 * projection as the benchmark's query, done by the plainest JavaScript loop — JSON.parse each
 * value, test the filter, build the projected object with the two functions, JSON.stringify it
 * and encode it to bytes. Sluice's records/s divided by this loop's is the ratio the benchmark
 * reports (goal: at least 0.5).
 *
 * The query it stands for:
 *
 *   CREATE STREAM ORDERS (ID BIGINT KEY, NAME STRING, CATEGORY STRING, PRICE DOUBLE, QUANTITY INT)
 *     WITH (KAFKA_TOPIC='bench_orders', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=1);
 *   CREATE STREAM EXPENSIVE AS
 *     SELECT ID, UCASE(NAME) AS NAME_UPPER, LEN(CATEGORY) AS CATEGORY_LENGTH, PRICE
 *     FROM ORDERS WHERE PRICE > 50 EMIT CHANGES;
 */

export const STATELESS_BENCH_SOURCE_TOPIC = 'bench_orders';

export const STATELESS_BENCH_STATEMENTS: readonly string[] = [
  "CREATE STREAM ORDERS (ID BIGINT KEY, NAME STRING, CATEGORY STRING, PRICE DOUBLE, QUANTITY INT) WITH (KAFKA_TOPIC='bench_orders', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=1);",
  'CREATE STREAM EXPENSIVE AS SELECT ID, UCASE(NAME) AS NAME_UPPER, LEN(CATEGORY) AS CATEGORY_LENGTH, PRICE FROM ORDERS WHERE PRICE > 50 EMIT CHANGES;',
];

/** The filter's threshold (about half the generated records pass). */
export const STATELESS_BENCH_PRICE_MIN = 50;

const CATEGORIES = ['books', 'garden', 'kitchen', 'toys', 'electronics', 'sports', 'music', 'outdoor'];

/** A deterministic pseudo-random source (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StatelessBenchRecord {
  /** The key: ID as an 8-byte big-endian BIGINT (KAFKA format). */
  key: Buffer;
  /** The value: `{"NAME":..,"CATEGORY":..,"PRICE":..,"QUANTITY":..}` as UTF-8 JSON. */
  value: Buffer;
}

/** `count` records, the same for the same seed; values are about 80 bytes of JSON. */
export function generateStatelessRecords(count: number, seed = 1): StatelessBenchRecord[] {
  const next = random(seed);
  const records = new Array<StatelessBenchRecord>(count);
  for (let i = 0; i < count; i++) {
    const key = Buffer.allocUnsafe(8);
    key.writeBigInt64BE(BigInt(i));
    const value = {
      NAME: `product-${Math.floor(next() * 100_000)}`,
      CATEGORY: CATEGORIES[Math.floor(next() * CATEGORIES.length)],
      PRICE: Math.round(next() * 10_000) / 100,
      QUANTITY: 1 + Math.floor(next() * 20),
    };
    records[i] = { key, value: Buffer.from(JSON.stringify(value)) };
  }
  return records;
}

export interface HandLoopResult {
  inputRecords: number;
  outputRecords: number;
  outputBytes: number;
  elapsedMs: number;
  recordsPerSecond: number;
}

/**
 * The baseline: per record JSON.parse, the WHERE test, the projection (UCASE and LEN), then
 * JSON.stringify and UTF-8 encoding; the output (key + value bytes) is kept in an array, as a
 * sink would hand it to the log.
 */
export function runHandLoop(records: readonly StatelessBenchRecord[], now: () => number = () => performance.now()): HandLoopResult {
  const started = now();
  const outputs: Array<{ key: Buffer; value: Buffer }> = [];
  let outputBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const row = JSON.parse(record.value.toString('utf8')) as { NAME: string | null; CATEGORY: string | null; PRICE: number | null };
    if (row.PRICE === null || !(row.PRICE > STATELESS_BENCH_PRICE_MIN)) continue;
    const projected = {
      NAME_UPPER: row.NAME === null ? null : row.NAME.toUpperCase(),
      CATEGORY_LENGTH: row.CATEGORY === null ? null : row.CATEGORY.length,
      PRICE: row.PRICE,
    };
    const value = Buffer.from(JSON.stringify(projected), 'utf8');
    outputs.push({ key: record.key, value });
    outputBytes += value.length;
  }
  const elapsedMs = now() - started;
  return {
    inputRecords: records.length,
    outputRecords: outputs.length,
    outputBytes,
    elapsedMs,
    recordsPerSecond: elapsedMs > 0 ? (records.length * 1000) / elapsedMs : Number.POSITIVE_INFINITY,
  };
}
