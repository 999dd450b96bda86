/**
 * The RocksDB backend (optional: `--state-backend rocksdb`). One RocksDB database per directory
 * (one per task). Tables share the default column family under a key prefix (`t<table>\0`; table
 * names never hold a NUL byte, so prefixes never overlap); metadata lives under `m<name>` and the
 * list of tables under `n<table>`. A commit is one WriteBatch over every table, the new table
 * marks and the metadata, written synchronously (fsync of the write-ahead log when durable), so a
 * crash leaves the previous commit or this one, never a mix.
 *
 * The binding is `@nxtedition/rocksdb` (prebuilt for linux-x64 and darwin-arm64). Its native
 * module is loaded on first use, so the other backends never load it, and a platform without a
 * prebuilt binary gets CONFIG_INVALID when the backend is chosen. Reads, scans and writes use the
 * binding's synchronous calls (`db_get_many_sync`, `iterator_nextv_sync`, `batch_write`); only
 * opening is asynchronous in the binding, and the environment interface opens synchronously, so
 * the database is opened by a helper thread while this one waits (Atomics.wait): the helper
 * opens the very database object this thread created (the binding shares it by handle).
 *
 * Scans never hold a native iterator between two reads of a caller: each chunk of a scan opens
 * an iterator bounded by where the previous chunk stopped and closes it at once. Snapshots hold
 * two iterators (forward, reverse), whose implicit RocksDB snapshot is the snapshot's view, and
 * seek them; `close` closes them before the database.
 *
 * RocksDB does its own file I/O inside the directory given; the FileSystem creates and deletes it.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { SluiceError } from '../../common/index.js';
import type { FileSystem } from '../fs/index.js';
import { backendIoError, claimDirectory, releaseDirectory } from './backend.js';
import type { BackendSnapshot, Bounds, StateBackend } from './backend.js';
import { prefixEnd } from './key-encoding.js';
import type { CommitMetadata, PendingWrite, StateEntry } from './types.js';

// ---- the binding ----

declare const nativeBrand: unique symbol;
/** An opaque native object of the binding. */
type Native<Kind extends string> = object & { readonly [nativeBrand]: Kind };
type NativeDatabase = Native<'database'>;
type NativeIterator = Native<'iterator'>;
type NativeBatch = Native<'batch'>;

interface IteratorOptions {
  gte?: Buffer;
  gt?: Buffer;
  lte?: Buffer;
  lt?: Buffer;
  reverse?: boolean;
  values?: boolean;
  keyEncoding: 'buffer';
  valueEncoding: 'buffer';
}

/** The calls of `@nxtedition/rocksdb`'s native module (binding.cc of 12.2.12) this backend uses. */
export interface RocksdbBinding {
  db_init(location: string | bigint): NativeDatabase;
  db_get_handle(database: NativeDatabase): bigint;
  db_close(database: NativeDatabase, callback: (error: Error | null) => void): void;
  /** Values in the order of the keys; undefined where absent. */
  db_get_many_sync(database: NativeDatabase, keys: Buffer[], options: object): Array<Buffer | undefined | null>;
  db_get_property(database: NativeDatabase, property: string): string;
  iterator_init(database: NativeDatabase, options: IteratorOptions): NativeIterator;
  iterator_seek(iterator: NativeIterator, target: Buffer): void;
  /** Up to `count` entries as [key, value, key, value...]. */
  iterator_nextv_sync(iterator: NativeIterator, count: number): { rows: Buffer[]; finished: boolean };
  iterator_close(iterator: NativeIterator): void;
  batch_init(): NativeBatch;
  batch_put(batch: NativeBatch, key: Buffer, value: Buffer, options: object): void;
  batch_del(batch: NativeBatch, key: Buffer, options: object): void;
  batch_clear(batch: NativeBatch): void;
  batch_write(database: NativeDatabase, batch: NativeBatch, options: { sync: boolean }): void;
}

const BINDING_MODULE = '@nxtedition/rocksdb/binding.js';
const requireHere = createRequire(import.meta.url);

/**
 * Loads the native module with `load` (default: the package's prebuilt binary for this platform).
 * A platform without one gets CONFIG_INVALID naming the platform and the way out (lmdb).
 */
export function loadRocksdbBinding(load: () => unknown = () => requireHere(BINDING_MODULE)): RocksdbBinding {
  try {
    return load() as RocksdbBinding;
  } catch (error) {
    const platform = `${process.platform}-${process.arch}`;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SluiceError(
      'CONFIG_INVALID',
      `the rocksdb state backend is not available on ${platform}: its binding (@nxtedition/rocksdb) ships prebuilt binaries for linux-x64 and darwin-arm64 only (${reason}); use the lmdb state backend (the default)`,
      { backend: 'rocksdb', platform },
      { cause: error },
    );
  }
}

let defaultBinding: RocksdbBinding | undefined;

/** The binding of this platform, loaded on first use (CONFIG_INVALID where there is none). */
export function rocksdbBinding(): RocksdbBinding {
  defaultBinding ??= loadRocksdbBinding();
  return defaultBinding;
}

// ---- synchronous open ----

/** The helper thread: opens a database object shared by handle, answers on a port, wakes the waiter. */
const OPENER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const binding = require(workerData.bindingPath);
parentPort.on('message', ({ handle, options, port, signal }) => {
  let answered = false;
  const answer = (error) => {
    if (answered) return;
    answered = true;
    port.postMessage(error ? { error: String((error && error.message) || error), code: error && error.code } : { error: null });
    port.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    binding.db_open(binding.db_init(handle), options, (error) => answer(error));
  } catch (error) {
    answer(error);
  }
});
`;

/** How long opening may take (a large write-ahead log is replayed on open). */
const OPEN_TIMEOUT_MS = 600_000;

let opener: Worker | null = null;

function openerThread(): Worker {
  if (opener !== null) return opener;
  const worker = new Worker(OPENER_SOURCE, { eval: true, workerData: { bindingPath: requireHere.resolve(BINDING_MODULE) } });
  worker.unref();
  // A dead helper is replaced on the next open; its waiter times out with a clear error.
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    if (opener === worker) opener = null;
  });
  opener = worker;
  return worker;
}

interface OpenFailure {
  error: string;
  code?: string;
}

/** Opens `location` and returns the database, blocking this thread until RocksDB has opened it. */
function openDatabase(binding: RocksdbBinding, location: string, options: object): NativeDatabase {
  const database = binding.db_init(location);
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    openerThread().postMessage({ handle: binding.db_get_handle(database), options, port: port2, signal }, [port2]);
    const waited = Atomics.wait(signal, 0, 0, OPEN_TIMEOUT_MS);
    const reply = receiveMessageOnPort(port1)?.message as { error: string | null; code?: string } | undefined;
    if (waited === 'timed-out' || reply === undefined) throw new Error(`not opened within ${OPEN_TIMEOUT_MS / 1000} s`);
    if (reply.error !== null) throw Object.assign(new Error(reply.error), reply.code !== undefined ? { code: reply.code } : {}) as Error & OpenFailure;
  } finally {
    port1.close();
  }
  return database;
}

// ---- the backend ----

const OPEN_OPTIONS = {
  createIfMissing: true,
  errorIfExists: false,
  // Commits write the log on this thread: no compression there (SST files keep RocksDB's zstd).
  walCompression: false,
};
const EMPTY = Buffer.alloc(0);
const NO_OPTIONS = {};
const DATA_PREFIX = 't';
const META_PREFIX = 'm';
const TABLE_MARK_PREFIX = 'n';
/** Rows per chunk of a scan: small first (most scans want a few rows), then larger. */
const CHUNK_ROWS = [16, 256, 1024];
const COUNT_CHUNK_ROWS = 8192;

export interface RocksdbBackendOptions {
  path: string;
  fs: FileSystem;
  /** fsync the write-ahead log on every commit (default). False: a machine crash may lose commits, never mix them. */
  durable?: boolean;
}

function joinKey(prefix: Buffer, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + key.length);
  prefix.copy(out, 0);
  key.copy(out, prefix.length);
  return out;
}

function ioError(action: string, path: string, error: unknown): SluiceError {
  return backendIoError('rocksdb', action, path, error);
}

function isLocked(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'LEVEL_LOCKED';
}

/** Bounds of a scan over full keys (table prefix included). */
interface KeyBounds {
  lower: { key: Buffer; inclusive: boolean };
  upper: { key: Buffer; inclusive: boolean };
}

export class RocksdbBackend implements StateBackend {
  readonly kind = 'rocksdb' as const;
  readonly sortedWrites = false;
  readonly path: string;
  private readonly fs: FileSystem;
  private readonly binding: RocksdbBinding;
  private database: NativeDatabase | null;
  private readonly writeOptions: { sync: boolean };
  private readonly knownTables = new Set<string>();
  private readonly prefixes = new Map<string, Buffer>();
  /** Exact committed entries of the tables counted since open, kept up to date by each commit. */
  private readonly counts = new Map<string, number>();
  /** Iterators of unreleased snapshots (closed before the database). */
  private readonly snapshotIterators = new Set<NativeIterator>();

  constructor(options: RocksdbBackendOptions) {
    this.binding = rocksdbBinding();
    this.path = options.path;
    this.fs = options.fs;
    this.writeOptions = { sync: options.durable !== false };
    claimDirectory(options.path);
    try {
      options.fs.mkdirp(options.path);
      this.database = openDatabase(this.binding, options.path, OPEN_OPTIONS);
    } catch (error) {
      releaseDirectory(options.path);
      if (isLocked(error)) throw new SluiceError('STATE_IN_USE', `state directory ${options.path} is locked by another process`, { path: options.path }, { cause: error });
      throw ioError('open', options.path, error);
    }
    const marks = Buffer.from(TABLE_MARK_PREFIX, 'latin1');
    for (const entry of this.rows(this.prefixBounds(marks), false, marks.length)) this.knownTables.add(entry.key.toString('latin1'));
  }

  private open(): NativeDatabase {
    if (this.database === null) throw new SluiceError('STATE_CLOSED', `state directory ${this.path} is closed`);
    return this.database;
  }

  private prefix(table: string): Buffer {
    let prefix = this.prefixes.get(table);
    if (prefix === undefined) {
      prefix = Buffer.from(`${DATA_PREFIX}${table}\u0000`, 'latin1');
      this.prefixes.set(table, prefix);
    }
    return prefix;
  }

  private prefixBounds(prefix: Buffer): KeyBounds {
    return { lower: { key: prefix, inclusive: true }, upper: { key: prefixEnd(prefix)!, inclusive: false } };
  }

  private keyBounds(prefix: Buffer, bounds: Bounds): KeyBounds {
    const whole = this.prefixBounds(prefix);
    return {
      lower: bounds.lower ? { key: joinKey(prefix, bounds.lower.key), inclusive: bounds.lower.inclusive } : whole.lower,
      upper: bounds.upper ? { key: joinKey(prefix, bounds.upper.key), inclusive: bounds.upper.inclusive } : whole.upper,
    };
  }

  /**
   * Entries within `bounds`, keys without their first `strip` bytes. Each chunk is read by its own
   * iterator starting after the last key of the previous chunk (nothing native stays open).
   */
  private *rows(bounds: KeyBounds, reverse: boolean, strip: number, values = true): Generator<StateEntry> {
    let { lower, upper } = bounds;
    for (let chunk = 0; ; chunk++) {
      const database = this.open();
      const options: IteratorOptions = { reverse, values, keyEncoding: 'buffer', valueEncoding: 'buffer' };
      options[lower.inclusive ? 'gte' : 'gt'] = lower.key;
      options[upper.inclusive ? 'lte' : 'lt'] = upper.key;
      const iterator = this.binding.iterator_init(database, options);
      let rows: Buffer[];
      let finished: boolean;
      try {
        ({ rows, finished } = this.binding.iterator_nextv_sync(iterator, values ? CHUNK_ROWS[Math.min(chunk, CHUNK_ROWS.length - 1)]! : COUNT_CHUNK_ROWS));
      } catch (error) {
        throw ioError('read', this.path, error);
      } finally {
        this.binding.iterator_close(iterator);
      }
      for (let index = 0; index < rows.length; index += 2) yield { key: rows[index]!.subarray(strip), value: rows[index + 1] ?? EMPTY };
      if (finished || rows.length === 0) return;
      const last = { key: rows[rows.length - 2]!, inclusive: false };
      if (reverse) upper = last;
      else lower = last;
    }
  }

  get(table: string, key: Buffer): Buffer | undefined {
    if (!this.knownTables.has(table)) return undefined;
    return this.getKey(joinKey(this.prefix(table), key));
  }

  private getKey(fullKey: Buffer): Buffer | undefined {
    try {
      return this.binding.db_get_many_sync(this.open(), [fullKey], NO_OPTIONS)[0] ?? undefined;
    } catch (error) {
      throw ioError('read', this.path, error);
    }
  }

  range(table: string, bounds: Bounds): Iterator<StateEntry> {
    if (!this.knownTables.has(table)) return [][Symbol.iterator]();
    const prefix = this.prefix(table);
    return this.rows(this.keyBounds(prefix, bounds), bounds.reverse, prefix.length);
  }

  metadata(name: string): Buffer | undefined {
    return this.getKey(Buffer.from(META_PREFIX + name, 'utf8'));
  }

  count(table: string): number {
    if (!this.knownTables.has(table)) return 0;
    let count = this.counts.get(table);
    if (count === undefined) {
      count = 0;
      const prefix = this.prefix(table);
      for (const _ of this.rows(this.prefixBounds(prefix), false, prefix.length, false)) count++;
      this.counts.set(table, count);
    }
    return count;
  }

  tableNames(): string[] {
    return [...this.knownTables];
  }

  /** How a table's count changes with `writes` (applied in order), from what is committed now. */
  private countChange(prefix: Buffer, writes: readonly PendingWrite[], keys: readonly Buffer[]): number {
    const found = this.binding.db_get_many_sync(this.open(), keys as Buffer[], NO_OPTIONS);
    const present = new Map<string, boolean>();
    let change = 0;
    for (let index = 0; index < writes.length; index++) {
      const id = keys[index]!.toString('latin1', prefix.length);
      const before = present.get(id) ?? found[index] != null;
      const after = writes[index]!.value !== null;
      change += Number(after) - Number(before);
      present.set(id, after);
    }
    return change;
  }

  apply(writes: ReadonlyMap<string, Iterable<PendingWrite>>, metadata: CommitMetadata | undefined): void {
    const database = this.open();
    const binding = this.binding;
    const batch = binding.batch_init();
    const newTables: string[] = [];
    const countChanges = new Map<string, number>();
    try {
      for (const [table, list] of writes) {
        const prefix = this.prefix(table);
        if (!this.knownTables.has(table)) {
          newTables.push(table);
          binding.batch_put(batch, Buffer.from(TABLE_MARK_PREFIX + table, 'latin1'), EMPTY, NO_OPTIONS);
        }
        if (this.counts.has(table)) {
          const ordered = [...list];
          const keys = ordered.map((write) => joinKey(prefix, write.key));
          countChanges.set(table, this.countChange(prefix, ordered, keys));
          for (let index = 0; index < ordered.length; index++) {
            const value = ordered[index]!.value;
            if (value === null) binding.batch_del(batch, keys[index]!, NO_OPTIONS);
            else binding.batch_put(batch, keys[index]!, value, NO_OPTIONS);
          }
          continue;
        }
        for (const write of list) {
          if (write.value === null) binding.batch_del(batch, joinKey(prefix, write.key), NO_OPTIONS);
          else binding.batch_put(batch, joinKey(prefix, write.key), write.value, NO_OPTIONS);
        }
      }
      if (metadata) {
        for (const [name, value] of metadata) {
          const key = Buffer.from(META_PREFIX + name, 'utf8');
          if (value === null) binding.batch_del(batch, key, NO_OPTIONS);
          else binding.batch_put(batch, key, value, NO_OPTIONS);
        }
      }
      binding.batch_write(database, batch, this.writeOptions);
    } catch (error) {
      throw ioError('commit', this.path, error);
    } finally {
      binding.batch_clear(batch);
    }
    for (const table of newTables) this.knownTables.add(table);
    for (const [table, change] of countChanges) this.counts.set(table, this.counts.get(table)! + change);
  }

  drop(table: string): void {
    if (!this.knownTables.has(table)) return;
    const database = this.open();
    const binding = this.binding;
    const prefix = this.prefix(table);
    const batch = binding.batch_init();
    try {
      for (const entry of this.rows(this.prefixBounds(prefix), false, 0, false)) binding.batch_del(batch, entry.key, NO_OPTIONS);
      binding.batch_del(batch, Buffer.from(TABLE_MARK_PREFIX + table, 'latin1'), NO_OPTIONS);
      binding.batch_write(database, batch, this.writeOptions);
    } catch (error) {
      throw ioError('drop', this.path, error);
    } finally {
      binding.batch_clear(batch);
    }
    this.knownTables.delete(table);
    this.counts.delete(table);
  }

  snapshot(): BackendSnapshot {
    const database = this.open();
    const binding = this.binding;
    const options = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
    // Both iterators see the state as of now (nothing commits between these two calls).
    const forward = binding.iterator_init(database, options);
    const backward = binding.iterator_init(database, { ...options, reverse: true });
    this.snapshotIterators.add(forward);
    this.snapshotIterators.add(backward);
    let released = false;
    const check = (): void => {
      if (released) throw new SluiceError('INTERNAL_ASSERTION', 'state snapshot used after release');
      this.open();
    };
    /** Up to `count` rows from the first key at or after `target` (at or before it, backward). */
    const seek = (iterator: NativeIterator, target: Buffer, count: number): { rows: Buffer[]; finished: boolean } => {
      check();
      binding.iterator_seek(iterator, target);
      return binding.iterator_nextv_sync(iterator, count);
    };
    const get = (fullKey: Buffer): Buffer | undefined => {
      const [key, value] = seek(forward, fullKey, 1).rows;
      return key !== undefined && key.equals(fullKey) ? value : undefined;
    };
    const range = function* (this: void, bounds: KeyBounds, reverse: boolean, strip: number): Generator<StateEntry> {
      const iterator = reverse ? backward : forward;
      const start = reverse ? bounds.upper : bounds.lower;
      const end = reverse ? bounds.lower : bounds.upper;
      const past = (key: Buffer): boolean => {
        const order = Buffer.compare(key, end.key) * (reverse ? -1 : 1);
        return order > 0 || (order === 0 && !end.inclusive);
      };
      let target = start.key;
      let skipTarget = !start.inclusive;
      for (let chunk = 0; ; chunk++) {
        const { rows, finished } = seek(iterator, target, CHUNK_ROWS[Math.min(chunk, CHUNK_ROWS.length - 1)]!);
        let index = skipTarget && rows[0] !== undefined && rows[0].equals(target) ? 2 : 0;
        for (; index < rows.length; index += 2) {
          const key = rows[index]!;
          if (past(key)) return;
          yield { key: key.subarray(strip), value: rows[index + 1] ?? EMPTY };
        }
        if (finished || rows.length === 0) return;
        target = rows[rows.length - 2]!;
        skipTarget = true;
      }
    };
    return {
      get: (table, key) => get(joinKey(this.prefix(table), key)),
      range: (table, bounds) => {
        const prefix = this.prefix(table);
        return range(this.keyBounds(prefix, bounds), bounds.reverse, prefix.length);
      },
      metadata: (name) => get(Buffer.from(META_PREFIX + name, 'utf8')),
      release: () => {
        if (released) return;
        released = true;
        for (const iterator of [forward, backward]) {
          this.snapshotIterators.delete(iterator);
          if (this.database !== null) binding.iterator_close(iterator);
        }
      },
    };
  }

  sizeBytes(): number {
    const database = this.open();
    const property = (name: string): number => Number(this.binding.db_get_property(database, name)) || 0;
    return property('rocksdb.total-sst-files-size') + property('rocksdb.cur-size-all-mem-tables');
  }

  async close(): Promise<void> {
    const database = this.database;
    if (database === null) return;
    this.database = null;
    try {
      for (const iterator of this.snapshotIterators) this.binding.iterator_close(iterator);
      this.snapshotIterators.clear();
      await new Promise<void>((resolve, reject) => this.binding.db_close(database, (error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw ioError('close', this.path, error);
    } finally {
      releaseDirectory(this.path);
    }
  }

  async destroy(): Promise<void> {
    await this.close();
    this.fs.removeRecursive(this.path);
  }
}
