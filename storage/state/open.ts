/** Opening an environment on a backend; where task directories live under the data dir. */
import { systemClock } from '../../common/index.js';
import type { Clock } from '../../common/index.js';
import { joinPath } from '../fs/index.js';
import type { FileSystem } from '../fs/index.js';
import { Environment } from './environment.js';
import { LmdbBackend } from './lmdb.js';
import { MemoryBackend, MemoryStateVolume } from './memory.js';
import { RocksdbBackend, rocksdbBinding } from './rocksdb.js';
import { defaultStateLimits } from './types.js';
import type { StateBackendKind, StateEnvironment, StateLimits } from './types.js';

interface CommonOptions {
  /** Measures commit durations. Default: the system clock. */
  clock?: Clock;
  limits?: Partial<StateLimits>;
}

export interface MemoryStateOptions extends CommonOptions {
  backend: 'memory';
  /** Committed state that outlives the environment (tests); default: a fresh one. */
  volume?: MemoryStateVolume;
}

interface DirectoryStateOptions extends CommonOptions {
  /** The environment's directory (see `stateDirectory`). */
  path: string;
  fs: FileSystem;
  /** fsync each commit. Default true. */
  durable?: boolean;
}

export interface LmdbStateOptions extends DirectoryStateOptions {
  backend: 'lmdb';
  tablesMax?: number;
}

/** RocksDB (optional): its native module loads on the first open; CONFIG_INVALID where it has no build. */
export interface RocksdbStateOptions extends DirectoryStateOptions {
  backend: 'rocksdb';
}

export type OpenStateOptions = MemoryStateOptions | LmdbStateOptions | RocksdbStateOptions;

export function openStateEnvironment(options: OpenStateOptions): StateEnvironment {
  const limits = { ...defaultStateLimits, ...options.limits };
  const clock = options.clock ?? systemClock;
  if (options.backend === 'memory') {
    return new Environment(new MemoryBackend(options.volume ?? new MemoryStateVolume()), { clock, limits });
  }
  const directory = { path: options.path, fs: options.fs, ...(options.durable !== undefined ? { durable: options.durable } : {}) };
  const backend =
    options.backend === 'rocksdb'
      ? new RocksdbBackend(directory)
      : new LmdbBackend({ ...directory, ...(options.tablesMax !== undefined ? { tablesMax: options.tablesMax } : {}) });
  return new Environment(backend, { clock, limits });
}

/**
 * Loads a backend's native module now, so that a server configured with a backend this platform
 * cannot load fails at start (CONFIG_INVALID) rather than when the first query opens its state.
 */
export function loadStateBackend(backend: StateBackendKind): void {
  if (backend === 'rocksdb') rocksdbBinding();
}

/**
 * `<dataDir>/state/<applicationId>/<taskId>`: one environment per task, as Kafka Streams keeps a
 * directory per task. Both names are made safe for a path (anything but [A-Za-z0-9._-] becomes _).
 */
export function stateDirectory(dataDir: string, applicationId: string, taskId: string): string {
  const safe = (text: string): string => {
    const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '_');
    return cleaned === '' || cleaned === '.' || cleaned === '..' ? `_${cleaned}` : cleaned;
  };
  return joinPath(dataDir, 'state', safe(applicationId), safe(taskId));
}
