/**
 * The Nexmark queries, each three ways: Sluice SQL (ksqlDB dialect: sources declared over the
 * generator's topics, then CSAS/CTAS chains), the same result as a DuckDB batch query over the
 * same events, and how to read Sluice's final output so both can be compared row for row.
 *
 * The originals are the Nexmark queries as Flink's nexmark suite writes them in SQL. Where
 * ksqlDB's SQL cannot say what they say, the closest correct form is used and `differences` says
 * what changed; the DuckDB query computes exactly what the Sluice form should compute (not the
 * original), so a mismatch is always Sluice's. docs/performance.md repeats all of this.
 */
import { maxAuctionLengthMs, type NexmarkConfig, type NexmarkEventKind } from './generator.js';

export const QUERY_NAMES = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8'] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

export function isQueryName(name: string): name is QueryName {
  return (QUERY_NAMES as readonly string[]).includes(name);
}

/** How a column is compared: integers exactly, DECIMAL(.., 3) to 3 places, DOUBLE to 12 significant digits. */
export type ColumnType = 'integer' | 'decimal3' | 'double' | 'string';

export interface OutputColumn {
  name: string;
  type: ColumnType;
  /** Where Sluice's output record carries it. */
  from: 'key' | 'value';
}

export interface QueryOutput {
  /** The sink source (and topic) whose records are the query's result. */
  topic: string;
  /** stream: every record is a row (a multiset); table: the last value per key, tombstones delete. */
  kind: 'stream' | 'table';
  /** How the key is read when columns come from it: JSON (KEY_FORMAT='JSON'), or not at all. */
  keyFormat: 'json' | 'none';
  columns: readonly OutputColumn[];
}

export interface NexmarkQuery {
  name: QueryName;
  title: string;
  /** What the query computes, in a sentence. */
  computes: string;
  /** The event types (topics) it reads. */
  inputs: readonly NexmarkEventKind[];
  /** Every statement, sources first; the last one's sink is usually `output.topic`. */
  sluiceStatements(config: NexmarkConfig, settings?: QuerySettings): string[];
  output: QueryOutput;
  /** A SELECT over tables `person`, `auction`, `bid` with `output.columns` in order. */
  duckdbSql(config: NexmarkConfig): string;
  /** How the Sluice form differs from the Nexmark original; '' when it does not. */
  differences: string;
}

// ---- sources ----

const PERSON_COLUMNS = 'ID BIGINT, NAME STRING, EMAIL_ADDRESS STRING, CREDIT_CARD STRING, CITY STRING, STATE STRING, DATETIME BIGINT, EXTRA STRING';
const AUCTION_COLUMNS =
  'ID BIGINT, ITEM_NAME STRING, DESCRIPTION STRING, INITIAL_BID BIGINT, RESERVE BIGINT, DATETIME BIGINT, EXPIRES BIGINT, SELLER BIGINT, CATEGORY BIGINT, EXTRA STRING';
const BID_COLUMNS = 'AUCTION BIGINT, BIDDER BIGINT, PRICE BIGINT, CHANNEL STRING, URL STRING, DATETIME BIGINT, EXTRA STRING';

/** The sources over the generator's topics. Record timestamps are the events' DATETIME, so ROWTIME is event time. */
export const SOURCE_STATEMENTS = Object.freeze({
  PERSON: `CREATE STREAM PERSON (${PERSON_COLUMNS}) WITH (KAFKA_TOPIC='person', VALUE_FORMAT='JSON');`,
  PERSON_TABLE: `CREATE TABLE PERSON_TABLE (${PERSON_COLUMNS.replace('ID BIGINT', 'ID BIGINT PRIMARY KEY')}) WITH (KAFKA_TOPIC='person', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');`,
  AUCTION: `CREATE STREAM AUCTION (${AUCTION_COLUMNS}) WITH (KAFKA_TOPIC='auction', VALUE_FORMAT='JSON');`,
  BID: `CREATE STREAM BID (${BID_COLUMNS}) WITH (KAFKA_TOPIC='bid', VALUE_FORMAT='JSON');`,
});

/** DuckDB column types of the three tables, for read_json. */
export const DUCKDB_COLUMNS: Readonly<Record<NexmarkEventKind, Record<string, string>>> = Object.freeze({
  person: { ID: 'BIGINT', NAME: 'VARCHAR', EMAIL_ADDRESS: 'VARCHAR', CREDIT_CARD: 'VARCHAR', CITY: 'VARCHAR', STATE: 'VARCHAR', DATETIME: 'BIGINT', EXTRA: 'VARCHAR' },
  auction: {
    ID: 'BIGINT',
    ITEM_NAME: 'VARCHAR',
    DESCRIPTION: 'VARCHAR',
    INITIAL_BID: 'BIGINT',
    RESERVE: 'BIGINT',
    DATETIME: 'BIGINT',
    EXPIRES: 'BIGINT',
    SELLER: 'BIGINT',
    CATEGORY: 'BIGINT',
    EXTRA: 'VARCHAR',
  },
  bid: { AUCTION: 'BIGINT', BIDDER: 'BIGINT', PRICE: 'BIGINT', CHANNEL: 'VARCHAR', URL: 'VARCHAR', DATETIME: 'BIGINT', EXTRA: 'VARCHAR' },
});

// ---- window and join parameters ----

/** q5: hopping windows of 10 s advancing by 2 s (Flink's nexmark q5). */
export const Q5_WINDOW_MS = 10_000;
export const Q5_ADVANCE_MS = 2_000;
/** q7 and q8: tumbling windows of 10 s. */
export const Q7_WINDOW_MS = 10_000;
export const Q8_WINDOW_MS = 10_000;
/** Grace of the windowed aggregations: each reads one topic whose times never decrease. */
export const WINDOW_GRACE_SECONDS = 1;
/**
 * Grace of the stream-stream joins. A join task merges its inputs by timestamp (as Kafka Streams
 * does) and waits for an input whose repartition pipeline has not written its records yet, so
 * each side arrives in order; the grace is a margin (and, with the window, it bounds the join
 * state), not a correction for one side running ahead.
 */
export const JOIN_GRACE_SECONDS = 60;

/** Knobs of the Sluice statements (`--join-grace-seconds`). */
export interface QuerySettings {
  joinGraceSeconds: number;
}

export const DEFAULT_QUERY_SETTINGS: Readonly<QuerySettings> = Object.freeze({ joinGraceSeconds: JOIN_GRACE_SECONDS });

/** q4's join window: the longest auction the generator can create, in whole seconds. */
export function q4JoinWindowSeconds(config: NexmarkConfig): number {
  return Math.max(1, Math.ceil(maxAuctionLengthMs(config) / 1000));
}

const column = (name: string, type: ColumnType, from: 'key' | 'value' = 'value'): OutputColumn => ({ name, type, from });

// ---- the queries ----

const q0: NexmarkQuery = {
  name: 'q0',
  title: 'pass-through',
  computes: 'Every bid, projected: the cost of reading, decoding, encoding and writing a record.',
  inputs: ['bid'],
  sluiceStatements: () => [SOURCE_STATEMENTS.BID, 'CREATE STREAM Q0 AS SELECT AUCTION, BIDDER, PRICE, DATETIME, EXTRA FROM BID EMIT CHANGES;'],
  output: {
    topic: 'Q0',
    kind: 'stream',
    keyFormat: 'none',
    columns: [column('AUCTION', 'integer'), column('BIDDER', 'integer'), column('PRICE', 'integer'), column('DATETIME', 'integer'), column('EXTRA', 'string')],
  },
  duckdbSql: () => 'SELECT AUCTION, BIDDER, PRICE, DATETIME, EXTRA FROM bid',
  differences: '',
};

const q1: NexmarkQuery = {
  name: 'q1',
  title: 'currency conversion',
  computes: 'Every bid with its price converted from dollars to euros (times 0.908, a DECIMAL).',
  inputs: ['bid'],
  sluiceStatements: () => [SOURCE_STATEMENTS.BID, 'CREATE STREAM Q1 AS SELECT AUCTION, BIDDER, 0.908 * PRICE AS PRICE, DATETIME, EXTRA FROM BID EMIT CHANGES;'],
  output: {
    topic: 'Q1',
    kind: 'stream',
    keyFormat: 'none',
    columns: [column('AUCTION', 'integer'), column('BIDDER', 'integer'), column('PRICE', 'decimal3'), column('DATETIME', 'integer'), column('EXTRA', 'string')],
  },
  duckdbSql: () => 'SELECT AUCTION, BIDDER, 0.908 * PRICE AS PRICE, DATETIME, EXTRA FROM bid',
  differences: '',
};

const q2: NexmarkQuery = {
  name: 'q2',
  title: 'selection',
  computes: 'The bids on auctions whose id is a multiple of 123: a filter that keeps few rows.',
  inputs: ['bid'],
  sluiceStatements: () => [SOURCE_STATEMENTS.BID, 'CREATE STREAM Q2 AS SELECT AUCTION, PRICE FROM BID WHERE AUCTION % 123 = 0 EMIT CHANGES;'],
  output: { topic: 'Q2', kind: 'stream', keyFormat: 'none', columns: [column('AUCTION', 'integer'), column('PRICE', 'integer')] },
  duckdbSql: () => 'SELECT AUCTION, PRICE FROM bid WHERE AUCTION % 123 = 0',
  differences: "`AUCTION % 123 = 0` for Flink's `MOD(auction, 123) = 0` (same meaning).",
};

const q3: NexmarkQuery = {
  name: 'q3',
  title: 'local item suggestion',
  computes: 'Auctions in category 10 by sellers living in Oregon, Idaho or California, with the seller’s name and city: a join of auctions with people.',
  inputs: ['person', 'auction'],
  sluiceStatements: () => [
    SOURCE_STATEMENTS.AUCTION,
    SOURCE_STATEMENTS.PERSON_TABLE,
    "CREATE STREAM Q3 AS SELECT A.SELLER AS SELLER, P.NAME AS NAME, P.CITY AS CITY, P.STATE AS STATE, A.ID AS ID FROM AUCTION A JOIN PERSON_TABLE P ON A.SELLER = P.ID WHERE A.CATEGORY = 10 AND (P.STATE = 'OR' OR P.STATE = 'ID' OR P.STATE = 'CA') EMIT CHANGES;",
  ],
  output: { topic: 'Q3', kind: 'stream', keyFormat: 'none', columns: [column('NAME', 'string'), column('CITY', 'string'), column('STATE', 'string'), column('ID', 'integer')] },
  duckdbSql: () =>
    "SELECT P.NAME, P.CITY, P.STATE, A.ID FROM auction A JOIN person P ON A.SELLER = P.ID AND P.DATETIME <= A.DATETIME WHERE A.CATEGORY = 10 AND P.STATE IN ('OR', 'ID', 'CA')",
  differences:
    'A stream-table join (people as a table keyed by id) instead of a regular two-sided join, the ksqlDB way to look up a row: an auction is joined with its seller as of the auction’s event time, so the few auctions whose seller the generator creates a little later (its 10-id lead) find no seller, where Flink’s unbounded join would emit them when the person arrives. The reference says so with `P.DATETIME <= A.DATETIME`. The seller id (the join key) is also the output key, as ksqlDB requires.',
};

const q4: NexmarkQuery = {
  name: 'q4',
  title: 'average price for a category',
  computes: 'For each category, the average of the auctions’ final prices, where an auction’s final price is its highest bid made while it was open: a join then two levels of aggregation.',
  inputs: ['auction', 'bid'],
  sluiceStatements: (config, settings = DEFAULT_QUERY_SETTINGS) => [
    SOURCE_STATEMENTS.AUCTION,
    SOURCE_STATEMENTS.BID,
    `CREATE STREAM Q4_AUCTION_BIDS AS SELECT A.ID AS ID, A.CATEGORY AS CATEGORY, B.PRICE AS PRICE FROM AUCTION A JOIN BID B WITHIN ${q4JoinWindowSeconds(config)} SECONDS GRACE PERIOD ${settings.joinGraceSeconds} SECONDS ON A.ID = B.AUCTION WHERE B.DATETIME BETWEEN A.DATETIME AND A.EXPIRES EMIT CHANGES;`,
    "CREATE TABLE Q4_AUCTION_MAX WITH (KEY_FORMAT='JSON') AS SELECT ID, CATEGORY, MAX(PRICE) AS FINAL FROM Q4_AUCTION_BIDS GROUP BY ID, CATEGORY EMIT CHANGES;",
    "CREATE TABLE Q4 WITH (KEY_FORMAT='JSON') AS SELECT CATEGORY, AVG(FINAL) AS AVG_FINAL FROM Q4_AUCTION_MAX GROUP BY CATEGORY EMIT CHANGES;",
  ],
  output: { topic: 'Q4', kind: 'table', keyFormat: 'json', columns: [column('CATEGORY', 'integer', 'key'), column('AVG_FINAL', 'double')] },
  duckdbSql: () =>
    'SELECT CATEGORY, AVG(FINAL) AS AVG_FINAL FROM (SELECT A.ID, A.CATEGORY, MAX(B.PRICE) AS FINAL FROM auction A JOIN bid B ON A.ID = B.AUCTION WHERE B.DATETIME BETWEEN A.DATETIME AND A.EXPIRES GROUP BY A.ID, A.CATEGORY) GROUP BY CATEGORY',
  differences:
    'ksqlDB has no subqueries, so the two levels are a chain of three persistent queries (join stream -> max per auction table -> average per category table). ksqlDB stream-stream joins need a WITHIN window: it is the longest auction the generator makes (rounded up to whole seconds), so no pair that satisfies `B.DATETIME BETWEEN A.DATETIME AND A.EXPIRES` falls outside it and the result equals the unbounded join’s. Like Flink’s SQL version (and unlike Beam’s original q4) it takes every auction’s highest bid, without checking the reserve price or waiting for the auction to close.',
};

const q5: NexmarkQuery = {
  name: 'q5',
  title: 'hot items',
  computes: 'For each 10-second window sliding by 2 seconds, the number of bids on the auction that got the most bids in it.',
  inputs: ['bid'],
  sluiceStatements: () => [
    SOURCE_STATEMENTS.BID,
    `CREATE TABLE Q5_AUCTION_COUNTS AS SELECT AUCTION, WINDOWSTART AS WSTART, COUNT(*) AS NUM FROM BID WINDOW HOPPING (SIZE ${Q5_WINDOW_MS / 1000} SECONDS, ADVANCE BY ${Q5_ADVANCE_MS / 1000} SECONDS, GRACE PERIOD ${WINDOW_GRACE_SECONDS} SECONDS) GROUP BY AUCTION EMIT CHANGES;`,
    "CREATE STREAM Q5_AUCTION_COUNT_CHANGES (WSTART BIGINT, NUM BIGINT) WITH (KAFKA_TOPIC='Q5_AUCTION_COUNTS', VALUE_FORMAT='JSON');",
    "CREATE TABLE Q5 WITH (KEY_FORMAT='JSON') AS SELECT WSTART, MAX(NUM) AS MAXN FROM Q5_AUCTION_COUNT_CHANGES GROUP BY WSTART EMIT CHANGES;",
  ],
  output: { topic: 'Q5', kind: 'table', keyFormat: 'json', columns: [column('WSTART', 'integer', 'key'), column('MAXN', 'integer')] },
  duckdbSql: () =>
    `SELECT WSTART, MAX(NUM) AS MAXN FROM (SELECT AUCTION, (DATETIME // ${Q5_ADVANCE_MS} - w.i) * ${Q5_ADVANCE_MS} AS WSTART, COUNT(*) AS NUM FROM bid CROSS JOIN range(${Q5_WINDOW_MS / Q5_ADVANCE_MS}) AS w(i) GROUP BY AUCTION, WSTART) GROUP BY WSTART`,
  differences:
    'The original joins the per-window counts back to the per-window maximum to name the hottest auctions. ksqlDB cannot aggregate a windowed table by its window nor join windowed tables, and MAX has no undo, so it cannot aggregate a table: the counts table’s changelog is read as a stream (counts only grow, so the largest value seen per window is the final maximum) and aggregated by window start. The result is the hottest auction’s bid count per window; which auctions reached it can be read from Q5_AUCTION_COUNTS.',
};

const q7: NexmarkQuery = {
  name: 'q7',
  title: 'highest bid',
  computes: 'The highest bid price in each 10-second tumbling window.',
  inputs: ['bid'],
  sluiceStatements: () => [
    SOURCE_STATEMENTS.BID,
    `CREATE TABLE Q7 AS SELECT DATETIME / ${Q7_WINDOW_MS} AS BUCKET, WINDOWSTART AS WSTART, MAX(PRICE) AS MAXPRICE FROM BID WINDOW TUMBLING (SIZE ${Q7_WINDOW_MS / 1000} SECONDS, GRACE PERIOD ${WINDOW_GRACE_SECONDS} SECONDS) GROUP BY DATETIME / ${Q7_WINDOW_MS} EMIT CHANGES;`,
  ],
  output: { topic: 'Q7', kind: 'table', keyFormat: 'none', columns: [column('WSTART', 'integer'), column('MAXPRICE', 'integer')] },
  duckdbSql: () => `SELECT (DATETIME // ${Q7_WINDOW_MS}) * ${Q7_WINDOW_MS} AS WSTART, MAX(PRICE) AS MAXPRICE FROM bid GROUP BY 1`,
  differences:
    'The original joins the bids back to their window’s maximum to output the winning bids. In ksqlDB a stream-table join sees the maximum as of each bid (the running maximum), not the window’s final one, so that join would emit every bid that led at its time; the query stops at the maximum per window. ksqlDB aggregates need a grouping key: the window number (DATETIME / 10000), one group per window, stands for a global aggregate.',
};

const q8: NexmarkQuery = {
  name: 'q8',
  title: 'monitor new users',
  computes: 'The people who opened an auction in the same 10-second tumbling window in which they registered.',
  inputs: ['person', 'auction'],
  sluiceStatements: (_config, settings = DEFAULT_QUERY_SETTINGS) => [
    SOURCE_STATEMENTS.PERSON,
    SOURCE_STATEMENTS.AUCTION,
    `CREATE STREAM Q8_NEW_SELLERS AS SELECT P.ID AS ID, P.NAME AS NAME, (P.DATETIME / ${Q8_WINDOW_MS}) * ${Q8_WINDOW_MS} AS STARTTIME FROM PERSON P JOIN AUCTION A WITHIN ${Q8_WINDOW_MS / 1000} SECONDS GRACE PERIOD ${settings.joinGraceSeconds} SECONDS ON P.ID = A.SELLER WHERE P.DATETIME / ${Q8_WINDOW_MS} = A.DATETIME / ${Q8_WINDOW_MS} EMIT CHANGES;`,
    "CREATE TABLE Q8 WITH (KEY_FORMAT='JSON') AS SELECT ID, NAME, STARTTIME, COUNT(*) AS AUCTIONS FROM Q8_NEW_SELLERS GROUP BY ID, NAME, STARTTIME EMIT CHANGES;",
  ],
  output: { topic: 'Q8', kind: 'table', keyFormat: 'json', columns: [column('ID', 'integer', 'key'), column('NAME', 'string', 'key'), column('STARTTIME', 'integer', 'key')] },
  duckdbSql: () =>
    `SELECT DISTINCT P.ID, P.NAME, (P.DATETIME // ${Q8_WINDOW_MS}) * ${Q8_WINDOW_MS} AS STARTTIME FROM person P JOIN auction A ON P.ID = A.SELLER AND P.DATETIME // ${Q8_WINDOW_MS} = A.DATETIME // ${Q8_WINDOW_MS}`,
  differences:
    'The original joins two windowed aggregations (people per window, sellers per window) on id and window. ksqlDB cannot join windowed tables, so it is a stream-stream join WITHIN the window size restricted to the same window by `P.DATETIME / 10000 = A.DATETIME / 10000`, then a table keyed by (id, name, window start) that removes the duplicates (one row per person and window, plus the number of auctions).',
};

export const NEXMARK_QUERIES: Readonly<Record<QueryName, NexmarkQuery>> = Object.freeze({ q0, q1, q2, q3, q4, q5, q7, q8 });

// ---- canonical rows ----

/** One value as the comparison sees it. */
export function canonicalValue(value: unknown, type: ColumnType): string | number | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'bigint' ? Number(value) : Number(value);
    case 'decimal3':
      return Number(value).toFixed(3);
    case 'double':
      return Number(Number(value).toPrecision(12));
    case 'string':
      return String(value);
  }
}

/** A row as one string (a JSON array), equal for equal rows whatever produced them. */
export function canonicalRow(values: readonly unknown[], columns: readonly OutputColumn[]): string {
  return JSON.stringify(columns.map((c, index) => canonicalValue(values[index], c.type)));
}

export interface RowComparison {
  equal: boolean;
  expectedRows: number;
  actualRows: number;
  /** Rows expected but not found (up to a few), and found but not expected. */
  missing: string[];
  unexpected: string[];
  missingCount: number;
  unexpectedCount: number;
}

/** Multiset comparison of canonical rows. */
export function compareRows(expected: readonly string[], actual: readonly string[], examples = 3): RowComparison {
  const counts = new Map<string, number>();
  for (const row of expected) counts.set(row, (counts.get(row) ?? 0) + 1);
  const unexpected: string[] = [];
  let unexpectedCount = 0;
  for (const row of actual) {
    const count = counts.get(row);
    if (count === undefined || count === 0) {
      unexpectedCount++;
      if (unexpected.length < examples) unexpected.push(row);
    } else counts.set(row, count - 1);
  }
  const missing: string[] = [];
  let missingCount = 0;
  for (const [row, count] of counts) {
    if (count === 0) continue;
    missingCount += count;
    if (missing.length < examples) missing.push(row);
  }
  return {
    equal: missingCount === 0 && unexpectedCount === 0,
    expectedRows: expected.length,
    actualRows: actual.length,
    missing,
    unexpected,
    missingCount,
    unexpectedCount,
  };
}
