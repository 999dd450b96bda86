/** A log on the in-memory file system, simulated time, and task states on either backend. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimulatedClock, withLimits } from '../../../../common/index.js';
import type { Limits } from '../../../../common/index.js';
import { MemoryFileSystem, RealFileSystem } from '../../../../storage/fs/index.js';
import { decodeRecords, openLog } from '../../../../storage/log/index.js';
import type { BuiltInLog, Log, LogRecord } from '../../../../storage/log/index.js';
import { MemoryStateVolume, openStateEnvironment, stateDirectory } from '../../../../storage/state/index.js';
import type { StateEnvironment } from '../../../../storage/state/index.js';
import { TaskState } from '../../../../engine/state/index.js';
import type { TaskStateOptions } from '../../../../engine/state/index.js';

export type BackendKind = 'memory' | 'lmdb';
export const BACKENDS: BackendKind[] = ['memory', 'lmdb'];
export const START_MS = 1_700_000_000_000;

const realFs = new RealFileSystem();

export interface StateHarness {
  clock: SimulatedClock;
  log: BuiltInLog;
  limits: Limits;
  /** Opens the task's environment (same place every time). */
  openEnvironment(): StateEnvironment;
  /** A TaskState on a fresh environment object; `register` adds the stores. */
  task(options?: Partial<TaskStateOptions>): TaskState;
  /** Deletes the local state (the state directory is lost). */
  loseLocalState(): void;
  cleanup(): Promise<void>;
}

export async function stateHarness(kind: BackendKind, limits: Partial<Limits> = {}): Promise<StateHarness> {
  const clock = new SimulatedClock(START_MS);
  const effectiveLimits = withLimits(limits);
  const log = await openLog({ dataDir: '/data', fs: new MemoryFileSystem(), clock, limits: effectiveLimits, maintenanceIntervalMs: 0 });
  let volume = new MemoryStateVolume();
  const root = kind === 'lmdb' ? mkdtempSync(path.join(tmpdir(), 'sluice-task-state-')) : '';
  const directory = kind === 'lmdb' ? stateDirectory(root, 'app', '0_0') : '';
  const openEnvironment = (): StateEnvironment =>
    kind === 'memory' ? openStateEnvironment({ backend: 'memory', volume, clock }) : openStateEnvironment({ backend: 'lmdb', path: directory, fs: realFs, durable: false, clock });
  return {
    clock,
    log,
    limits: effectiveLimits,
    openEnvironment,
    task: (options = {}) => new TaskState({ environment: openEnvironment(), log, applicationId: 'app', partition: 0, clock, limits: effectiveLimits, ...options }),
    loseLocalState: () => {
      if (kind === 'memory') volume = new MemoryStateVolume();
      else rmSync(directory, { recursive: true, force: true });
    },
    cleanup: async () => {
      await log.close();
      if (root) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every record of a topic partition. */
export async function readTopic(log: Log, topic: string, partition = 0): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  let offset = log.offsets(topic, partition).logStartOffset;
  for (;;) {
    const result = await log.read(topic, partition, offset, 1 << 20);
    if (result.batches.length === 0) break;
    for (const record of decodeRecords(Buffer.concat(result.batches))) if (record.offset >= offset) out.push(record);
    const last = out[out.length - 1];
    if (!last || last.offset + 1 >= result.highWatermark) break;
    offset = last.offset + 1;
  }
  return out;
}

/** A Log whose appends can be made to fail (a crash in the middle of a commit). */
export class FaultyLog {
  /** Appends left before the next one fails (Infinity: never). */
  appendsBeforeFailure = Number.POSITIVE_INFINITY;
  /** Fail after the append went through (the changelog has it; the caller never hears back). */
  failAfterAppend = false;
  readonly log: Log;

  constructor(inner: Log) {
    const self = this;
    this.log = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'append') {
          return async (topic: string, partition: number, batch: Buffer) => {
            if (self.appendsBeforeFailure <= 0) throw new Error('injected crash before append');
            self.appendsBeforeFailure--;
            const result = await target.append(topic, partition, batch);
            if (self.failAfterAppend && self.appendsBeforeFailure <= 0) throw new Error('injected crash after append');
            return result;
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
