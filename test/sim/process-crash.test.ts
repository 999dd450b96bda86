/**
 * Process-crash test: persistent queries with state run in a child process
 * (test/sim/fixtures/crash-node.ts: the built-in log on the real file system, the query engine in
 * live mode, lmdb state under the data directory) that is killed with SIGKILL at random points
 * and restarted, over input written before the first kill:
 *   - AGG:      CREATE TABLE AS SELECT K, COUNT(*), SUM(V) ... GROUP BY K over a stream S of 100k
 *               records (1000 keys),
 *   - WAGG:     the same in a 5-minute tumbling window, with MAX(ID),
 *   - ENRICHED: a stream-table LEFT JOIN of a stream T (20k records) with a table USERS (5k
 *               updates and tombstones),
 *   - MATCHED:  a stream-stream LEFT JOIN of T with a stream R (20k records), WITHIN 5 SECONDS
 *               GRACE PERIOD 1 SECOND.
 * One data directory runs them without interruption; a copy of it is killed several times (each
 * start replays the command log and resumes from the local lmdb state; once the state directory
 * is deleted after a kill, so that start rebuilds it from the changelogs), then runs to the end.
 *
 * What is accepted. Sluice's persistent queries are at-least-once, as ksqlDB's default
 * (`processing.guarantee=at_least_once`): a task appends its output, then commits its state,
 * changelogs and input offsets together; a kill between the two replays the input since the last
 * commit and writes its output again. So, per sink partition, the killed copy's records must be
 * the uninterrupted run's records in the same order, except that after a restart the sequence may
 * go back to an earlier record and repeat from there (at most once per kill): no record lost,
 * changed, reordered or invented. The tables (latest value per key on the sink topics, and pull
 * queries over the state stores) must be equal, and equal to the tables computed by hand.
 *
 * One exception, ksqlDB's too: a LEFT/OUTER stream-stream join with a grace period emits its
 * null-padded results when a scan of its outer store finds their windows closed, and whether a
 * record triggers that scan depends on a time tracker Kafka Streams keeps in memory only (a
 * restart resets it, so the first record after a restart scans). Where the null-padded records
 * fall among the matched ones may therefore differ after a restart, not the records themselves.
 * So for MATCHED the matched and the null-padded records are checked as two sequences (each with
 * the replay rule above), over the whole run, the last input being a record far in the future
 * that closes every window (every T record without a match has then been emitted null-padded).
 *
 * Then the copy's state directory is deleted, more input is appended to both directories and
 * both run to the end again: the state rebuilt from the changelogs alone must give exactly the
 * output and the pull-query answers of the state that was kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RealFileSystem, seededRandom } from '../../storage/fs/index.js';
import { decodeRecords, encodeRecordBatch, openLog, type BuiltInLog } from '../../storage/log/index.js';
import { partitionForKey } from '../../engine/operators/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const FIXTURE = path.join(HERE, 'fixtures', 'crash-node.ts');

const PARTITIONS = 2;
const KEYS = 1000;
const SIZES = { s: 100_000, users: 5_000, t: 20_000, r: 20_000 };
const SPAN_MS = 1_000_000; // phase 1 spans 1000 s of event time: S has a record every 10 ms
// Event times 1 to 3 hours old (a week older would fall to the topics' retention), aligned to the
// hour so that the windows split the input the same way in every run.
const BASE_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const WINDOW_MS = 300_000;
const KILLS = 6;
const COMMIT_INTERVAL_MS = 200;
// About 1000 input records per batch (the default 1 MiB reads 30k of these small records at a
// time): many batches and commits for a kill to fall between.
const TASK_READ_BYTES_MAX = 32 * 1024;

const STATEMENTS = [
  { sql: "CREATE STREAM S (K STRING KEY, ID INT, V INT) WITH (KAFKA_TOPIC='s', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');" },
  { sql: "CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');" },
  { sql: "CREATE STREAM T (K STRING KEY, TID INT) WITH (KAFKA_TOPIC='t', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');" },
  { sql: "CREATE STREAM R (K STRING KEY, RID INT) WITH (KAFKA_TOPIC='r', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');" },
  { sql: 'CREATE TABLE AGG AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY K EMIT CHANGES;' },
  { sql: 'CREATE TABLE WAGG AS SELECT K, COUNT(*) AS N, SUM(V) AS TOTAL, MAX(ID) AS LAST_ID FROM S WINDOW TUMBLING (SIZE 5 MINUTES) GROUP BY K EMIT CHANGES;' },
  { sql: 'CREATE STREAM ENRICHED AS SELECT T.K AS K, T.TID AS TID, U.NAME AS NAME FROM T LEFT JOIN USERS U ON T.K = U.ID EMIT CHANGES;' },
  {
    sql: 'CREATE STREAM MATCHED AS SELECT T.K AS K, T.TID AS TID, R.RID AS RID FROM T LEFT JOIN R WITHIN 5 SECONDS GRACE PERIOD 1 SECOND ON T.K = R.K EMIT CHANGES;',
    // Null-padded results are emitted at every record, as ksqlDB's own tests run them; with the
    // default (at most once per wall-clock second) where they appear depends on the wall clock.
    properties: { '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__': 0 },
  },
];
const PULLS = ['SELECT * FROM AGG;', 'SELECT * FROM WAGG;'];
const SINKS = ['AGG', 'WAGG', 'ENRICHED', 'MATCHED'] as const;
type Sink = (typeof SINKS)[number];

// ---- input ----

type Topic = keyof typeof SIZES;

interface Input {
  key: string;
  value: Record<string, number | string> | null;
  timestampMs: number;
}

type Inputs = Record<Topic, Input[]>;

/**
 * Seeded input: `scale` times SIZES over `scale` times SPAN_MS of event time from `fromMs`, ids
 * from `fromId`. No two records share a timestamp (S on multiples of 10 ms, USERS, T and R at
 * offsets 3, 7 and 9), so the order a join processes them in is the timestamp order.
 */
function makeInputs(seed: number, scale: number, fromId: number, fromMs: number): Inputs {
  const random = seededRandom(seed);
  const spanMs = SPAN_MS * scale;
  const make = (topic: Topic, offsetMs: number, value: (id: number) => Input['value']): Input[] => {
    const count = Math.round(SIZES[topic] * scale);
    const step = spanMs / count;
    return Array.from({ length: count }, (_, i) => ({ key: `k${Math.floor(random() * KEYS)}`, value: value(fromId + i), timestampMs: fromMs + Math.floor(i * step) + offsetMs }));
  };
  return {
    s: make('s', 0, (id) => ({ ID: id, V: Math.floor(random() * 100) - 20 })),
    users: make('users', 3, (id) => (random() < 0.05 ? null : { NAME: `name-${id}` })),
    t: make('t', 7, (id) => ({ TID: id })),
    r: make('r', 9, (id) => ({ RID: id })),
  };
}

const partitionOf = (key: string): number => partitionForKey(Buffer.from(key), PARTITIONS);

function openDir(dataDir: string): Promise<BuiltInLog> {
  return openLog({ dataDir, fs: new RealFileSystem(), maintenanceIntervalMs: 0, defaults: { durability: { kind: 'os' } } });
}

/** Appends the records, each to the partition Kafka's partitioner gives its key (both sides of a join agree). */
async function writeInputs(dataDir: string, inputs: Inputs | null): Promise<void> {
  const log = await openDir(dataDir);
  for (const topic of Object.keys(SIZES) as Topic[]) {
    if (!log.hasTopic(topic)) await log.createTopic(topic, { partitions: PARTITIONS });
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const mine = (inputs?.[topic] ?? []).filter((r) => partitionOf(r.key) === partition);
      for (let start = 0; start < mine.length; start += 500) {
        const batch = mine.slice(start, start + 500).map((r) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(JSON.stringify(r.value)), timestampMs: r.timestampMs }));
        await log.append(topic, partition, encodeRecordBatch(batch));
      }
    }
  }
  await log.close();
}

// ---- output ----

interface OutRecord {
  key: Buffer;
  value: string | null;
  timestampMs: number;
}

type Outputs = Record<Sink, OutRecord[][]>; // per sink, per partition, in offset order

async function readOutputs(dataDir: string): Promise<Outputs> {
  const log = await openDir(dataDir);
  const outputs = {} as Outputs;
  for (const sink of SINKS) {
    outputs[sink] = [];
    for (let partition = 0; partition < log.describeTopic(sink).partitions; partition++) {
      const records: OutRecord[] = [];
      const { logStartOffset, highWatermark } = log.offsets(sink, partition);
      expect(logStartOffset, `${sink}[${partition}] lost records to retention`).toBe(0);
      let offset = logStartOffset;
      while (offset < highWatermark) {
        const read = await log.read(sink, partition, offset, 1 << 20);
        if (read.batches.length === 0) break;
        for (const batch of read.batches) {
          for (const record of decodeRecords(batch)) {
            if (record.offset < offset) continue;
            records.push({ key: Buffer.from(record.key!), value: record.value === null ? null : record.value.toString(), timestampMs: record.timestampMs });
            offset = record.offset + 1;
          }
        }
      }
      outputs[sink].push(records);
    }
  }
  await log.close();
  return outputs;
}

/** Each sink partition's end offset (the records of phase 1 are those before it). */
async function sinkEnds(dataDir: string): Promise<Record<Sink, number[]>> {
  const log = await openDir(dataDir);
  const ends = {} as Record<Sink, number[]>;
  for (const sink of SINKS) ends[sink] = Array.from({ length: log.describeTopic(sink).partitions }, (_, p) => log.offsets(sink, p).highWatermark);
  await log.close();
  return ends;
}

function upTo(outputs: Outputs, ends: Record<Sink, number[]>): Outputs {
  const cut = {} as Outputs;
  for (const sink of SINKS) cut[sink] = outputs[sink].map((records, p) => records.slice(0, ends[sink][p]));
  return cut;
}

const identity = (r: OutRecord): string => `${r.key.toString('hex')}|${r.timestampMs}|${r.value}`;

/** The latest value per key (the table a reader of the sink topic sees). */
function latest(partitions: OutRecord[][]): Map<string, string | null> {
  const table = new Map<string, string | null>();
  for (const records of partitions) for (const r of records) table.set(r.key.toString('hex'), r.value);
  return table;
}

/**
 * Checks that `killed` is `clean` with replays: it walks both; a record that is not the next one
 * of `clean` must be an earlier one (a restart went back) and the walk goes on from there.
 * Returns the number of records written more than once.
 */
function checkReplays(name: string, cleanRecords: readonly OutRecord[], killedRecords: readonly OutRecord[], only: (r: OutRecord) => boolean = () => true): number {
  const clean = cleanRecords.filter(only);
  const killed = killedRecords.filter(only);
  const index = new Map<string, number>();
  clean.forEach((r, i) => {
    const id = identity(r);
    if (index.has(id)) throw new Error(`${name}: the uninterrupted output has ${id} twice`);
    index.set(id, i);
  });
  let next = 0;
  let rewinds = 0;
  for (const r of killed) {
    const id = identity(r);
    const at = index.get(id);
    if (at === undefined) throw new Error(`${name}: a record the uninterrupted run did not write: ${id}`);
    if (at === next) {
      next++;
      continue;
    }
    if (at > next) throw new Error(`${name}: ${at - next} records lost before ${id}, the first: ${identity(clean[next]!)}`);
    rewinds++;
    next = at + 1;
  }
  expect(next, `${name}: the killed copy stopped ${clean.length - next} records before the end`).toBe(clean.length);
  expect(rewinds, `${name}: more replays than kills`).toBeLessThanOrEqual(KILLS);
  return killed.length - clean.length;
}

/** Compares two maps; fails with the first differences (not a diff of thousands of lines). */
function expectSameMap<K, V>(name: string, found: ReadonlyMap<K, V>, expected: ReadonlyMap<K, V>): void {
  const differences: string[] = [];
  for (const [key, value] of expected) {
    if (!found.has(key)) differences.push(`${String(key)}: missing, expected ${JSON.stringify(value)}`);
    else if (JSON.stringify(found.get(key)) !== JSON.stringify(value)) differences.push(`${String(key)}: ${JSON.stringify(found.get(key))}, expected ${JSON.stringify(value)}`);
  }
  for (const [key, value] of found) if (!expected.has(key)) differences.push(`${String(key)}: ${JSON.stringify(value)}, not expected`);
  expect(differences.length, `${name}: ${differences.length} differences (of ${expected.size}), e.g.\n${differences.slice(0, 8).join('\n')}`).toBe(0);
}

/** Pull-query answers (rows as JSON, as sets). */
function expectSamePulls(found: ReadonlyMap<string, string[]>, expected: ReadonlyMap<string, string[]>): void {
  for (const sql of PULLS) {
    const rows = (answers: ReadonlyMap<string, string[]>): Map<string, true> => new Map((answers.get(sql) ?? []).map((row) => [row, true]));
    expectSameMap(sql, rows(found), rows(expected));
  }
}

// ---- what the outputs must be, computed by hand ----

function handAggregates(s: readonly Input[]): { agg: Map<string, string>; wagg: Map<string, string> } {
  const agg = new Map<string, { N: number; TOTAL: number }>();
  const wagg = new Map<string, { N: number; TOTAL: number; LAST_ID: number }>();
  for (const r of s) {
    const { ID, V } = r.value as { ID: number; V: number };
    const a = agg.get(r.key) ?? { N: 0, TOTAL: 0 };
    a.N++;
    a.TOTAL += V;
    agg.set(r.key, a);
    const id = `${r.key}@${r.timestampMs - (r.timestampMs % WINDOW_MS)}`;
    const w = wagg.get(id) ?? { N: 0, TOTAL: 0, LAST_ID: ID };
    w.N++;
    w.TOTAL += V;
    w.LAST_ID = Math.max(w.LAST_ID, ID);
    wagg.set(id, w);
  }
  const json = <V>(map: Map<string, V>): Map<string, string> => new Map([...map].map(([k, v]) => [k, JSON.stringify(v)]));
  return { agg: json(agg), wagg: json(wagg) };
}

/** A windowed sink key: the key's bytes, then the window start (8 bytes, big-endian). */
function windowedKey(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  return `${bytes.subarray(0, bytes.length - 8).toString()}@${Number(bytes.readBigInt64BE(bytes.length - 8))}`;
}

function expectHandTables(outputs: Outputs, s: readonly Input[]): void {
  const hand = handAggregates(s);
  expectSameMap('AGG (sink topic) vs by hand', new Map([...latest(outputs.AGG)].map(([k, v]) => [Buffer.from(k, 'hex').toString(), v])), hand.agg);
  expectSameMap('WAGG (sink topic) vs by hand', new Map([...latest(outputs.WAGG)].map(([k, v]) => [windowedKey(k), v])), hand.wagg);
}

/** ENRICHED: each T record once, with the USERS row as of the record's time. */
function expectHandEnriched(outputs: Outputs, inputs: Inputs): void {
  const events = [...inputs.t.map((r) => ({ ...r, table: false })), ...inputs.users.map((r) => ({ ...r, table: true }))].sort((a, b) => a.timestampMs - b.timestampMs);
  const names = new Map<string, string | null>();
  const expected = new Map<number, string>();
  for (const e of events) {
    if (e.table) names.set(e.key, e.value === null ? null : (e.value['NAME'] as string));
    else expected.set(e.value!['TID'] as number, JSON.stringify({ TID: e.value!['TID'], NAME: names.get(e.key) ?? null }));
  }
  const found = new Map<number, string>();
  for (const records of outputs.ENRICHED) for (const r of records) found.set((JSON.parse(r.value!) as { TID: number }).TID, r.value!);
  expectSameMap('ENRICHED vs by hand', found, expected);
}

/** MATCHED: every pair within 5 s; every T record without one, null-padded (the input ends past every window). */
function expectHandMatched(outputs: Outputs, inputs: Inputs): { pairs: number; unmatched: number } {
  const rByKey = new Map<string, Input[]>();
  for (const r of inputs.r) rByKey.set(r.key, [...(rByKey.get(r.key) ?? []), r]);
  const pairs = new Map<string, true>();
  const unmatched = new Map<number, number>(); // TID -> timestamp
  for (const t of inputs.t) {
    const tid = t.value!['TID'] as number;
    const matches = (rByKey.get(t.key) ?? []).filter((r) => Math.abs(r.timestampMs - t.timestampMs) <= 5000);
    for (const r of matches) pairs.set(`${tid}:${r.value!['RID']}`, true);
    if (matches.length === 0) unmatched.set(tid, t.timestampMs);
  }
  const foundPairs = new Map<string, true>();
  const foundUnmatched = new Set<number>();
  for (const records of outputs.MATCHED) {
    for (const r of records) {
      const value = JSON.parse(r.value!) as { TID: number; RID: number | null };
      if (value.RID === null) foundUnmatched.add(value.TID);
      else foundPairs.set(`${value.TID}:${value.RID}`, true);
    }
  }
  expectSameMap('MATCHED pairs vs by hand', foundPairs, pairs);
  // Every window closed before the last records (FLUSH_MS): each T record before them without a match is out, null-padded.
  const expectedUnmatched = new Map([...unmatched].filter(([, ts]) => ts < FLUSH_MS).map(([tid]) => [tid, true]));
  expectSameMap('MATCHED null-padded vs by hand', new Map([...foundUnmatched].map((tid) => [tid, true])), expectedUnmatched);
  return { pairs: pairs.size, unmatched: foundUnmatched.size };
}

// ---- the child process ----

/** What the nodes did when (printed at the end: the run times and where the kills fell). */
const trace: string[] = [];
const traceStartedMs = Date.now();
const note = (text: string): void => {
  trace.push(`${((Date.now() - traceStartedMs) / 1000).toFixed(1)}s ${text}`);
};
let nodeCount = 0;

class SluiceNode {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined = undefined;
  private readonly waiters: Array<() => void> = [];
  private stderr = '';

  readonly name: string;

  constructor(dataDir: string) {
    this.name = `${path.basename(dataDir)}#${++nodeCount}`;
    note(`${this.name} spawned`);
    const config = { dataDir, statements: STATEMENTS, pulls: PULLS, commitIntervalMs: COMMIT_INTERVAL_MS, taskReadBytesMax: TASK_READ_BYTES_MAX };
    this.child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith('progress') && !line.startsWith('pull')) note(`${this.name} ${line}`);
      this.lines.push(line);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        note(`${this.name} exited ${code ?? signal}${this.lastProgress() ? ` at progress ${this.lastProgress()}` : ''}`);
        this.exitCode = code;
        for (const wake of this.waiters.splice(0)) wake();
        resolve(code);
      });
    });
  }

  /** The first line (from index `from` on) that matches; throws when the process exits first. */
  async waitFor(match: (line: string) => boolean, from = 0): Promise<{ line: string; at: number }> {
    for (let at = from; ; ) {
      for (; at < this.lines.length; at++) if (match(this.lines[at]!)) return { line: this.lines[at]!, at };
      if (this.exitCode !== undefined) throw new Error(`the node exited (${this.exitCode}) before the line expected:\n${this.output()}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** What it said, but the progress lines. */
  output(): string {
    return `${this.lines.filter((l) => !l.startsWith('progress')).join('\n')}\n${this.stderr}`;
  }

  lastProgress(): string | undefined {
    return [...this.lines].reverse().find((line) => line.startsWith('progress'))?.slice('progress '.length);
  }

  async kill(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The pull queries' answers: rows as JSON, sorted. */
  pulls(): Map<string, string[]> {
    const answers = new Map<string, string[]>();
    for (const line of this.lines) {
      const match = /^pull ("(?:[^"\\]|\\.)*") (.*)$/.exec(line);
      if (match) answers.set(JSON.parse(match[1]!) as string, (JSON.parse(match[2]!) as unknown[]).map((row) => JSON.stringify(row)).sort());
    }
    return answers;
  }
}

const running = new Set<SluiceNode>();
function startNode(dataDir: string): SluiceNode {
  const node = new SluiceNode(dataDir);
  running.add(node);
  void node.exited.then(() => running.delete(node));
  return node;
}

/** Runs a node until it has processed everything, answered the pull queries and closed cleanly. */
async function runToEnd(dataDir: string): Promise<Map<string, string[]>> {
  const node = startNode(dataDir);
  await node.waitFor((line) => line === 'closed');
  expect(await node.exited).toBe(0);
  return node.pulls();
}

interface KillReport {
  kills: number;
  /** Killed before the node had processed every input. */
  whileProcessing: number;
  /** Kills that fell while a query had processed part of its input (per sink; from the last progress reported). */
  inside: Record<string, number>;
  /** Where each kill fell: while starting (before any progress report), or the progress reported last. */
  at: string[];
  /** Records written again after restarts (the at-least-once replays), per sink. */
  replayed: Record<string, number>;
}

/** `progress 0.41 AGG=0.38 WAGG=0.35 ...`: the fractions, overall under 'all'. */
function parseProgress(line: string): Map<string, number> {
  const [, all, ...queries] = line.split(' ');
  return new Map([['all', Number(all)], ...queries.map((q): [string, number] => [q.split('=')[0]!, Number(q.split('=')[1])])]);
}

/**
 * Starts and kills (SIGKILL) a node `KILLS` times, then runs it to the end. Two kills fall while
 * the node starts (a random time within how long the last start took: log recovery, command
 * replay, state restore, first batches); the others when a query reaches a random point of its
 * remaining input (from the progress the node reports every 20 ms): for the first ones a join
 * while one is not done (the joins have less input and finish first), else any query not done.
 * After the third kill the state directory is deleted too (the next start rebuilds it from the
 * changelogs).
 */
async function runWithKills(dataDir: string, seed: number, startupMs: number): Promise<{ pulls: Map<string, string[]>; report: KillReport }> {
  const random = seededRandom(seed);
  const report: KillReport = { kills: 0, whileProcessing: 0, inside: {}, at: [], replayed: {} };
  let lastStartupMs = startupMs;
  for (let kill = 0; kill < KILLS; kill++) {
    const spawnedMs = Date.now();
    const node = startNode(dataDir);
    const ready = node.waitFor((line) => line.startsWith('ready')).then((found) => {
      lastStartupMs = Date.now() - spawnedMs;
      return found;
    });
    if (kill === 0 || kill === KILLS - 2) {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * lastStartupMs)));
    } else {
      const first = await node.waitFor((line) => line.startsWith('progress') || line === 'done', (await ready).at);
      if (first.line !== 'done') {
        const progress = parseProgress(first.line);
        const open = SINKS.filter((sink) => progress.get(sink)! < 1);
        const joins = open.filter((sink) => sink === 'ENRICHED' || sink === 'MATCHED');
        const candidates = kill < 3 && joins.length > 0 ? joins : open;
        const sink = candidates[Math.floor(random() * candidates.length)];
        if (sink !== undefined) {
          const target = progress.get(sink)! + (1 - progress.get(sink)!) * (0.1 + 0.5 * random());
          await node.waitFor((line) => line === 'done' || (line.startsWith('progress') && parseProgress(line).get(sink)! >= target), first.at);
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 20)));
        }
      }
    }
    const done = node.lines.includes('done');
    const last = node.lastProgress();
    await node.kill();
    await ready.catch(() => undefined);
    const code = await node.exited;
    if (code !== null && code !== 0) throw new Error(`${node.name} exited by itself (${code}) before its kill:\n${node.output()}`);
    report.kills++;
    if (!done) report.whileProcessing++;
    report.at.push(done ? 'done' : (last ?? 'starting'));
    if (last !== undefined && !done) {
      for (const [sink, fraction] of parseProgress(`progress ${last}`)) if (sink !== 'all' && fraction > 0 && fraction < 1) report.inside[sink] = (report.inside[sink] ?? 0) + 1;
    }
    if (kill === 2) rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
  }
  return { pulls: await runToEnd(dataDir), report };
}

// ---- the test ----

const base = mkdtempSync(path.join(os.tmpdir(), 'sluice-process-crash-'));
const cleanDir = path.join(base, 'clean');
const killedDir = path.join(base, 'killed');
const first = makeInputs(11, 1, 0, BASE_MS);
const second = makeInputs(12, 0.02, SIZES.s, BASE_MS + SPAN_MS + 10_000);
// Last, in each partition, a T record an hour later: every stream-stream join window closes.
const FLUSH_MS = BASE_MS + SPAN_MS + 3_600_000;
for (let partition = 0; partition < PARTITIONS; partition++) {
  let k = 0;
  while (partitionOf(`k${k}`) !== partition) k++;
  second.t.push({ key: `k${k}`, value: { TID: 1_000_000 + partition }, timestampMs: FLUSH_MS + partition });
}
const all: Inputs = { s: [...first.s, ...second.s], users: [...first.users, ...second.users], t: [...first.t, ...second.t], r: [...first.r, ...second.r] };
const isPair = (r: OutRecord): boolean => (JSON.parse(r.value!) as { RID: unknown }).RID !== null;
const isNullPadded = (r: OutRecord): boolean => !isPair(r);

interface Phase {
  clean: Outputs;
  killed: Outputs;
  cleanPulls: Map<string, string[]>;
  killedPulls: Map<string, string[]>;
}
let phase1: Phase;
let phase2: Phase;
let report: KillReport;
let finished = false;
const timings: Record<string, number> = {};

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[name] = Date.now() - started;
  }
}

describe('queries with state, killed with SIGKILL and restarted (child process, lmdb, real files)', () => {
  beforeAll(async () => {
    let startupMs = 0;
    await timed('setup', async () => {
      // The queries are created over empty topics (so creating them is quick), then the input comes.
      await writeInputs(cleanDir, null);
      const started = Date.now();
      await runToEnd(cleanDir);
      startupMs = Date.now() - started;
      await writeInputs(cleanDir, first);
      cpSync(cleanDir, killedDir, { recursive: true });
    });
    // The uninterrupted run and the killed runs, side by side.
    const [cleanPulls, killed] = await timed('phase 1', () => Promise.all([runToEnd(cleanDir), runWithKills(killedDir, 20240611, startupMs)]));
    report = killed.report;
    const ends = { clean: await sinkEnds(cleanDir), killed: await sinkEnds(killedDir) };

    // The state directory is lost; more input arrives; both run to the end.
    rmSync(path.join(killedDir, 'state'), { recursive: true, force: true });
    await writeInputs(cleanDir, second);
    await writeInputs(killedDir, second);
    const [cleanPulls2, killedPulls2] = await timed('phase 2', () => Promise.all([runToEnd(cleanDir), runToEnd(killedDir)]));
    await timed('read outputs', async () => {
      phase2 = { clean: await readOutputs(cleanDir), killed: await readOutputs(killedDir), cleanPulls: cleanPulls2, killedPulls: killedPulls2 };
      phase1 = { clean: upTo(phase2.clean, ends.clean), killed: upTo(phase2.killed, ends.killed), cleanPulls, killedPulls: killed.pulls };
    });
    finished = true;
  }, 180_000);

  let failed = false;
  beforeEach(({ onTestFailed }) => onTestFailed(() => void (failed = true)));

  afterAll(async () => {
    for (const node of running) await node.kill();
    // The figures always; what each node did when, after a failure.
    console.log(`process-crash: ${JSON.stringify({ timings, report })}${failed || !finished ? `\n${trace.join('\n')}` : ''}`);
    // SLUICE_KEEP_CRASH_DIRS=1 keeps the data directories for a look after a failure.
    if (process.env['SLUICE_KEEP_CRASH_DIRS'] === '1') console.log(`process-crash: data directories kept in ${base}`);
    else rmSync(base, { recursive: true, force: true });
  });

  it('the uninterrupted run gives the tables and joins computed by hand', () => {
    expect(phase1.clean.AGG.flat().length).toBe(SIZES.s);
    expectHandTables(phase1.clean, first.s);
    expectHandEnriched(phase1.clean, first);
    const matched = expectHandMatched(phase2.clean, all);
    expect(matched.pairs).toBeGreaterThan(1000);
    expect(matched.unmatched).toBeGreaterThan(1000);
    expect(phase1.cleanPulls.get(PULLS[0]!)).toHaveLength(KEYS);
  });

  it(`was killed ${KILLS} times while processing`, () => {
    expect(report.kills).toBe(KILLS);
    expect(report.whileProcessing, `kills at ${report.at.join(', ')}`).toBeGreaterThanOrEqual(KILLS - 1);
    expect(report.inside['AGG'] ?? 0, `kills at ${report.at.join(', ')}`).toBeGreaterThanOrEqual(2);
  });

  it('CTAS aggregations (plain and windowed), killed and restarted: the same changes and the same tables', () => {
    for (const sink of ['AGG', 'WAGG'] as const) {
      for (let p = 0; p < PARTITIONS; p++) report.replayed[sink] = (report.replayed[sink] ?? 0) + checkReplays(`${sink}[${p}]`, phase1.clean[sink][p]!, phase1.killed[sink][p]!);
      expectSameMap(`${sink} latest per key`, latest(phase1.killed[sink]), latest(phase1.clean[sink]));
    }
    expectHandTables(phase1.killed, first.s);
    expectSamePulls(phase1.killedPulls, phase1.cleanPulls);
  });

  it('stream-table and stream-stream joins, killed and restarted: the same records (replayed ones allowed, none lost)', () => {
    for (let p = 0; p < PARTITIONS; p++) report.replayed['ENRICHED'] = (report.replayed['ENRICHED'] ?? 0) + checkReplays(`ENRICHED[${p}]`, phase1.clean.ENRICHED[p]!, phase1.killed.ENRICHED[p]!);
    expectHandEnriched(phase1.killed, first);
    // MATCHED over the whole run (see the header): matched and null-padded records, each in order.
    for (let p = 0; p < PARTITIONS; p++) {
      const clean = phase2.clean.MATCHED[p]!;
      const killed = phase2.killed.MATCHED[p]!;
      report.replayed['MATCHED'] = (report.replayed['MATCHED'] ?? 0) + checkReplays(`MATCHED[${p}] matched`, clean, killed, isPair) + checkReplays(`MATCHED[${p}] null-padded`, clean, killed, isNullPadded);
    }
    expectHandMatched(phase2.killed, all);
  });

  it('state rebuilt from the changelogs: the same tables and exactly the same new output as the state kept', () => {
    expectSamePulls(phase2.killedPulls, phase2.cleanPulls);
    for (const sink of ['AGG', 'WAGG', 'ENRICHED'] as const) {
      for (let p = 0; p < PARTITIONS; p++) {
        const cleanNew = phase2.clean[sink][p]!.slice(phase1.clean[sink][p]!.length).map(identity);
        const killedNew = phase2.killed[sink][p]!.slice(phase1.killed[sink][p]!.length).map(identity);
        const difference = killedNew.findIndex((id, i) => id !== cleanNew[i]);
        expect(killedNew.length === cleanNew.length && difference === -1, `${sink}[${p}]: ${killedNew.length} new records, expected ${cleanNew.length}; first difference at ${difference}: ${killedNew[difference]} vs ${cleanNew[difference]}`).toBe(true);
      }
    }
    expectHandTables(phase2.killed, all.s);
    expectHandEnriched(phase2.killed, all);
    // (MATCHED: checked over the whole run in the test above.)
    expect(phase2.clean.ENRICHED.flat().length - phase1.clean.ENRICHED.flat().length).toBe(second.t.length);
  });
});
