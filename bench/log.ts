/**
 * `npm run bench -- log [--seconds 10] [--fsync-seconds 3] [--records-per-batch 1000] [--record-bytes 100]`
 *
 * The built-in log against the machine's raw limit, measured in the same run:
 *  1. fsync on every append: the log against raw write + fdatasync of buffers of one batch's
 *     size, interleaved in 250 ms slices for --fsync-seconds (first, while the disk is quiet);
 *  2. raw: sequential fs.writeSync of 1 MiB buffers for --seconds, then a sequential read of that
 *     file into one reused buffer, and again into a fresh buffer per read (what any reader that
 *     hands the bytes on, like the log, must pay);
 *  3. log: append already-encoded RecordBatch v2 batches (as a producer sends them) to one
 *     partition for --seconds with fsync off, then read everything back as batches (1 MiB reads);
 *  4. the JS codec: encoding records into batches and decoding them back (records/s).
 * Prints a table, then one JSON line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLog, encodeRecordBatch, decodeRecordBatch, readBatchHeader } from '../storage/log/index.js';
import type { RecordToEncode } from '../storage/log/index.js';
import { RealFileSystem } from '../storage/fs/index.js';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';

const MEBIBYTE = 1024 * 1024;
const READ_BYTES = MEBIBYTE;
/** Distinct pre-encoded batches cycled through while appending. */
const DISTINCT_BATCHES = 16;

interface Rate {
  seconds: number;
  bytes: number;
  records: number;
}

const megabytesPerSecond = (rate: Rate): number => rate.bytes / 1e6 / rate.seconds;
const recordsPerSecond = (rate: Rate): number => rate.records / rate.seconds;

function makeRecords(count: number, recordBytes: number, seed: number): RecordToEncode[] {
  const records: RecordToEncode[] = [];
  for (let index = 0; index < count; index++) {
    const value = Buffer.alloc(recordBytes);
    for (let byte = 0; byte < recordBytes; byte++) value[byte] = 97 + ((index * 31 + byte * 7 + seed) % 26);
    records.push({ key: `key-${seed}-${index}`, value, timestampMs: 1_700_000_000_000 + index });
  }
  return records;
}

function rawWrite(file: string, seconds: number, bufferBytes: number, fsyncEach: boolean): Rate {
  const buffer = Buffer.alloc(bufferBytes, 0x61);
  const descriptor = fs.openSync(file, 'w');
  let bytes = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  try {
    while (performance.now() < deadline) {
      fs.writeSync(descriptor, buffer, 0, buffer.length, bytes);
      if (fsyncEach) fs.fdatasyncSync(descriptor);
      bytes += buffer.length;
    }
  } finally {
    fs.closeSync(descriptor);
  }
  return { seconds: (performance.now() - start) / 1000, bytes, records: 0 };
}

/** Sequential 1 MiB reads into one reused buffer, or (`freshBuffers`) into a new buffer each time as a reader that hands the bytes on must. */
function rawRead(file: string, freshBuffers: boolean): Rate {
  let buffer = Buffer.allocUnsafe(MEBIBYTE);
  const descriptor = fs.openSync(file, 'r');
  let bytes = 0;
  const start = performance.now();
  try {
    for (;;) {
      if (freshBuffers) buffer = Buffer.allocUnsafe(MEBIBYTE);
      const count = fs.readSync(descriptor, buffer, 0, buffer.length, bytes);
      if (count === 0) break;
      bytes += count;
    }
  } finally {
    fs.closeSync(descriptor);
  }
  return { seconds: (performance.now() - start) / 1000, bytes, records: 0 };
}

async function logAppendAndRead(
  dataDir: string,
  seconds: number,
  batches: Buffer[],
  recordsPerBatch: number,
): Promise<{ append: Rate; read: Rate }> {
  const log = await openLog({
    dataDir,
    fs: new RealFileSystem(),
    maintenanceIntervalMs: 0,
    defaults: { durability: { kind: 'os' } },
  });
  try {
    await log.createTopic('bench', { partitions: 1 });
    let bytes = 0;
    let records = 0;
    let index = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    while (performance.now() < deadline) {
      const batch = batches[index++ % batches.length]!;
      await log.append('bench', 0, batch);
      bytes += batch.length;
      records += recordsPerBatch;
    }
    const append: Rate = { seconds: (performance.now() - start) / 1000, bytes, records };

    const highWatermark = log.offsets('bench', 0).highWatermark;
    let offset = 0;
    let readBytes = 0;
    let readRecords = 0;
    const readStart = performance.now();
    while (offset < highWatermark) {
      const result = await log.read('bench', 0, offset, READ_BYTES);
      for (const batch of result.batches) {
        const header = readBatchHeader(batch);
        readRecords += header.recordCount;
        offset = header.baseOffset + header.lastOffsetDelta + 1;
      }
      readBytes += result.bytes;
    }
    const read: Rate = { seconds: (performance.now() - readStart) / 1000, bytes: readBytes, records: readRecords };
    if (readRecords !== records || readBytes !== bytes) {
      throw new Error(`read back ${readRecords} records / ${readBytes} bytes, appended ${records} / ${bytes}`);
    }
    return { append, read };
  } finally {
    await log.close();
  }
}

/**
 * Log append with fsync on every append against raw write + fdatasync of batch-sized buffers,
 * interleaved in short slices so that both see the same disk (fsync latency drifts a lot on
 * shared or virtual disks).
 */
async function fsyncComparison(dataDir: string, rawFile: string, seconds: number, batches: Buffer[], recordsPerBatch: number): Promise<{ log: Rate; raw: Rate }> {
  const log = await openLog({ dataDir, fs: new RealFileSystem(), maintenanceIntervalMs: 0, defaults: { durability: { kind: 'every-append' } } });
  const descriptor = fs.openSync(rawFile, 'w');
  const logRate: Rate = { seconds: 0, bytes: 0, records: 0 };
  const rawRate: Rate = { seconds: 0, bytes: 0, records: 0 };
  const sliceMs = 250;
  try {
    await log.createTopic('bench-fsync', { partitions: 1 });
    let index = 0;
    for (let elapsedMs = 0; elapsedMs < seconds * 1000; elapsedMs += 2 * sliceMs) {
      let start = performance.now();
      while (performance.now() - start < sliceMs) {
        const batch = batches[index++ % batches.length]!;
        await log.append('bench-fsync', 0, batch);
        logRate.bytes += batch.length;
        logRate.records += recordsPerBatch;
      }
      logRate.seconds += (performance.now() - start) / 1000;
      start = performance.now();
      while (performance.now() - start < sliceMs) {
        const batch = batches[index++ % batches.length]!;
        fs.writeSync(descriptor, batch, 0, batch.length, rawRate.bytes);
        fs.fdatasyncSync(descriptor);
        rawRate.bytes += batch.length;
      }
      rawRate.seconds += (performance.now() - start) / 1000;
    }
  } finally {
    fs.closeSync(descriptor);
    await log.close();
  }
  return { log: logRate, raw: rawRate };
}

function codecRates(records: RecordToEncode[], seconds: number): { encode: Rate; decode: Rate } {
  let encoded = encodeRecordBatch(records);
  let encodeRecords = 0;
  let start = performance.now();
  let deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    encoded = encodeRecordBatch(records);
    encodeRecords += records.length;
  }
  const encode: Rate = { seconds: (performance.now() - start) / 1000, bytes: 0, records: encodeRecords };
  let decodeRecords = 0;
  let checksum = 0;
  start = performance.now();
  deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    const decoded = decodeRecordBatch(encoded).records;
    checksum += decoded[decoded.length - 1]!.value!.length;
    decodeRecords += decoded.length;
  }
  const decode: Rate = { seconds: (performance.now() - start) / 1000, bytes: checksum * 0, records: decodeRecords };
  return { encode, decode };
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, { seconds: '10', 'fsync-seconds': '3', 'records-per-batch': '1000', 'record-bytes': '100' });
  const seconds = numberOption(options, 'seconds');
  const fsyncSeconds = numberOption(options, 'fsync-seconds');
  const recordsPerBatch = Math.round(numberOption(options, 'records-per-batch'));
  const recordBytes = Math.round(numberOption(options, 'record-bytes'));

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-log-'));
  try {
    const batches = Array.from({ length: DISTINCT_BATCHES }, (_, seed) => encodeRecordBatch(makeRecords(recordsPerBatch, recordBytes, seed), { timestampMs: 1_700_000_000_000 }));
    const batchBytes = batches[0]!.length;
    console.log(`log bench: ${recordsPerBatch} records x ${recordBytes} B per batch (${batchBytes} B encoded), ${seconds} s per phase, ${fsyncSeconds} s with fsync; data in ${root}`);

    const rawFile = path.join(root, 'raw.bin');
    // fsync first, before the large writes below leave the disk busy writing back.
    const fsyncRates = await fsyncComparison(path.join(root, 'log-fsync'), rawFile, fsyncSeconds, batches, recordsPerBatch);
    const rawSyncRate = fsyncRates.raw;
    const withFsync = { append: fsyncRates.log };
    fs.rmSync(rawFile);
    fs.rmSync(path.join(root, 'log-fsync'), { recursive: true, force: true });

    const rawWriteRate = rawWrite(rawFile, seconds, MEBIBYTE, false);
    const rawReadRate = rawRead(rawFile, false);
    const rawReadFreshRate = rawRead(rawFile, true);
    fs.rmSync(rawFile);

    const logDir = path.join(root, 'log');
    const noFsync = await logAppendAndRead(logDir, seconds, batches, recordsPerBatch);
    fs.rmSync(logDir, { recursive: true, force: true });


    const codec = codecRates(makeRecords(recordsPerBatch, recordBytes, 99), Math.min(2, seconds));

    const appendRate = noFsync.append;
    const readRate = noFsync.read;
    printTable(
      'Log append / read vs raw file I/O',
      ['phase', 'records/s', 'MB/s', 'baseline MB/s', 'ratio'],
      [
        ['raw write (1 MiB writeSync)', '-', megabytesPerSecond(rawWriteRate), '-', '-'],
        ['raw read (1 MiB readSync)', '-', megabytesPerSecond(rawReadRate), '-', '-'],
        ['raw read, fresh buffer per read', '-', megabytesPerSecond(rawReadFreshRate), '-', '-'],
        ['log append, fsync off', recordsPerSecond(appendRate), megabytesPerSecond(appendRate), megabytesPerSecond(rawWriteRate), megabytesPerSecond(appendRate) / megabytesPerSecond(rawWriteRate)],
        ['log read (1 MiB reads)', recordsPerSecond(readRate), megabytesPerSecond(readRate), megabytesPerSecond(rawReadRate), megabytesPerSecond(readRate) / megabytesPerSecond(rawReadRate)],
        ['log read vs fresh-buffer raw read', recordsPerSecond(readRate), megabytesPerSecond(readRate), megabytesPerSecond(rawReadFreshRate), megabytesPerSecond(readRate) / megabytesPerSecond(rawReadFreshRate)],
        [`raw write+fdatasync (${batchBytes} B)`, '-', megabytesPerSecond(rawSyncRate), '-', '-'],
        ['log append, fsync every append', recordsPerSecond(withFsync.append), megabytesPerSecond(withFsync.append), megabytesPerSecond(rawSyncRate), megabytesPerSecond(withFsync.append) / megabytesPerSecond(rawSyncRate)],
      ],
    );
    printTable('JS codec (RecordBatch v2, uncompressed)', ['operation', 'records/s'], [
      ['encode records into batches', recordsPerSecond(codec.encode)],
      ['decode batches into records', recordsPerSecond(codec.decode)],
    ]);

    printResultLine(
      'log',
      {
        appendRecordsPerSecond: recordsPerSecond(appendRate),
        appendMegabytesPerSecond: megabytesPerSecond(appendRate),
        readRecordsPerSecond: recordsPerSecond(readRate),
        readMegabytesPerSecond: megabytesPerSecond(readRate),
        rawWriteMegabytesPerSecond: megabytesPerSecond(rawWriteRate),
        rawReadMegabytesPerSecond: megabytesPerSecond(rawReadRate),
        rawReadFreshBuffersMegabytesPerSecond: megabytesPerSecond(rawReadFreshRate),
        appendFsyncRecordsPerSecond: recordsPerSecond(withFsync.append),
        appendFsyncMegabytesPerSecond: megabytesPerSecond(withFsync.append),
        rawWriteFsyncMegabytesPerSecond: megabytesPerSecond(rawSyncRate),
        encodeRecordsPerSecond: recordsPerSecond(codec.encode),
        decodeRecordsPerSecond: recordsPerSecond(codec.decode),
        batchBytes,
      },
      {
        appendToRawWrite: megabytesPerSecond(appendRate) / megabytesPerSecond(rawWriteRate),
        readToRawRead: megabytesPerSecond(readRate) / megabytesPerSecond(rawReadRate),
        readToRawReadFreshBuffers: megabytesPerSecond(readRate) / megabytesPerSecond(rawReadFreshRate),
        appendFsyncToRawWriteFsync: megabytesPerSecond(withFsync.append) / megabytesPerSecond(rawSyncRate),
      },
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
