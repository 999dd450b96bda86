import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock, withLimits } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { encodeRecordBatch, openLog, type Log } from '../../../../storage/log/index.js';
import { DEFAULT_NEXMARK_CONFIG, NexmarkGenerator, encodeIdKey, type NexmarkEventKind } from '../../../../bench/nexmark/generator.js';
import { appendEventsToLog, createNexmarkTopics, writeEventFiles, type EventFiles } from '../../../../bench/nexmark/load.js';
import { NEXMARK_QUERIES, QUERY_NAMES, canonicalRow, compareRows, type QueryName } from '../../../../bench/nexmark/queries.js';
import { openReferenceDatabase, referenceResult, type ReferenceDatabase } from '../../../../bench/nexmark/duckdb.js';
import { runHandLoop } from '../../../../bench/nexmark/hand-loops.js';

const config = DEFAULT_NEXMARK_CONFIG;
const T0 = Date.UTC(2025, 0, 1);

const person = (ID: number, NAME: string, STATE: string, CITY: string, at: number) => ({
  ID,
  NAME,
  EMAIL_ADDRESS: 'x@y.com',
  CREDIT_CARD: '0000 0000 0000 0000',
  CITY,
  STATE,
  DATETIME: T0 + at,
  EXTRA: '',
});
const auction = (ID: number, SELLER: number, CATEGORY: number, at: number, length: number) => ({
  ID,
  ITEM_NAME: 'item',
  DESCRIPTION: 'thing',
  INITIAL_BID: 1,
  RESERVE: 2,
  DATETIME: T0 + at,
  EXPIRES: T0 + at + length,
  SELLER,
  CATEGORY,
  EXTRA: '',
});
const bid = (AUCTION: number, PRICE: number, at: number) => ({ AUCTION, BIDDER: 1000, PRICE, CHANNEL: 'Google', URL: 'https://x', DATETIME: T0 + at, EXTRA: 'e' });

/** A handful of events whose results are worked out by hand below. */
const TINY: Record<NexmarkEventKind, Array<Record<string, string | number>>> = {
  person: [person(1000, 'Ann', 'OR', 'Bend', 0), person(1001, 'Bob', 'WA', 'Kent', 1), person(1002, 'Cy', 'CA', 'Boise', 20_000)],
  auction: [auction(2000, 1000, 10, 5, 995), auction(2001, 1001, 10, 6, 494), auction(2002, 1002, 10, 10, 100), auction(2003, 1000, 11, 12_000, 1000)],
  bid: [bid(2000, 100, 10), bid(2000, 300, 20), bid(2001, 50, 30), bid(2001, 70, 600), bid(2003, 1000, 12_500), bid(2460, 5, 12_600)],
};

function rows(name: QueryName, values: unknown[][]): string[] {
  return values.map((row) => canonicalRow(row, NEXMARK_QUERIES[name].output.columns));
}

/** What each query must give on TINY (only bids in an auction's lifetime count; P.DATETIME <= A.DATETIME for q3). */
const TINY_EXPECTED: Record<QueryName, string[]> = {
  q0: rows('q0', TINY.bid.map((b) => [b.AUCTION, b.BIDDER, b.PRICE, b.DATETIME, b.EXTRA])),
  q1: rows('q1', [
    [2000, 1000, 90.8, T0 + 10, 'e'],
    [2000, 1000, 272.4, T0 + 20, 'e'],
    [2001, 1000, 45.4, T0 + 30, 'e'],
    [2001, 1000, 63.56, T0 + 600, 'e'],
    [2003, 1000, 908, T0 + 12_500, 'e'],
    [2460, 1000, 4.54, T0 + 12_600, 'e'],
  ]),
  q2: rows('q2', [[2460, 5]]),
  q3: rows('q3', [['Ann', 'Bend', 'OR', 2000]]),
  q4: rows('q4', [
    [10, (300 + 50) / 2],
    [11, 1000],
  ]),
  q5: rows('q5', [
    ...[-8000, -6000, -4000, -2000, 0].map((start) => [T0 + start, 2]),
    ...[4000, 6000, 8000, 10_000, 12_000].map((start) => [T0 + start, 1]),
  ]),
  q7: rows('q7', [
    [T0, 300],
    [T0 + 10_000, 1000],
  ]),
  q8: rows('q8', [
    [1000, 'Ann', T0],
    [1001, 'Bob', T0],
  ]),
};

async function memoryLog(): Promise<Log> {
  const log = await openLog({ dataDir: '/nexmark', fs: new MemoryFileSystem(), clock: new SimulatedClock(0), limits: withLimits(), maintenanceIntervalMs: 0 });
  await createNexmarkTopics(log);
  return log;
}

function ends(log: Log): Record<NexmarkEventKind, number> {
  return { person: log.offsets('person', 0).highWatermark, auction: log.offsets('auction', 0).highWatermark, bid: log.offsets('bid', 0).highWatermark };
}

describe('Nexmark references: DuckDB and the hand-written loops', () => {
  let dir: string;
  let tiny: ReferenceDatabase;
  let tinyLog: Log;
  let generated: ReferenceDatabase;
  let generatedLog: Log;
  const GENERATED_EVENTS = 15_000;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexmark-test-'));
    const tinyFiles: EventFiles = { person: path.join(dir, 'p.ndjson'), auction: path.join(dir, 'a.ndjson'), bid: path.join(dir, 'b.ndjson') };
    tinyLog = await memoryLog();
    for (const kind of ['person', 'auction', 'bid'] as const) {
      fs.writeFileSync(tinyFiles[kind], TINY[kind].map((row) => `${JSON.stringify(row)}\n`).join(''));
      const records = TINY[kind].map((row) => ({ key: kind === 'bid' ? null : encodeIdKey(row.ID as number), value: JSON.stringify(row), timestampMs: row.DATETIME as number }));
      await tinyLog.append(kind, 0, encodeRecordBatch(records));
    }
    tiny = await openReferenceDatabase(tinyFiles);
    const { files } = writeEventFiles(path.join(dir, 'generated'), new NexmarkGenerator(config), GENERATED_EVENTS);
    generated = await openReferenceDatabase(files);
    generatedLog = await memoryLog();
    await appendEventsToLog(generatedLog, new NexmarkGenerator(config), GENERATED_EVENTS);
  });

  afterAll(async () => {
    tiny?.close();
    generated?.close();
    await tinyLog?.close();
    await generatedLog?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the events into DuckDB', () => {
    expect(tiny.rowCounts).toEqual({ person: 3, auction: 4, bid: 6 });
    expect(generated.rowCounts).toEqual({ person: 300, auction: 900, bid: 13_800 });
  });

  for (const name of QUERY_NAMES) {
    it(`${name}: DuckDB and the hand loop give the worked-out result on a tiny event set`, async () => {
      const reference = await referenceResult(tiny, NEXMARK_QUERIES[name], config);
      expect(compareRows(TINY_EXPECTED[name], reference.rows)).toMatchObject({ equal: true });
      const loop = await runHandLoop(name, config, tinyLog, ends(tinyLog), true);
      expect(compareRows(TINY_EXPECTED[name], loop.rows!)).toMatchObject({ equal: true });
    });
  }

  it('the hand loops agree with DuckDB on generated events, for every query', async () => {
    for (const name of QUERY_NAMES) {
      const reference = await referenceResult(generated, NEXMARK_QUERIES[name], config);
      const loop = await runHandLoop(name, config, generatedLog, ends(generatedLog), true);
      const comparison = compareRows(reference.rows, loop.rows!);
      expect({ name, ...comparison }).toMatchObject({ name, equal: true });
      expect(reference.rows.length).toBeGreaterThan(0);
      expect(loop.inputRecords).toBe(NEXMARK_QUERIES[name].inputs.reduce((sum, kind) => sum + ends(generatedLog)[kind], 0));
    }
  });

  it('compares rows as multisets and reports the differences', () => {
    expect(compareRows(['a', 'b', 'b'], ['b', 'a', 'b']).equal).toBe(true);
    expect(compareRows(['a', 'b', 'b'], ['a', 'b', 'c'])).toMatchObject({ equal: false, missing: ['b'], unexpected: ['c'], missingCount: 1, unexpectedCount: 1 });
    expect(canonicalRow([1n, '2.5', 0.1 + 0.2, 'x'], [
      { name: 'A', type: 'integer', from: 'value' },
      { name: 'B', type: 'decimal3', from: 'value' },
      { name: 'C', type: 'double', from: 'value' },
      { name: 'D', type: 'string', from: 'value' },
    ])).toBe('[1,"2.500",0.3,"x"]');
  });
});
