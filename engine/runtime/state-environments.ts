/**
 * Where the tasks' state lives: factories for `QueryRuntimeOptions.stateEnvironment`.
 * - `diskStateEnvironments`: one on-disk environment per task under
 *   `<dataDir>/state/<applicationId>/<taskId>`, in lmdb (the server's default) or, with
 *   `backend: 'rocksdb'`, in RocksDB (`--state-backend rocksdb`).
 * - `memoryStateEnvironments`: memory, with one MemoryStateVolume per task kept in a map, so a
 *   runtime opened again over the same map finds the committed state (tests, simulated crashes);
 *   `wipe()` loses it all (a deleted state directory).
 */
import type { Clock } from '../../common/index.js';
import type { FileSystem } from '../../storage/fs/index.js';
import { MemoryStateVolume, loadStateBackend, openStateEnvironment, stateDirectory, type StateLimits } from '../../storage/state/index.js';
import type { TaskStateEnvironmentFactory } from './multi-input.js';

export interface DiskStateEnvironmentsOptions {
  /** The store of every task's directory: 'lmdb' (default) or 'rocksdb'. */
  backend?: 'lmdb' | 'rocksdb';
  /** The server's data directory: state goes under `<dataDir>/state`. */
  dataDir: string;
  fs: FileSystem;
  clock?: Clock;
  /** fsync each commit. Default true. */
  durable?: boolean;
  limits?: Partial<StateLimits>;
}

/** Loads the backend's native module at once: CONFIG_INVALID here when this platform has none. */
export function diskStateEnvironments(options: DiskStateEnvironmentsOptions): TaskStateEnvironmentFactory {
  loadStateBackend(options.backend ?? 'lmdb');
  return ({ applicationId, taskId }) =>
    openStateEnvironment({
      backend: options.backend ?? 'lmdb',
      path: stateDirectory(options.dataDir, applicationId, taskId),
      fs: options.fs,
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.durable !== undefined ? { durable: options.durable } : {}),
      ...(options.limits !== undefined ? { limits: options.limits } : {}),
    });
}

export interface MemoryStateEnvironments {
  factory: TaskStateEnvironmentFactory;
  /** The volumes by `<applicationId>/<taskId>`. */
  readonly volumes: Map<string, MemoryStateVolume>;
  /** Forgets every task's committed state (the environments must be closed). */
  wipe(): void;
}

export function memoryStateEnvironments(options: { clock?: Clock; limits?: Partial<StateLimits> } = {}): MemoryStateEnvironments {
  const volumes = new Map<string, MemoryStateVolume>();
  return {
    volumes,
    factory: ({ applicationId, taskId }) => {
      const name = `${applicationId}/${taskId}`;
      let volume = volumes.get(name);
      if (volume === undefined) {
        volume = new MemoryStateVolume();
        volumes.set(name, volume);
      }
      return openStateEnvironment({
        backend: 'memory',
        volume,
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
        ...(options.limits !== undefined ? { limits: options.limits } : {}),
      });
    },
    wipe: () => {
      for (const volume of volumes.values()) volume.wipe();
    },
  };
}
