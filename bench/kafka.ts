/**
 * `npm run bench -- kafka [--records 200000] [--batch 1000] [--record-bytes 100] [--partitions 1]`
 *
 * The Kafka listener against the log it serves, in one run, on a temporary directory:
 *  1. protocol produce: a kafkajs producer (acks -1) sends --batch records of --record-bytes per
 *     request, one request at a time, over loopback;
 *  2. protocol consume: a kafkajs consumer (one group member, eachBatch) reads everything back;
 *  3. direct append: the very batches the listener stored in step 1, appended again to another
 *     topic through `log.append` (no network, no client encoding);
 *  4. direct read: `log.read` in 1 MiB steps plus decoding every record (what a consumer must do),
 *     and the read alone.
 * The listener runs on a worker thread (a broker is another process for its clients), the
 * kafkajs clients and the direct measurements on the main thread.
 * Prints a table, then one JSON line; ratios are protocol / direct.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import kafkajs from 'kafkajs';
import { openLog, decodeRecords, type Log } from '../storage/log/index.js';
import { RealFileSystem } from '../storage/fs/index.js';
import { startKafkaListener } from '../server/kafka/index.js';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';

const { Kafka, logLevel } = kafkajs;
const READ_BYTES = 1024 * 1024;
const WORKER_ROLE = 'sluice-bench-kafka-listener';

interface Rate {
  records: number;
  bytes: number;
  seconds: number;
}

const perSecond = (rate: Rate): number => rate.records / rate.seconds;
const megabytesPerSecond = (rate: Rate): number => rate.bytes / 1e6 / rate.seconds;

interface WorkerInput {
  role: typeof WORKER_ROLE;
  dataDir: string;
  partitions: number;
}

// The listener runs on its own thread (as a broker would in its own process), so the kafkajs
// client in the main thread does not share a core with it.
if (!isMainThread && (workerData as WorkerInput | undefined)?.role === WORKER_ROLE) void serveListener(workerData as WorkerInput);

async function serveListener(input: WorkerInput): Promise<void> {
  const log = await openLog({ dataDir: input.dataDir, fs: new RealFileSystem(), maintenanceIntervalMs: 0 });
  for (const topic of ['protocol', 'warmup']) await log.createTopic(topic, { partitions: input.partitions });
  const listener = await startKafkaListener({ log, host: '127.0.0.1', port: 0 });
  parentPort!.postMessage({ port: listener.port });
  parentPort!.once('message', async () => {
    await listener.close();
    await log.close();
    parentPort!.postMessage({ stopped: true });
  });
}

async function startListenerThread(input: Omit<WorkerInput, 'role'>): Promise<{ port: number; stop(): Promise<void> }> {
  const url = new URL(import.meta.url);
  const data = { role: WORKER_ROLE, ...input };
  // Run from source (tsx), the worker registers the TypeScript loader first; from dist it needs none.
  const worker = url.pathname.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: data })
    : new Worker(url, { workerData: data });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => resolve(message.port));
    worker.once('error', reject);
  });
  return {
    port,
    stop: async () => {
      const stopped = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, { records: '200000', batch: '1000', 'record-bytes': '100', partitions: '1' });
  const batchSize = Math.floor(numberOption(options, 'batch'));
  const recordBytes = Math.floor(numberOption(options, 'record-bytes'));
  const partitions = Math.floor(numberOption(options, 'partitions'));
  const batches = Math.max(1, Math.round(numberOption(options, 'records') / batchSize));
  const totalRecords = batches * batchSize;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-kafka-'));
  let log: Log | undefined;
  try {
    const listener = await startListenerThread({ dataDir, partitions });
    const kafka = new Kafka({ clientId: 'bench', brokers: [`127.0.0.1:${listener.port}`], logLevel: logLevel.NOTHING });

    // The same payload for every record; keys spread records over partitions.
    const messages = Array.from({ length: batchSize }, (_, index) => ({
      key: partitions > 1 ? `key-${index}` : null,
      value: Buffer.alloc(recordBytes, 97 + (index % 26)),
    }));

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let index = 0; index < 5; index++) await producer.send({ topic: 'warmup', acks: -1, messages });

    // 1. protocol produce
    let start = performance.now();
    for (let index = 0; index < batches; index++) await producer.send({ topic: 'protocol', acks: -1, messages });
    const protocolProduce: Rate = { records: totalRecords, bytes: totalRecords * recordBytes, seconds: (performance.now() - start) / 1000 };
    await producer.disconnect();

    // 2. protocol consume
    const consumer = kafka.consumer({ groupId: 'bench', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'protocol', fromBeginning: true });
    let consumed = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    start = performance.now();
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        if (consumed >= totalRecords) finish();
      },
    });
    await finished;
    const protocolConsume: Rate = { records: consumed, bytes: consumed * recordBytes, seconds: (performance.now() - start) / 1000 };
    await consumer.disconnect();
    await listener.stop();

    // 3. direct append of the batches the listener stored, to another topic of the same log
    log = await openLog({ dataDir, fs: new RealFileSystem(), maintenanceIntervalMs: 0 });
    await log.createTopic('direct', { partitions });
    const stored: Array<{ partition: number; batch: Buffer }> = [];
    for (let partition = 0; partition < partitions; partition++) {
      for await (const batch of readAll(log, 'protocol', partition)) stored.push({ partition, batch: Buffer.from(batch) });
    }
    start = performance.now();
    for (const { partition, batch } of stored) await log.append('direct', partition, batch);
    const directAppend: Rate = { records: totalRecords, bytes: totalRecords * recordBytes, seconds: (performance.now() - start) / 1000 };

    // 4. direct read (+ decode)
    let decoded = 0;
    start = performance.now();
    for (let partition = 0; partition < partitions; partition++) {
      for await (const batch of readAll(log, 'direct', partition)) decoded += decodeRecords(batch).length;
    }
    const directRead: Rate = { records: decoded, bytes: decoded * recordBytes, seconds: (performance.now() - start) / 1000 };
    let readOnly = 0;
    start = performance.now();
    for (let partition = 0; partition < partitions; partition++) {
      for await (const batch of readAll(log, 'direct', partition)) readOnly += batch.readInt32BE(57);
    }
    const directReadOnly: Rate = { records: readOnly, bytes: readOnly * recordBytes, seconds: (performance.now() - start) / 1000 };

    const row = (name: string, rate: Rate) => [name, rate.records, rate.seconds, perSecond(rate), megabytesPerSecond(rate)];
    printTable(
      `Kafka listener vs direct log access (${totalRecords.toLocaleString('en-US')} records of ${recordBytes} bytes, ${batchSize} per batch, ${partitions} partition(s))`,
      ['path', 'records', 'seconds', 'records/s', 'MB/s (values)'],
      [
        row('produce: kafkajs -> listener (acks -1)', protocolProduce),
        row('produce: log.append, same batches', directAppend),
        row('consume: listener -> kafkajs consumer', protocolConsume),
        row('consume: log.read + decode records', directRead),
        row('consume: log.read only', directReadOnly),
      ],
    );
    const ratios = {
      produce_protocol_over_direct: perSecond(protocolProduce) / perSecond(directAppend),
      consume_protocol_over_direct: perSecond(protocolConsume) / perSecond(directRead),
    };
    printTable('ratios (protocol / direct)', ['measure', 'ratio'], Object.entries(ratios).map(([name, ratio]) => [name, ratio]));
    printResultLine(
      'kafka',
      {
        produce_protocol_records_per_second: perSecond(protocolProduce),
        produce_direct_records_per_second: perSecond(directAppend),
        consume_protocol_records_per_second: perSecond(protocolConsume),
        consume_direct_records_per_second: perSecond(directRead),
        consume_direct_read_only_records_per_second: perSecond(directReadOnly),
        records: totalRecords,
        record_bytes: recordBytes,
        batch_records: batchSize,
      },
      ratios,
    );
  } finally {
    await log?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every stored batch of a partition, in order. */
async function* readAll(log: Log, topic: string, partition: number): AsyncGenerator<Buffer> {
  let offset = log.offsets(topic, partition).logStartOffset;
  const end = log.offsets(topic, partition).highWatermark;
  while (offset < end) {
    const result = await log.read(topic, partition, offset, READ_BYTES);
    if (result.batches.length === 0) break;
    for (const batch of result.batches) {
      const last = batch.readBigInt64BE(0) + BigInt(batch.readInt32BE(23));
      if (Number(last) >= offset) yield batch;
      offset = Math.max(offset, Number(last) + 1);
    }
  }
}
