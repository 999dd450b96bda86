/**
 * bench/nexmark — the Nexmark suite: `npm run bench -- nexmark [options]`.
 *
 *   generator.ts   the Nexmark event model (Person / Auction / Bid, 1:3:46), seeded, JSON-encoded
 *   load.ts        events into Sluice's log (RecordBatch v2 appends), via Kafka, or into files
 *   queries.ts     q0 q1 q2 q3 q4 q5 q7 q8: Sluice SQL, DuckDB SQL, output shape, differences
 *   duckdb.ts      the reference: the same events in DuckDB, each result as one batch query
 *   hand-loops.ts  the hand-written JavaScript baseline of each query
 *   runner.ts      Sluice: run to completion, read the output, memory, latency at a fixed rate
 *   child.ts       one query measured in a process of its own
 *   svg.ts         the chart (docs/nexmark.svg)
 *   report.ts      tables, results JSON and the final JSON line
 *
 * This file is the driver: it writes the events for DuckDB once, then for each query computes
 * DuckDB's result, measures Sluice and the hand loop in a child process, compares the rows,
 * prints the tables, writes bench/results/nexmark.json and the chart, and prints the JSON line.
 * Habit 10: every figure is printed next to baselines measured in the same run.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from '../util.js';
import { DEFAULT_NEXMARK_CONFIG, NexmarkGenerator, type NexmarkConfig } from './generator.js';
import { writeEventFiles } from './load.js';
import { DEFAULT_QUERY_SETTINGS, QUERY_NAMES, NEXMARK_QUERIES, compareRows, isQueryName, type QueryName, type QuerySettings } from './queries.js';
import { openReferenceDatabase, referenceResult, type ReferenceDatabase } from './duckdb.js';
import type { ChildReport, ChildRequest } from './child.js';
import { printReport, printScalingReport, resultLine, statusOf, writeChart, type NexmarkResults, type QueryResult, type ScalingResult } from './report.js';

export { NexmarkGenerator, DEFAULT_NEXMARK_CONFIG } from './generator.js';
export type { NexmarkConfig, NexmarkEvent, NexmarkEventKind, PersonRow, AuctionRow, BidRow } from './generator.js';
export { NEXMARK_QUERIES, QUERY_NAMES, compareRows, canonicalRow } from './queries.js';
export type { NexmarkQuery, QueryName } from './queries.js';
export { renderBarChart } from './svg.js';

const OPTIONS: Record<string, string> = {
  events: '1000000',
  query: 'all',
  rate: '',
  seed: String(DEFAULT_NEXMARK_CONFIG.seed),
  'inter-event-delay-us': String(DEFAULT_NEXMARK_CONFIG.interEventDelayUs),
  'latency-seconds': '10',
  'via-kafka': 'false',
  scaling: 'false',
  'scaling-sizes': '1000000,5000000,20000000',
  'scaling-queries': 'q0,q5,q7',
  check: 'true',
  'hand-loop': 'true',
  'duckdb-threads': '1',
  'stall-seconds': '60',
  'join-grace-seconds': String(DEFAULT_QUERY_SETTINGS.joinGraceSeconds),
  out: 'bench/results/nexmark.json',
  svg: 'docs/nexmark.svg',
  keep: 'false',
};

const USAGE = `npm run bench -- nexmark [--events 1000000] [--query q0,q5|all] [--rate EVENTS_PER_S] [--latency-seconds 10]
  [--seed 42] [--inter-event-delay-us 1000] [--via-kafka] [--check true|false] [--hand-loop true|false] [--duckdb-threads 1]
  [--scaling [--scaling-sizes 1000000,5000000,20000000] [--scaling-queries q0,q5,q7]] [--out bench/results/nexmark.json]
  [--svg docs/nexmark.svg] [--stall-seconds 60] [--join-grace-seconds 60] [--keep]`;

function flag(options: Record<string, string>, name: string): boolean {
  const value = options[name]!.toLowerCase();
  if (value !== 'true' && value !== 'false') throw new Error(`--${name}: expected true or false, found ${JSON.stringify(options[name])}`);
  return value === 'true';
}

function count(options: Record<string, string>, name: string, minimum: number): number {
  const text = options[name]!.replace(/_/g, '');
  const value = Number(text);
  if (!Number.isFinite(value) || value < minimum || text === '') throw new Error(`--${name}: expected a number >= ${minimum}, found ${JSON.stringify(options[name])}`);
  return value;
}

function queryList(text: string, name: string): QueryName[] {
  if (text === 'all') return [...QUERY_NAMES];
  const names = text.split(',').map((part) => part.trim().toLowerCase());
  for (const queryName of names) {
    if (!isQueryName(queryName)) throw new Error(`--${name}: expected all or some of ${QUERY_NAMES.join(', ')}, found ${JSON.stringify(queryName)}`);
  }
  return names as QueryName[];
}

/** Forks child.ts (child.js when built) and waits for its report. */
function runChild(request: ChildRequest): Promise<ChildReport> {
  const here = fileURLToPath(import.meta.url);
  const childPath = path.join(path.dirname(here), `child${path.extname(here)}`);
  return new Promise((resolve) => {
    const child = fork(childPath, ['--nexmark-child'], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: ChildReport | null = null;
    child.once('message', (message) => {
      report = message as ChildReport;
    });
    child.once('exit', (code, signal) => {
      if (report !== null) resolve(report);
      else resolve({ query: request.query, events: request.events, error: `the measuring process exited (${signal ?? `code ${code}`}) without a report` } as ChildReport);
    });
    child.send(request);
  });
}

function readRows(file: string | null): string[] {
  if (file === null || !fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/** Events/s of the generator alone (no I/O), over up to 1M events. */
function generatorRate(config: NexmarkConfig, events: number): number {
  const generator = new NexmarkGenerator(config);
  const total = Math.min(events, 1_000_000);
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < total; i++) bytes += generator.next().value.length;
  const seconds = (performance.now() - started) / 1000;
  return bytes >= 0 ? total / seconds : 0;
}

function machine(): NexmarkResults['machine'] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGigabytes: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export async function runNexmark(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const options = parseOptions(args, OPTIONS);
  const events = Math.floor(count(options, 'events', 1));
  const config: NexmarkConfig = { ...DEFAULT_NEXMARK_CONFIG, seed: Math.floor(count(options, 'seed', 0)), interEventDelayUs: count(options, 'inter-event-delay-us', 1e-3) };
  const rate = options.rate === '' ? null : count(options, 'rate', 1);
  const latencySeconds = count(options, 'latency-seconds', 0);
  const viaKafka = flag(options, 'via-kafka');
  const scaling = flag(options, 'scaling');
  const check = flag(options, 'check');
  const handLoop = flag(options, 'hand-loop');
  const duckdbThreads = Math.floor(count(options, 'duckdb-threads', 0));
  const stallSeconds = count(options, 'stall-seconds', 1);
  const keep = flag(options, 'keep');
  const settings: QuerySettings = { joinGraceSeconds: Math.floor(count(options, 'join-grace-seconds', 0)) };
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-nexmark-'));
  const results: NexmarkResults = {
    bench: 'nexmark',
    date: new Date().toISOString(),
    machine: machine(),
    config: { ...config, events, viaKafka, duckdbThreads, ...settings },
    generatorEventsPerSecond: generatorRate(config, events),
    duckdbLoadSeconds: null,
    queries: [],
    scaling: [],
  };
  const what = scaling ? `scaling over ${options['scaling-sizes']} events` : `${events.toLocaleString('en-US')} events`;
  console.log(`Nexmark: ${what}, seed ${config.seed}, ${config.interEventDelayUs} us between events; work dir ${workRoot}`);
  console.log(`generator alone: ${Math.round(results.generatorEventsPerSecond).toLocaleString('en-US')} events/s; machine: ${results.machine.cpu}, ${results.machine.cores} cores, load average ${results.machine.loadAverage.join(' ')}`);
  try {
    if (!scaling) {
      const names = queryList(options.query!, 'query');
      let database: ReferenceDatabase | null = null;
      if (check) {
        const { files } = writeEventFiles(path.join(workRoot, 'events'), new NexmarkGenerator(config), events);
        database = await openReferenceDatabase(files, duckdbThreads);
        results.duckdbLoadSeconds = database.loadSeconds;
        for (const file of Object.values(files)) fs.rmSync(file, { force: true });
      }
      try {
        for (const name of names) {
          const query = NEXMARK_QUERIES[name];
          process.stdout.write(`${name} (${query.title}) ... `);
          const reference = database === null ? null : await referenceResult(database, query, config);
          const workDir = path.join(workRoot, name);
          const report = await runChild({ query: name, events, config, settings, workDir, viaKafka, latencyRate: rate, latencySeconds, handLoop, writeRows: check, stallSeconds });
          const result: QueryResult = { query: name, title: query.title, report, duckdb: null, sluiceCheck: null, handLoopCheck: null };
          if (reference !== null) {
            result.duckdb = { seconds: reference.seconds, eventsPerSecond: events / reference.seconds, rows: reference.rows.length };
            if (report.error === undefined && report.sluice.outcome.kind !== 'unsupported') {
              result.sluiceCheck = compareRows(reference.rows, readRows(report.sluice.rowsFile));
            }
            if (report.error === undefined && report.handLoop?.rowsFile) result.handLoopCheck = compareRows(reference.rows, readRows(report.handLoop.rowsFile));
          }
          results.queries.push(result);
          console.log(report.error !== undefined ? `error: ${report.error.split('\n')[0]}` : statusOf(result));
          if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
        }
      } finally {
        database?.close();
      }
      printReport(results);
    } else {
      const sizes = options['scaling-sizes']!.split(',').map((part) => Math.floor(Number(part.trim().replace(/_/g, ''))));
      if (sizes.some((size) => !Number.isFinite(size) || size < 1)) throw new Error(`--scaling-sizes: expected positive numbers, found ${JSON.stringify(options['scaling-sizes'])}`);
      const names = queryList(options['scaling-queries']!, 'scaling-queries');
      for (const size of sizes) {
        for (const name of names) {
          process.stdout.write(`${name} at ${size.toLocaleString('en-US')} events ... `);
          const workDir = path.join(workRoot, `${name}-${size}`);
          const report = await runChild({ query: name, events: size, config, settings, workDir, viaKafka, latencyRate: 0, latencySeconds: 0, handLoop, writeRows: false, stallSeconds });
          const entry: ScalingResult = { query: name, events: size, report };
          results.scaling.push(entry);
          console.log(report.error !== undefined ? `error: ${report.error.split('\n')[0]}` : `${report.sluice.outcome.kind}, ${Math.round(report.sluice.eventsPerSecond)} events/s, peak RSS ${Math.round(report.sluice.rssPeakMb)} MB`);
          if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
        }
      }
      printScalingReport(results);
    }
  } finally {
    if (!keep) fs.rmSync(workRoot, { recursive: true, force: true });
  }
  // Other processes on the machine skew every figure: say how busy it was.
  results.machine.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  console.log(`\nload average at the start ${results.machine.loadAverage.join(' ')}, at the end ${results.machine.loadAverageAtEnd.join(' ')} (${results.machine.cores} cores)`);
  const out = path.resolve(options.out!);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeResultsFile(out, results, scaling);
  console.log(`\nresults: ${path.relative(process.cwd(), out)}`);
  if (!scaling) {
    const svg = path.resolve(options.svg!);
    writeChart(results, svg);
    console.log(`chart: ${path.relative(process.cwd(), svg)}`);
  }
  resultLine(results);
}

/**
 * Writes the results file. The per-query run and the scaling run share it: a scaling run replaces
 * the file's `scalingRun` and keeps the rest; a per-query run keeps the file's `scalingRun`.
 */
export function writeResultsFile(file: string, results: NexmarkResults, scaling: boolean): void {
  let previous: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      previous = {};
    }
  }
  const { scaling: scalingEntries, ...run } = results;
  const merged = scaling
    ? { ...previous, scalingRun: { date: results.date, machine: results.machine, config: results.config, generatorEventsPerSecond: results.generatorEventsPerSecond, scaling: scalingEntries } }
    : { ...run, scalingRun: previous.scalingRun ?? null };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}
