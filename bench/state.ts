/**
 * `npm run bench -- state [--keys 1000000] [--ops 1000000]`
 *
 * State stores, per backend (memory, lmdb, rocksdb), measured in the same run against a plain JS Map:
 *  1. raw byte tables (storage/state): put --ops keys and commit; random gets of committed keys;
 *  2. typed KeyValueStore (engine/state) read-modify-write per record (an aggregate's pattern:
 *     get, add, put) over 10,000 keys, committing every 100,000 records with the changelog;
 *  3. restart with --keys keys of state, for lmdb and rocksdb: build it (commits of 100,000 keys,
 *     changelog on the built-in log on disk), then reopen from the local directory, and rebuild
 *     from the changelog after deleting the directory; and a rebuild of memory state.
 * Prints a table, then one JSON line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../common/index.js';
import { RealFileSystem } from '../storage/fs/index.js';
import { openLog } from '../storage/log/index.js';
import type { Log } from '../storage/log/index.js';
import { KeyWriter, MemoryStateVolume, openStateEnvironment, stateDirectory } from '../storage/state/index.js';
import type { StateEnvironment } from '../storage/state/index.js';
import { TaskState } from '../engine/state/index.js';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';

type Backend = 'memory' | 'lmdb' | 'rocksdb';
type DiskBackend = Exclude<Backend, 'memory'>;
const BACKENDS: Backend[] = ['memory', 'lmdb', 'rocksdb'];
const DISK_BACKENDS: DiskBackend[] = ['lmdb', 'rocksdb'];
const realFs = new RealFileSystem();
const COMMIT_EVERY = 100_000;

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

function environmentFor(backend: Backend, directory: string, volume: MemoryStateVolume): StateEnvironment {
  return backend === 'memory' ? openStateEnvironment({ backend: 'memory', volume }) : openStateEnvironment({ backend, path: directory, fs: realFs });
}

/** Keys 0..count-1 as sortable bytes, in a scrambled order. */
function scrambledKeys(count: number): Buffer[] {
  const writer = new KeyWriter();
  const keys: Buffer[] = new Array(count);
  for (let index = 0; index < count; index++) keys[index] = writer.reset().string(`key-${(index * 2_654_435_761) % count}`).finish();
  return keys;
}

interface RawFigures {
  putPerSecond: number;
  getPerSecond: number;
}

async function benchRaw(backend: Backend, directory: string, keys: Buffer[]): Promise<RawFigures> {
  const environment = environmentFor(backend, directory, new MemoryStateVolume());
  try {
    const table = environment.table('raw');
    const value = Buffer.alloc(32, 0x61);
    let start = performance.now();
    for (let index = 0; index < keys.length; index++) {
      table.put(keys[index]!, value);
      if ((index + 1) % COMMIT_EVERY === 0) environment.commit();
    }
    environment.commit();
    const putSeconds = seconds(start);
    let found = 0;
    start = performance.now();
    for (let index = 0; index < keys.length; index++) if (table.get(keys[(index * 7919) % keys.length]!) !== undefined) found++;
    const getSeconds = seconds(start);
    if (found !== keys.length) throw new Error(`raw ${backend}: found ${found} of ${keys.length} keys`);
    return { putPerSecond: keys.length / putSeconds, getPerSecond: keys.length / getSeconds };
  } finally {
    await environment.destroy();
  }
}

async function benchTyped(backend: Backend, directory: string, log: Log, records: number): Promise<number> {
  const task = new TaskState({ environment: environmentFor(backend, directory, new MemoryStateVolume()), log, applicationId: `bench-typed-${backend}`, partition: 0 });
  const sums = task.keyValueStore<number[]>('sums');
  await task.restore();
  const start = performance.now();
  const key: unknown[] = [''];
  for (let index = 0; index < records; index++) {
    key[0] = `group-${(index * 7919) % 10_000}`;
    const accumulator = sums.get(key);
    if (accumulator) {
      accumulator[0]! += 1;
      accumulator[1]! += index;
      sums.put(key, accumulator);
    } else sums.put([key[0]], [1, index]);
    if ((index + 1) % COMMIT_EVERY === 0) await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: index + 1 }] });
  }
  await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: records }] });
  const rate = records / seconds(start);
  await task.destroy();
  return rate;
}

function benchMap(records: number): number {
  const sums = new Map<string, number[]>();
  const start = performance.now();
  for (let index = 0; index < records; index++) {
    const key = `group-${(index * 7919) % 10_000}`;
    const accumulator = sums.get(key);
    if (accumulator) {
      accumulator[0]! += 1;
      accumulator[1]! += index;
    } else sums.set(key, [1, index]);
  }
  return records / seconds(start);
}

interface RestartFigures {
  buildSeconds: number;
  localSeconds: number;
  changelogSeconds: number;
  /** Memory state rebuilt from the same changelog (measured in lmdb's run only). */
  memoryChangelogSeconds: number | null;
  restoredRecords: number;
}

/** Builds `keyCount` keys of state on `disk`, then restarts from it, and from its changelog. */
async function benchRestart(root: string, log: Log, keyCount: number, disk: DiskBackend): Promise<RestartFigures> {
  const applicationId = `bench-restart-${disk}`;
  const directory = stateDirectory(root, applicationId, '0_0');
  const open = (backend: Backend): { task: TaskState; store: ReturnType<TaskState['keyValueStore']> } => {
    const task = new TaskState({ environment: environmentFor(backend, directory, new MemoryStateVolume()), log, applicationId, partition: 0 });
    return { task, store: task.keyValueStore('table') };
  };
  const { task, store } = open(disk);
  await task.restore();
  const start = performance.now();
  for (let index = 0; index < keyCount; index++) {
    store.put([`key-${index}`], [index, `value-${index}`]);
    if ((index + 1) % COMMIT_EVERY === 0) await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: index + 1 }] });
  }
  await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: keyCount }] });
  const buildSeconds = seconds(start);
  await task.close();

  const restart = async (backend: Backend): Promise<{ seconds: number; restored: number }> => {
    const reopened = open(backend).task;
    const begin = performance.now();
    const outcome = await reopened.restore();
    const elapsed = seconds(begin);
    if (outcome.checkpoint?.inputOffsets[0]?.offset !== keyCount) throw new Error(`restart ${backend}: resumed at ${outcome.checkpoint?.inputOffsets[0]?.offset}, expected ${keyCount}`);
    const entries = reopened.stats().stores['table']!.entries;
    if (entries !== keyCount) throw new Error(`restart ${backend}: ${entries} entries, expected ${keyCount}`);
    await reopened.close();
    return { seconds: elapsed, restored: outcome.restoredRecords };
  };
  const local = await restart(disk);
  fs.rmSync(directory, { recursive: true, force: true });
  const rebuilt = await restart(disk);
  const memory = disk === 'lmdb' ? await restart('memory') : null;
  return { buildSeconds, localSeconds: local.seconds, changelogSeconds: rebuilt.seconds, memoryChangelogSeconds: memory?.seconds ?? null, restoredRecords: rebuilt.restored };
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, { keys: '1000000', ops: '1000000' });
  const keyCount = Math.floor(numberOption(options, 'keys'));
  const ops = Math.floor(numberOption(options, 'ops'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-state-'));
  const log = await openLog({ dataDir: path.join(root, 'log'), fs: realFs, clock: systemClock, maintenanceIntervalMs: 0, defaults: { durability: { kind: 'os' } } });
  try {
    const keys = scrambledKeys(ops);
    const raw: Record<string, RawFigures> = {};
    const typed: Record<string, number> = {};
    for (const backend of BACKENDS) raw[backend] = await benchRaw(backend, stateDirectory(root, 'bench-raw', backend), keys);
    const mapRate = benchMap(ops);
    for (const backend of BACKENDS) typed[backend] = await benchTyped(backend, stateDirectory(root, 'bench-typed', backend), log, ops);
    const restarts = {} as Record<DiskBackend, RestartFigures>;
    for (const disk of DISK_BACKENDS) restarts[disk] = await benchRestart(root, log, keyCount, disk);
    const restart = restarts.lmdb;
    const rocksdb = restarts.rocksdb;

    printTable(
      `state stores: ${ops.toLocaleString('en-US')} operations per figure`,
      ['backend', 'raw put+commit /s', 'raw get /s', 'kv get+put /s (changelog)', 'vs Map loop'],
      [
        ...BACKENDS.map((backend) => [backend, raw[backend]!.putPerSecond, raw[backend]!.getPerSecond, typed[backend]!, typed[backend]! / mapRate]),
        ['JS Map (baseline)', '', '', mapRate, 1],
      ],
    );
    printTable(`restart with ${keyCount.toLocaleString('en-US')} keys of state`, ['path', 'seconds'], [
      ...DISK_BACKENDS.flatMap((disk) => [
        [`build (puts + commits with changelog, ${disk})`, restarts[disk].buildSeconds],
        [`reopen from local ${disk}`, restarts[disk].localSeconds],
        [`rebuild ${disk} from changelog (directory lost)`, restarts[disk].changelogSeconds],
      ]),
      ['rebuild memory from changelog', restart.memoryChangelogSeconds ?? ''],
    ]);
    printResultLine(
      'state',
      {
        memory_raw_put_per_s: raw['memory']!.putPerSecond,
        memory_raw_get_per_s: raw['memory']!.getPerSecond,
        lmdb_raw_put_per_s: raw['lmdb']!.putPerSecond,
        lmdb_raw_get_per_s: raw['lmdb']!.getPerSecond,
        rocksdb_raw_put_per_s: raw['rocksdb']!.putPerSecond,
        rocksdb_raw_get_per_s: raw['rocksdb']!.getPerSecond,
        memory_kv_update_per_s: typed['memory']!,
        lmdb_kv_update_per_s: typed['lmdb']!,
        rocksdb_kv_update_per_s: typed['rocksdb']!,
        map_update_per_s: mapRate,
        keys: keyCount,
        build_s: restart.buildSeconds,
        restart_local_s: restart.localSeconds,
        restart_changelog_lmdb_s: restart.changelogSeconds,
        restart_changelog_memory_s: restart.memoryChangelogSeconds ?? Number.NaN,
        restored_records: restart.restoredRecords,
        rocksdb_build_s: rocksdb.buildSeconds,
        rocksdb_restart_local_s: rocksdb.localSeconds,
        rocksdb_restart_changelog_s: rocksdb.changelogSeconds,
      },
      {
        lmdb_kv_vs_map: typed['lmdb']! / mapRate,
        memory_kv_vs_map: typed['memory']! / mapRate,
        rocksdb_kv_vs_map: typed['rocksdb']! / mapRate,
        lmdb_vs_memory_raw_get: raw['lmdb']!.getPerSecond / raw['memory']!.getPerSecond,
        rocksdb_vs_memory_raw_get: raw['rocksdb']!.getPerSecond / raw['memory']!.getPerSecond,
        changelog_vs_local_restart: restart.changelogSeconds / Math.max(restart.localSeconds, 1e-6),
        rocksdb_changelog_vs_local_restart: rocksdb.changelogSeconds / Math.max(rocksdb.localSeconds, 1e-6),
      },
    );
  } finally {
    await log.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
