/**
 * `npm run bench -- stateless [--records N] [--runs N]`: a JSON stream of N records through a
 * filter and a projection with two scalar functions (CREATE STREAM ... AS SELECT from one topic
 * to another), against a hand-written JS loop doing JSON.parse, the same filter and projection,
 * and JSON.stringify over the same records, measured in the same run.
 *
 * The same query also runs with AVRO in and out (the records converted to Confluent-framed Avro
 * before the clock starts, the built-in schema registry on the same log): its records/s and the
 * ratio AVRO / JSON.
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
import { SchemaRegistry } from '../registry/index.js';
import { createSerdeAsync } from '../engine/formats/index.js';
import { DOUBLE, INTEGER, STRING } from '../engine/types/index.js';
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

type ValueFormat = 'JSON' | 'AVRO';

const VALUE_COLUMNS = [
  { name: 'NAME', type: STRING },
  { name: 'CATEGORY', type: STRING },
  { name: 'PRICE', type: DOUBLE },
  { name: 'QUANTITY', type: INTEGER },
];

/** The records with their JSON values re-encoded as Confluent-framed Avro through `registry`. */
async function toAvro(records: readonly StatelessBenchRecord[], registry: SchemaRegistry): Promise<StatelessBenchRecord[]> {
  const serde = await createSerdeAsync({ target: 'value', format: 'AVRO', columns: VALUE_COLUMNS, topic: STATELESS_BENCH_SOURCE_TOPIC }, { registry });
  return records.map((r) => {
    const json = JSON.parse(r.value.toString('utf8')) as Record<string, unknown>;
    return { key: r.key, value: serde.serialize(VALUE_COLUMNS.map((c) => json[c.name]))! };
  });
}

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

async function runSluice(records: readonly StatelessBenchRecord[], format: ValueFormat = 'JSON'): Promise<SluiceRun> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-stateless-'));
  const log = await openLog({
    dataDir,
    fs: new RealFileSystem(),
    clock: systemClock,
    limits: withLimits(),
    defaults: { durability: { kind: 'os' } },
    maintenanceIntervalMs: 0,
  });
  const registry = format === 'AVRO' ? await SchemaRegistry.open({ log, clock: systemClock }) : undefined;
  try {
    await appendInput(log, registry === undefined ? records : await toAvro(records, registry));
    const engine = await createQueryEngine({ log, clock: systemClock, deterministic: true, serviceId: 'bench', ...(registry !== undefined ? { schemaRegistry: registry } : {}) });
    try {
      const properties = { 'auto.offset.reset': 'earliest' };
      for (const statement of STATELESS_BENCH_STATEMENTS) {
        await engine.execute(format === 'AVRO' ? statement.replace("VALUE_FORMAT='JSON'", "VALUE_FORMAT='AVRO'") : statement, { properties });
      }
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
    await registry?.close();
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
  await runSluice(records.slice(0, Math.min(records.length, 50_000)), 'AVRO');

  let handBest = Number.POSITIVE_INFINITY;
  let handOutput = 0;
  let sluiceBest = Number.POSITIVE_INFINITY;
  let sluiceOutput = 0;
  let avroBest = Number.POSITIVE_INFINITY;
  let avroOutput = 0;
  for (let i = 0; i < runs; i++) {
    const hand = runHandLoop(records);
    if (hand.elapsedMs < handBest) handBest = hand.elapsedMs;
    handOutput = hand.outputRecords;
    const sluice = await runSluice(records);
    if (sluice.elapsedMs < sluiceBest) sluiceBest = sluice.elapsedMs;
    sluiceOutput = sluice.outputRecords;
    const avro = await runSluice(records, 'AVRO');
    if (avro.elapsedMs < avroBest) avroBest = avro.elapsedMs;
    avroOutput = avro.outputRecords;
  }
  if (avroOutput !== sluiceOutput) {
    throw new Error(`the AVRO and JSON queries disagree: expected ${sluiceOutput} output records, found ${avroOutput}`);
  }
  if (handOutput !== sluiceOutput) {
    throw new Error(`the query and the hand loop disagree: expected ${handOutput} output records, found ${sluiceOutput}`);
  }
  const handRate = (recordCount * 1000) / handBest;
  const sluiceRate = (recordCount * 1000) / sluiceBest;
  const avroRate = (recordCount * 1000) / avroBest;
  printTable(
    `stateless: ${recordCount.toLocaleString('en-US')} JSON records, WHERE PRICE > 50, UCASE + LEN projection (best of ${runs})`,
    ['path', 'records/s', 'seconds', 'output records'],
    [
      ['Sluice CSAS (log -> log)', sluiceRate, sluiceBest / 1000, sluiceOutput],
      ['Sluice CSAS, AVRO in and out', avroRate, avroBest / 1000, avroOutput],
      ['hand-written JS loop', handRate, handBest / 1000, handOutput],
    ],
  );
  const ratio = sluiceRate / handRate;
  const avroRatio = avroRate / sluiceRate;
  console.log(`\nratio Sluice / hand loop: ${ratio.toFixed(3)} (goal >= 0.5)`);
  console.log(`ratio AVRO / JSON (Sluice, same query): ${avroRatio.toFixed(3)}`);
  printResultLine(
    'stateless',
    {
      records: recordCount,
      sluice_records_per_s: sluiceRate,
      sluice_avro_records_per_s: avroRate,
      hand_loop_records_per_s: handRate,
      output_records: sluiceOutput,
    },
    { sluice_over_hand_loop: ratio, avro_over_json: avroRatio },
  );
}
