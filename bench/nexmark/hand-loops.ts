/**
 * The hand-written baselines: for each query, the plainest JavaScript that computes the same
 * result over the same events, as a streaming program would: read the batches from the same log
 * topics, decode the records, JSON.parse every value, apply the query's logic with Maps for state
 * (evicting windows and join state once they can no longer change, as the SQL's windows and
 * grace periods allow), and for every output change JSON.stringify the row and encode it to
 * bytes (counted, not kept: a sink would hand them to the log). Sluice's events/s divided by the
 * loop's is the ratio the benchmark reports.
 *
 * Inputs of different topics are merged by timestamp (ties: person, then auction, then bid, the
 * order in which the generator creates them), which is the event-time order the SQL semantics
 * assume. With `collect`, the loop also keeps its result rows (canonical, see queries.ts) so the
 * tests and the benchmark can compare them with DuckDB's.
 */
import { decodeRecords, type Log, type LogRecord } from '../../storage/log/index.js';
import type { AuctionRow, BidRow, NexmarkEventKind, PersonRow } from './generator.js';
import { EVENT_KINDS, NEXMARK_TOPICS } from './load.js';
import {
  JOIN_GRACE_SECONDS,
  NEXMARK_QUERIES,
  Q5_ADVANCE_MS,
  Q5_WINDOW_MS,
  Q7_WINDOW_MS,
  Q8_WINDOW_MS,
  WINDOW_GRACE_SECONDS,
  canonicalRow,
  type QueryName,
} from './queries.js';
import { maxAuctionLengthMs, type NexmarkConfig } from './generator.js';

const READ_BYTES = 1024 * 1024;

/** Receives the output changes. */
export class OutputSink {
  rows = 0;
  bytes = 0;
  readonly collected: string[] | null;

  constructor(collect: boolean) {
    this.collected = collect ? [] : null;
  }

  emit(row: Record<string, unknown>): void {
    const bytes = Buffer.from(JSON.stringify(row), 'utf8');
    this.rows++;
    this.bytes += bytes.length;
  }
}

/** One query's program: handlers for the event types it reads, and its final result. */
export interface HandLoop {
  person?(row: PersonRow, timestampMs: number): void;
  auction?(row: AuctionRow, timestampMs: number): void;
  bid?(row: BidRow, timestampMs: number): void;
  /** The result as canonical rows: for streams the rows emitted (when collecting), for tables the final state. */
  result(): string[];
}

const columnsOf = (name: QueryName) => NEXMARK_QUERIES[name].output.columns;

function streamLoop(name: QueryName, sink: OutputSink, handlers: Omit<HandLoop, 'result'>): HandLoop {
  return { ...handlers, result: () => sink.collected ?? [] };
}

/** Emits to the sink and, when collecting a stream query, keeps the canonical row. */
function emitStreamRow(sink: OutputSink, name: QueryName, row: Record<string, unknown>, values: unknown[]): void {
  sink.emit(row);
  if (sink.collected !== null) sink.collected.push(canonicalRow(values, columnsOf(name)));
}

export function createHandLoop(name: QueryName, config: NexmarkConfig, sink: OutputSink): HandLoop {
  switch (name) {
    case 'q0':
      return streamLoop(name, sink, {
        bid: (b) => emitStreamRow(sink, name, { AUCTION: b.AUCTION, BIDDER: b.BIDDER, PRICE: b.PRICE, DATETIME: b.DATETIME, EXTRA: b.EXTRA }, [b.AUCTION, b.BIDDER, b.PRICE, b.DATETIME, b.EXTRA]),
      });
    case 'q1':
      return streamLoop(name, sink, {
        bid: (b) => {
          const price = 0.908 * b.PRICE;
          emitStreamRow(sink, name, { AUCTION: b.AUCTION, BIDDER: b.BIDDER, PRICE: price, DATETIME: b.DATETIME, EXTRA: b.EXTRA }, [b.AUCTION, b.BIDDER, price, b.DATETIME, b.EXTRA]);
        },
      });
    case 'q2':
      return streamLoop(name, sink, {
        bid: (b) => {
          if (b.AUCTION % 123 === 0) emitStreamRow(sink, name, { AUCTION: b.AUCTION, PRICE: b.PRICE }, [b.AUCTION, b.PRICE]);
        },
      });
    case 'q3': {
      const people = new Map<number, { NAME: string; CITY: string; STATE: string }>();
      return streamLoop(name, sink, {
        person: (p) => {
          people.set(p.ID, { NAME: p.NAME, CITY: p.CITY, STATE: p.STATE });
        },
        auction: (a) => {
          if (a.CATEGORY !== 10) return;
          const p = people.get(a.SELLER);
          if (p === undefined || (p.STATE !== 'OR' && p.STATE !== 'ID' && p.STATE !== 'CA')) return;
          emitStreamRow(sink, name, { NAME: p.NAME, CITY: p.CITY, STATE: p.STATE, ID: a.ID }, [p.NAME, p.CITY, p.STATE, a.ID]);
        },
      });
    }
    case 'q4':
      return q4Loop(config, sink);
    case 'q5':
      return q5Loop(sink);
    case 'q7':
      return q7Loop(sink);
    case 'q8':
      return q8Loop(sink);
  }
}

function q4Loop(config: NexmarkConfig, sink: OutputSink): HandLoop {
  interface Open {
    datetime: number;
    expires: number;
    category: number;
    max: number | null;
  }
  const auctions = new Map<number, Open>();
  const order: number[] = [];
  let orderHead = 0;
  const categories = new Map<number, { sum: number; count: number }>();
  const keepMs = maxAuctionLengthMs(config) + JOIN_GRACE_SECONDS * 1000;
  let streamTimeMs = 0;
  const evict = (): void => {
    while (orderHead < order.length) {
      const open = auctions.get(order[orderHead]!);
      if (open !== undefined && open.datetime + keepMs >= streamTimeMs) break;
      auctions.delete(order[orderHead++]!);
    }
    if (orderHead > 4096 && orderHead * 2 > order.length) {
      order.splice(0, orderHead);
      orderHead = 0;
    }
  };
  return {
    auction: (a, timestampMs) => {
      if (timestampMs > streamTimeMs) streamTimeMs = timestampMs;
      auctions.set(a.ID, { datetime: a.DATETIME, expires: a.EXPIRES, category: a.CATEGORY, max: null });
      order.push(a.ID);
      evict();
    },
    bid: (b, timestampMs) => {
      if (timestampMs > streamTimeMs) streamTimeMs = timestampMs;
      const open = auctions.get(b.AUCTION);
      if (open === undefined || b.DATETIME < open.datetime || b.DATETIME > open.expires) return;
      if (open.max !== null && b.PRICE <= open.max) return;
      let category = categories.get(open.category);
      if (category === undefined) categories.set(open.category, (category = { sum: 0, count: 0 }));
      if (open.max === null) {
        category.sum += b.PRICE;
        category.count++;
      } else category.sum += b.PRICE - open.max;
      open.max = b.PRICE;
      sink.emit({ CATEGORY: open.category, AVG_FINAL: category.sum / category.count });
    },
    result: () => [...categories].map(([category, { sum, count }]) => canonicalRow([category, sum / count], columnsOf('q4'))),
  };
}

function q5Loop(sink: OutputSink): HandLoop {
  const windowsPerBid = Q5_WINDOW_MS / Q5_ADVANCE_MS;
  /** Open windows: start -> auction -> count. */
  const open = new Map<number, Map<number, number>>();
  const maxima = new Map<number, number>();
  let streamTimeMs = 0;
  let lastEvictionMs = 0;
  return {
    bid: (b, timestampMs) => {
      if (timestampMs > streamTimeMs) streamTimeMs = timestampMs;
      const last = Math.floor(timestampMs / Q5_ADVANCE_MS) * Q5_ADVANCE_MS;
      for (let i = 0; i < windowsPerBid; i++) {
        const start = last - i * Q5_ADVANCE_MS;
        let counts = open.get(start);
        if (counts === undefined) {
          if (start + Q5_WINDOW_MS + WINDOW_GRACE_SECONDS * 1000 <= streamTimeMs) continue;
          open.set(start, (counts = new Map()));
        }
        const count = (counts.get(b.AUCTION) ?? 0) + 1;
        counts.set(b.AUCTION, count);
        const max = maxima.get(start);
        const next = max === undefined || count > max ? count : max;
        maxima.set(start, next);
        sink.emit({ WSTART: start, MAXN: next });
      }
      if (streamTimeMs - lastEvictionMs >= Q5_ADVANCE_MS) {
        lastEvictionMs = streamTimeMs;
        for (const start of open.keys()) if (start + Q5_WINDOW_MS + WINDOW_GRACE_SECONDS * 1000 <= streamTimeMs) open.delete(start);
      }
    },
    result: () => [...maxima].map(([start, max]) => canonicalRow([start, max], columnsOf('q5'))),
  };
}

function q7Loop(sink: OutputSink): HandLoop {
  const maxima = new Map<number, number>();
  return {
    bid: (b, timestampMs) => {
      const start = Math.floor(timestampMs / Q7_WINDOW_MS) * Q7_WINDOW_MS;
      const max = maxima.get(start);
      const next = max === undefined || b.PRICE > max ? b.PRICE : max;
      maxima.set(start, next);
      sink.emit({ BUCKET: start / Q7_WINDOW_MS, WSTART: start, MAXPRICE: next });
    },
    result: () => [...maxima].map(([start, max]) => canonicalRow([start, max], columnsOf('q7'))),
  };
}

function q8Loop(sink: OutputSink): HandLoop {
  /** Per window start: people registered in it (id -> name), and sellers of auctions in it (id -> auctions). */
  const people = new Map<number, Map<number, string>>();
  const sellers = new Map<number, Map<number, number>>();
  const results = new Map<string, { id: number; name: string; start: number; auctions: number }>();
  let streamTimeMs = 0;
  let lastEvictionMs = 0;
  const keepMs = Q8_WINDOW_MS + JOIN_GRACE_SECONDS * 1000;
  const found = (id: number, name: string, start: number, auctions: number): void => {
    const key = `${id}\u0000${start}`;
    let row = results.get(key);
    if (row === undefined) results.set(key, (row = { id, name, start, auctions: 0 }));
    row.auctions += auctions;
    sink.emit({ ID: id, NAME: name, STARTTIME: start, AUCTIONS: row.auctions });
  };
  const evict = (): void => {
    if (streamTimeMs - lastEvictionMs < Q8_WINDOW_MS) return;
    lastEvictionMs = streamTimeMs;
    for (const start of people.keys()) if (start + keepMs <= streamTimeMs) people.delete(start);
    for (const start of sellers.keys()) if (start + keepMs <= streamTimeMs) sellers.delete(start);
  };
  return {
    person: (p, timestampMs) => {
      if (timestampMs > streamTimeMs) streamTimeMs = timestampMs;
      const start = Math.floor(p.DATETIME / Q8_WINDOW_MS) * Q8_WINDOW_MS;
      let inWindow = people.get(start);
      if (inWindow === undefined) people.set(start, (inWindow = new Map()));
      inWindow.set(p.ID, p.NAME);
      const auctions = sellers.get(start)?.get(p.ID);
      if (auctions !== undefined) found(p.ID, p.NAME, start, auctions);
      evict();
    },
    auction: (a, timestampMs) => {
      if (timestampMs > streamTimeMs) streamTimeMs = timestampMs;
      const start = Math.floor(a.DATETIME / Q8_WINDOW_MS) * Q8_WINDOW_MS;
      let inWindow = sellers.get(start);
      if (inWindow === undefined) sellers.set(start, (inWindow = new Map()));
      inWindow.set(a.SELLER, (inWindow.get(a.SELLER) ?? 0) + 1);
      const name = people.get(start)?.get(a.SELLER);
      if (name !== undefined) found(a.SELLER, name, start, 1);
      evict();
    },
    result: () => [...results.values()].map((row) => canonicalRow([row.id, row.name, row.start], columnsOf('q8'))),
  };
}

// ---- driving a loop from the log ----

/** Reads one partition-0 topic in order, up to (not including) `endOffset`, a batch at a time. */
class TopicCursor {
  records: LogRecord[] = [];
  index = 0;
  private offset = 0;

  constructor(
    private readonly log: Log,
    readonly topic: string,
    readonly kind: NexmarkEventKind,
    private readonly endOffset: number,
  ) {}

  /** Makes `records[index]` the next record; false at the end. */
  async fill(): Promise<boolean> {
    while (this.index >= this.records.length) {
      if (this.offset >= this.endOffset) return false;
      const read = await this.log.read(this.topic, 0, this.offset, READ_BYTES);
      if (read.batches.length === 0) return false;
      const records: LogRecord[] = [];
      for (const batch of read.batches) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < this.offset || record.offset >= this.endOffset) continue;
          records.push(record);
        }
      }
      const last = records[records.length - 1];
      if (last === undefined) return false;
      this.offset = last.offset + 1;
      this.records = records;
      this.index = 0;
    }
    return true;
  }
}

export interface HandLoopRun {
  /** Records read. */
  inputRecords: number;
  outputRows: number;
  outputBytes: number;
  seconds: number;
  /** The canonical result rows (collected only when asked). */
  rows: string[] | null;
}

/**
 * Runs query `name`'s loop over the log's topics, reading each topic's offsets below
 * `endOffsets[kind]` (the events loaded for the measured run).
 */
export async function runHandLoop(
  name: QueryName,
  config: NexmarkConfig,
  log: Log,
  endOffsets: Readonly<Record<NexmarkEventKind, number>>,
  collect: boolean,
): Promise<HandLoopRun> {
  const sink = new OutputSink(collect);
  const loop = createHandLoop(name, config, sink);
  const kinds = EVENT_KINDS.filter((kind) => NEXMARK_QUERIES[name].inputs.includes(kind));
  const cursors = kinds.map((kind) => new TopicCursor(log, NEXMARK_TOPICS[kind], kind, endOffsets[kind]));
  const handlers: Record<NexmarkEventKind, ((row: never, timestampMs: number) => void) | undefined> = {
    person: loop.person?.bind(loop),
    auction: loop.auction?.bind(loop),
    bid: loop.bid?.bind(loop),
  };
  let inputRecords = 0;
  const started = performance.now();
  if (cursors.length === 1) {
    const cursor = cursors[0]!;
    const handler = handlers[cursor.kind]!;
    while (await cursor.fill()) {
      const records = cursor.records;
      for (let i = cursor.index; i < records.length; i++) {
        const record = records[i]!;
        handler(JSON.parse(record.value!.toString('utf8')) as never, record.timestampMs);
      }
      inputRecords += records.length - cursor.index;
      cursor.index = records.length;
    }
  } else {
    // Merge by timestamp; ties go to the earlier kind (person, auction, bid).
    const live: TopicCursor[] = [];
    for (const cursor of cursors) if (await cursor.fill()) live.push(cursor);
    while (live.length > 0) {
      let best = 0;
      for (let i = 1; i < live.length; i++) {
        if (live[i]!.records[live[i]!.index]!.timestampMs < live[best]!.records[live[best]!.index]!.timestampMs) best = i;
      }
      const cursor = live[best]!;
      const record = cursor.records[cursor.index++]!;
      handlers[cursor.kind]!(JSON.parse(record.value!.toString('utf8')) as never, record.timestampMs);
      inputRecords++;
      if (cursor.index >= cursor.records.length && !(await cursor.fill())) live.splice(best, 1);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = collect ? loop.result() : null;
  return { inputRecords, outputRows: sink.rows, outputBytes: sink.bytes, seconds, rows };
}
