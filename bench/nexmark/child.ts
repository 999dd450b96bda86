/**
 * One query's measurement, in a process of its own (forked by the benchmark, so that each
 * query's memory is its own and no query runs on a heap another one warmed or filled):
 *
 *   generate the events into a fresh log (directly, or through the Kafka listener)
 *   -> run the query on Sluice to completion (events/s, RSS) -> read its output
 *   -> the hand-written loop over the same log records (events/s, its result)
 *   -> optionally the latency phase at a fixed rate on the still-running queries.
 *
 * It receives a `ChildRequest` over IPC and answers one `ChildReport`; result rows go to files
 * in the work directory (they can be large), which the parent compares with DuckDB's.
 */
import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { openLog, type Log } from '../../storage/log/index.js';
import { RealFileSystem } from '../../storage/fs/index.js';
import { startKafkaListener } from '../../server/kafka/index.js';
import { NexmarkGenerator, type NexmarkConfig } from './generator.js';
import { appendEventsToLog, appendEventsViaKafka, createNexmarkTopics } from './load.js';
import { NEXMARK_QUERIES, type QueryName, type QuerySettings } from './queries.js';
import { runHandLoop } from './hand-loops.js';
import { eventTopicEnds, measureLatency, readSluiceOutput, runSluiceQuery, type LatencyResult, type SluiceOutcome } from './runner.js';

export interface ChildRequest {
  query: QueryName;
  events: number;
  config: NexmarkConfig;
  settings: QuerySettings;
  /** A directory of its own (the log and the row files go there). */
  workDir: string;
  viaKafka: boolean;
  /** Fixed input rate for the latency phase (events/s); null: half the measured throughput; 0: no latency phase. */
  latencyRate: number | null;
  latencySeconds: number;
  handLoop: boolean;
  /** Write the result rows of Sluice and of the hand loop for the comparison. */
  writeRows: boolean;
  stallSeconds: number;
}

export interface ChildReport {
  query: QueryName;
  events: number;
  load: { via: 'log' | 'kafka'; seconds: number; eventsPerSecond: number; valueBytes: number };
  sluice: {
    outcome: SluiceOutcome;
    seconds: number;
    eventsPerSecond: number;
    inputRecordsPerSecond: number;
    rssBeforeMb: number;
    rssPeakMb: number;
    heapUsedPeakMb: number;
    rowsFile: string | null;
    outputRows: number;
  };
  handLoop: { seconds: number; eventsPerSecond: number; outputRows: number; rowsFile: string | null } | null;
  latency: LatencyResult | null;
  /** Set when the child itself failed (not the query). */
  error?: string;
}

const MEGABYTE = 1024 * 1024;

async function loadEvents(log: Log, request: ChildRequest, generator: NexmarkGenerator): Promise<ChildReport['load']> {
  const started = performance.now();
  let valueBytes: number;
  if (!request.viaKafka) {
    valueBytes = (await appendEventsToLog(log, generator, request.events)).valueBytes;
  } else {
    const listener = await startKafkaListener({ log, host: '127.0.0.1', port: 0 });
    try {
      const kafka = new kafkajs.Kafka({ clientId: 'nexmark', brokers: [`127.0.0.1:${listener.port}`], logLevel: kafkajs.logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        valueBytes = (await appendEventsViaKafka(producer, generator, request.events)).valueBytes;
      } finally {
        await producer.disconnect();
      }
    } finally {
      await listener.close();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { via: request.viaKafka ? 'kafka' : 'log', seconds, eventsPerSecond: request.events / seconds, valueBytes };
}

function writeRows(file: string, rows: readonly string[]): string {
  fs.writeFileSync(file, rows.length === 0 ? '' : `${rows.join('\n')}\n`);
  return file;
}

export async function measureQuery(request: ChildRequest): Promise<ChildReport> {
  const query = NEXMARK_QUERIES[request.query];
  fs.mkdirSync(request.workDir, { recursive: true });
  const log = await openLog({ dataDir: path.join(request.workDir, 'log'), fs: new RealFileSystem(), maintenanceIntervalMs: 0, defaults: { durability: { kind: 'os' } } });
  try {
    await createNexmarkTopics(log);
    const generator = new NexmarkGenerator(request.config);
    const load = await loadEvents(log, request, generator);
    const ends = eventTopicEnds(log);
    (globalThis as { gc?: () => void }).gc?.();

    const run = await runSluiceQuery({ log, query, config: request.config, settings: request.settings, stallSeconds: request.stallSeconds });
    const done = run.outcome.kind === 'done';
    let sluiceRowsFile: string | null = null;
    let outputRows = 0;
    if (run.outcome.kind !== 'unsupported') {
      const rows = await readSluiceOutput(log, query);
      outputRows = rows.length;
      if (request.writeRows) sluiceRowsFile = writeRows(path.join(request.workDir, 'sluice.rows'), rows);
    }
    const sluice: ChildReport['sluice'] = {
      outcome: run.outcome,
      seconds: run.seconds,
      eventsPerSecond: done ? request.events / run.seconds : Number.NaN,
      inputRecordsPerSecond: done ? run.inputRecords / run.seconds : Number.NaN,
      rssBeforeMb: run.rssBeforeBytes / MEGABYTE,
      rssPeakMb: run.rssPeakBytes / MEGABYTE,
      heapUsedPeakMb: run.heapUsedPeakBytes / MEGABYTE,
      rowsFile: sluiceRowsFile,
      outputRows,
    };

    let handLoop: ChildReport['handLoop'] = null;
    if (request.handLoop) {
      const timed = await runHandLoop(request.query, request.config, log, ends, false);
      let rowsFile: string | null = null;
      if (request.writeRows) {
        const collected = await runHandLoop(request.query, request.config, log, ends, true);
        rowsFile = writeRows(path.join(request.workDir, 'hand-loop.rows'), collected.rows ?? []);
      }
      handLoop = { seconds: timed.seconds, eventsPerSecond: request.events / timed.seconds, outputRows: timed.outputRows, rowsFile };
    }

    let latency: LatencyResult | null = null;
    if (done && run.engine !== null && request.latencyRate !== 0 && request.latencySeconds > 0) {
      const rate = request.latencyRate ?? Math.max(1, Math.floor(sluice.eventsPerSecond / 2));
      latency = await measureLatency({
        engine: run.engine,
        log,
        query,
        generator,
        rateEventsPerSecond: rate,
        seconds: request.latencySeconds,
        warmupSeconds: Math.min(1, request.latencySeconds / 4),
        drainSeconds: 30,
      });
    }
    await run.engine?.close();
    return { query: request.query, events: request.events, load, sluice, handLoop, latency };
  } finally {
    await log.close();
  }
}

// Forked by the benchmark: one request in, one report out.
if (process.send !== undefined && process.argv.includes('--nexmark-child')) {
  process.once('message', (request: ChildRequest) => {
    measureQuery(request)
      .then((report) => process.send!(report, () => process.exit(0)))
      .catch((error: unknown) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.send!({ query: request.query, events: request.events, error: message } as Partial<ChildReport>, () => process.exit(1));
      });
  });
}
