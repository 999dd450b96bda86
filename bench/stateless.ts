/**
 * `npm run bench -- stateless [--records N] [--runs N]`: a JSON stream of N records through a
 * filter and a projection with two scalar functions (CREATE STREAM ... AS SELECT from one topic
 * to another), against a hand-written JS loop doing JSON.parse, the same filter and projection,
 * and JSON.stringify over the same records, measured in the same run.
 *
 * Sluice's figure covers the whole query path: reading batches from the log, decoding them,
 * deserializing, filtering, projecting, serializing, encoding output batches and appending them
 * to the sink topic. The input is appended before the clock starts.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { systemClock, withLimits } from '../common/index.js';
import { RealFileSystem } from '../storage/fs/index.js';
import { encodeRecordBatch, openLog, type Log } from '../storage/log/index.js';
import { createQueryEngine } from '../queries/index.js';
import {
  generateStatelessRecords,
  runHandLoop,
  STATELESS_BENCH_SOURCE_TOPIC,
  STATELESS_BENCH_STATEMENTS,
  type StatelessBenchRecord,
} from './stateless-loop.js';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';

const SINK_TOPIC = 'EXPENSIVE';
const BATCH_RECORDS = 1000;

async function appendInput(log: Log, records: readonly StatelessBenchRecord[]): Promise<void> {
  await log.createTopic(STATELESS_BENCH_SOURCE_TOPIC, { partitions: 1 });
  for (let start = 0; start < records.length; start += BATCH_RECORDS) {
    const batch = records.slice(start, start + BATCH_RECORDS).map((r, i) => ({ key: r.key, value: r.value, timestampMs: start + i }));
    await log.append(STATELESS_BENCH_SOURCE_TOPIC, 0, encodeRecordBatch(batch));
  }
}

interface SluiceRun {
  elapsedMs: number;
  outputRecords: number;
}

async function runSluice(records: readonly StatelessBenchRecord[]): Promise<SluiceRun> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-stateless-'));
  const log = await openLog({
    dataDir,
    fs: new RealFileSystem(),
    clock: systemClock,
    limits: withLimits(),
    defaults: { durability: { kind: 'os' } },
    maintenanceIntervalMs: 0,
  });
  try {
    await appendInput(log, records);
    const engine = await createQueryEngine({ log, clock: systemClock, deterministic: true, serviceId: 'bench' });
    try {
      const properties = { 'auto.offset.reset': 'earliest' };
      for (const statement of STATELESS_BENCH_STATEMENTS) await engine.execute(statement, { properties });
      const started = performance.now();
      await engine.runtime.drain();
      const elapsedMs = performance.now() - started;
      let outputRecords = 0;
      const partitions = log.describeTopic(SINK_TOPIC).partitions;
      for (let p = 0; p < partitions; p++) {
        const offsets = log.offsets(SINK_TOPIC, p);
        outputRecords += offsets.highWatermark - offsets.logStartOffset;
      }
      return { elapsedMs, outputRecords };
    } finally {
      await engine.close();
    }
  } finally {
    await log.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, { records: '1000000', runs: '2' });
  const recordCount = numberOption(options, 'records');
  const runs = numberOption(options, 'runs');
  const records = generateStatelessRecords(recordCount, 42);

  // Warm both paths once on a slice, then keep the best of `runs` (the machine is shared and noisy).
  runHandLoop(records.slice(0, Math.min(records.length, 50_000)));
  await runSluice(records.slice(0, Math.min(records.length, 50_000)));

  let handBest = Number.POSITIVE_INFINITY;
  let handOutput = 0;
  let sluiceBest = Number.POSITIVE_INFINITY;
  let sluiceOutput = 0;
  for (let i = 0; i < runs; i++) {
    const hand = runHandLoop(records);
    if (hand.elapsedMs < handBest) handBest = hand.elapsedMs;
    handOutput = hand.outputRecords;
    const sluice = await runSluice(records);
    if (sluice.elapsedMs < sluiceBest) sluiceBest = sluice.elapsedMs;
    sluiceOutput = sluice.outputRecords;
  }
  if (handOutput !== sluiceOutput) {
    throw new Error(`the query and the hand loop disagree: expected ${handOutput} output records, found ${sluiceOutput}`);
  }
  const handRate = (recordCount * 1000) / handBest;
  const sluiceRate = (recordCount * 1000) / sluiceBest;
  printTable(
    `stateless: ${recordCount.toLocaleString('en-US')} JSON records, WHERE PRICE > 50, UCASE + LEN projection (best of ${runs})`,
    ['path', 'records/s', 'seconds', 'output records'],
    [
      ['Sluice CSAS (log -> log)', sluiceRate, sluiceBest / 1000, sluiceOutput],
      ['hand-written JS loop', handRate, handBest / 1000, handOutput],
    ],
  );
  const ratio = sluiceRate / handRate;
  console.log(`\nratio Sluice / hand loop: ${ratio.toFixed(3)} (goal >= 0.5)`);
  printResultLine(
    'stateless',
    { records: recordCount, sluice_records_per_s: sluiceRate, hand_loop_records_per_s: handRate, output_records: sluiceOutput },
    { sluice_over_hand_loop: ratio },
  );
}
