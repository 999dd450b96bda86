/**
 * Crash test for a stateful query: a CTAS aggregation (COUNT and SUM per key) over a stream of
 * 100k records, processed by a deterministic engine on a MemoryFileSystem whose disk "crashes" at
 * a random write (the process dies: nothing is closed, unsynced bytes are lost, possibly torn),
 * restarted on the same disk and state volumes several times. State lives in memory volumes (the
 * committed state an lmdb directory would hold); a crashed run leaves only what it committed.
 *
 * The final table (the latest row per key on the sink topic) must equal the table of a run
 * without crashes — and the table computed by hand. Then the state is wiped (the state directory
 * deleted): the next start rebuilds it from the changelogs, and one more record per key must give
 * exactly the counts the uninterrupted table implies.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, isSluiceError, withLimits } from '../../common/index.js';
import { MemoryFileSystem, seededRandom } from '../../storage/fs/index.js';
import { decodeRecords, encodeRecordBatch, openLog, type BuiltInLog } from '../../storage/log/index.js';
import { createQueryEngine, type QueryEngine } from '../../queries/index.js';
import { memoryStateEnvironments, type MemoryStateEnvironments } from '../../engine/runtime/index.js';

const RECORDS = 100_000;
const KEYS = 1000;
const SOURCE = 'events';
const SINK = 'TOTALS';
const STATEMENTS = [
  `CREATE STREAM EVENTS (USER_ID STRING KEY, AMOUNT INT) WITH (KAFKA_TOPIC='${SOURCE}', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=2);`,
  `CREATE TABLE TOTALS AS SELECT USER_ID, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL FROM EVENTS GROUP BY USER_ID EMIT CHANGES;`,
];

interface Row {
  N: number;
  TOTAL: number;
}

interface Input {
  partition: number;
  key: string;
  amount: number;
}

function inputs(count: number, seed: number): Input[] {
  const random = seededRandom(seed);
  const out: Input[] = [];
  for (let i = 0; i < count; i++) {
    const user = Math.floor(random() * KEYS);
    out.push({ partition: user % 2, key: `user-${user}`, amount: Math.floor(random() * 100) - 20 });
  }
  return out;
}

function handTable(records: readonly Input[]): Map<string, Row> {
  const table = new Map<string, Row>();
  for (const r of records) {
    const row = table.get(r.key) ?? { N: 0, TOTAL: 0 };
    row.N++;
    row.TOTAL += r.amount;
    table.set(r.key, row);
  }
  return table;
}

async function append(log: BuiltInLog, records: readonly Input[], timestampStartMs: number): Promise<void> {
  for (const partition of [0, 1]) {
    const mine = records.filter((r) => r.partition === partition);
    for (let start = 0; start < mine.length; start += 500) {
      const batch = mine.slice(start, start + 500).map((r, i) => ({
        key: Buffer.from(r.key),
        value: Buffer.from(JSON.stringify({ AMOUNT: r.amount })),
        timestampMs: timestampStartMs + start + i,
      }));
      await log.append(SOURCE, partition, encodeRecordBatch(batch));
    }
  }
}

/** The latest row per key on the sink topic (the table as a reader of the topic sees it). */
async function readTable(log: BuiltInLog): Promise<Map<string, Row>> {
  const table = new Map<string, Row>();
  for (let partition = 0; partition < log.describeTopic(SINK).partitions; partition++) {
    let offset = log.offsets(SINK, partition).logStartOffset;
    const end = log.offsets(SINK, partition).highWatermark;
    while (offset < end) {
      const read = await log.read(SINK, partition, offset, 1 << 20);
      if (read.batches.length === 0) break;
      for (const batch of read.batches) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < offset) continue;
          const key = record.key!.toString();
          if (record.value === null) table.delete(key);
          else table.set(key, JSON.parse(record.value.toString()) as Row);
          offset = record.offset + 1;
        }
      }
    }
  }
  return table;
}

interface Setup {
  fs: MemoryFileSystem;
  clock: SimulatedClock;
  state: MemoryStateEnvironments;
}

function setup(seed: number): Setup {
  return { fs: new MemoryFileSystem({ random: seededRandom(seed) }), clock: new SimulatedClock(1_700_000_000_000), state: memoryStateEnvironments() };
}

// Small reads and a commit after every batch: many commit points for a crash to fall between.
const limits = withLimits({ taskReadBytesMax: 16 * 1024 });

async function open(s: Setup): Promise<{ log: BuiltInLog; engine: QueryEngine }> {
  // The server's default durability: an acknowledged append (sink output, changelog) survives a crash.
  const log = await openLog({ dataDir: '/data', fs: s.fs, clock: s.clock, limits, maintenanceIntervalMs: 0, defaults: { durability: { kind: 'every-append' } } });
  const engine = await createQueryEngine({
    log,
    clock: s.clock,
    limits,
    deterministic: true,
    serviceId: 'crash',
    runtime: { stateEnvironment: s.state.factory, commitIntervalMs: 0 },
  });
  return { log, engine };
}

/** Creates the source with the records and starts the CTAS (clean close). */
async function prepare(s: Setup, records: readonly Input[]): Promise<void> {
  const { log, engine } = await open(s);
  await log.createTopic(SOURCE, { partitions: 2 });
  await append(log, records, 1_700_000_000_000);
  for (const statement of STATEMENTS) await engine.execute(statement, { properties: { 'auto.offset.reset': 'earliest' } });
  await engine.close();
  await log.close();
}

async function runToEnd(s: Setup): Promise<Map<string, Row>> {
  const { log, engine } = await open(s);
  await engine.runtime.drain();
  const query = engine.runtime.list()[0]!;
  expect(query.errors()).toEqual([]);
  const table = await readTable(log);
  await engine.close();
  await log.close();
  return table;
}

/** The process dies: the disk loses what was not synced; committed state volumes stay. */
function crash(s: Setup): void {
  s.fs.crash();
  // Nothing was closed: release the volumes the dead process held (they keep their commits only).
  for (const volume of s.state.volumes.values()) volume.inUse = false;
}

describe('aggregate crash test', () => {
  it('a CTAS over 100k records killed at random points ends with the uninterrupted table, and rebuilds from its changelog', async () => {
    const records = inputs(RECORDS, 7);
    const expected = handTable(records);

    // Without crashes.
    const clean = setup(1);
    await prepare(clean, records);
    const writesBefore = clean.fs.writeCount;
    const cleanTable = await runToEnd(clean);
    const writesPerRun = clean.fs.writeCount - writesBefore;
    expect(cleanTable).toEqual(expected);

    // Killed at random writes, restarted on the same disk and state.
    const random = seededRandom(20240611);
    const crashed = setup(2);
    await prepare(crashed, records);
    let crashes = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const { engine } = await open(crashed);
      crashed.fs.crashAtWrite(1 + Math.floor(random() * writesPerRun * 0.4), Math.floor(random() * 64));
      try {
        await engine.runtime.drain();
      } catch (error) {
        if (!isSluiceError(error)) throw error;
      }
      const failed = engine.runtime.list().some((q) => q.state === 'ERROR');
      if (!failed && !crashed.fs.isCrashed()) {
        // The armed write was never reached: kill it anyway, after the run.
        crashed.fs.crash();
        for (const volume of crashed.state.volumes.values()) volume.inUse = false;
        break;
      }
      crashes++;
      crash(crashed);
    }
    expect(crashes).toBeGreaterThanOrEqual(3);
    const crashedTable = await runToEnd(crashed);
    expect(crashedTable).toEqual(cleanTable);

    // The state directory is lost: the restore replays the changelogs; one more record per key.
    crashed.state.wipe();
    const more: Input[] = [...expected.keys()].map((key) => ({ partition: Number(key.slice(5)) % 2, key, amount: 1 }));
    {
      const { log, engine } = await open(crashed);
      await append(log, more, 1_800_000_000_000);
      await engine.close();
      await log.close();
    }
    const rebuilt = await runToEnd(crashed);
    const expectedAfter = new Map([...expected].map(([key, row]) => [key, { N: row.N + 1, TOTAL: row.TOTAL + 1 }]));
    expect(rebuilt).toEqual(expectedAfter);
  }, 60_000);
});
