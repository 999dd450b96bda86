/**
 * The lmdb backend (default). One lmdb environment per directory (one per task); each table a
 * named sub-database with binary keys and values; metadata in the sub-database `__meta`. A commit
 * is one synchronous write transaction over every table and the metadata, so a crash leaves the
 * previous commit or this one, never a mix. Reads are synchronous (memory-mapped B-tree).
 *
 * lmdb reaches the disk through its own native code: the directory comes from the caller (under
 * the data dir), and the FileSystem is used only to create and delete it.
 */
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { SluiceError } from '../../common/index.js';
import type { FileSystem } from '../fs/index.js';
import { backendIoError, claimDirectory, releaseDirectory } from './backend.js';
import type { BackendSnapshot, Bounds, StateBackend } from './backend.js';
import type { CommitMetadata, PendingWrite, StateEntry } from './types.js';

type BinaryDatabase = Database<Buffer, Buffer>;

const META = '__meta';
const SMALLEST_KEY = Buffer.from([0]);
const TABLE_PREFIX = 't:';
/** Metadata key listing a table (so tables can be enumerated without scanning lmdb's main DB). */
const TABLE_MARK = '\u0000table:';

export interface LmdbBackendOptions {
  path: string;
  fs: FileSystem;
  /** fsync every commit (default). False leaves flushing to the OS: a machine crash may lose commits, never mix them. */
  durable?: boolean;
  /** Most tables (sub-databases) one environment may hold. Default 256. */
  tablesMax?: number;
}

function ioError(action: string, path: string, error: unknown): SluiceError {
  return backendIoError('lmdb', action, path, error);
}

function rangeOptions(bounds: Bounds): Record<string, unknown> {
  const options: Record<string, unknown> = { reverse: bounds.reverse };
  const first = bounds.reverse ? bounds.upper : bounds.lower;
  const last = bounds.reverse ? bounds.lower : bounds.upper;
  if (first) {
    options['start'] = first.key;
    if (!first.inclusive) options['exclusiveStart'] = true;
  }
  if (last) {
    options['end'] = last.key;
    if (last.inclusive) options['inclusiveEnd'] = true;
  } else if (bounds.reverse) {
    // lmdb-js stops a reverse scan before its default beginning key [0x00] (exclusive): name the
    // smallest possible key (keys are never empty) and include it.
    options['end'] = SMALLEST_KEY;
    options['inclusiveEnd'] = true;
  }
  return options;
}

export class LmdbBackend implements StateBackend {
  readonly kind = 'lmdb' as const;
  readonly sortedWrites = true;
  readonly path: string;
  private readonly fs: FileSystem;
  private root: RootDatabase<Buffer, Buffer> | null;
  private readonly meta: BinaryDatabase;
  private readonly databases = new Map<string, BinaryDatabase>();
  private readonly knownTables = new Set<string>();

  constructor(options: LmdbBackendOptions) {
    this.path = options.path;
    this.fs = options.fs;
    // lmdb allows one environment object per file per process.
    claimDirectory(options.path);
    try {
      options.fs.mkdirp(options.path);
      this.root = open<Buffer, Buffer>({
        path: options.path,
        maxDbs: options.tablesMax ?? 256,
        keyEncoding: 'binary',
        encoding: 'binary',
        noSync: options.durable === false,
        // Writes happen only inside transactionSync: never batch asynchronous writes behind our back.
        eventTurnBatching: false,
      });
      this.meta = this.root.openDB<Buffer, Buffer>({ name: META, keyEncoding: 'binary', encoding: 'binary' });
    } catch (error) {
      releaseDirectory(options.path);
      throw ioError('open', options.path, error);
    }
    const prefix = Buffer.from(TABLE_MARK, 'latin1');
    for (const { key } of this.meta.getRange({ start: prefix })) {
      if (!key.subarray(0, prefix.length).equals(prefix)) break;
      this.knownTables.add(key.subarray(prefix.length).toString('utf8'));
    }
  }

  private rootDb(): RootDatabase<Buffer, Buffer> {
    if (!this.root) throw new SluiceError('STATE_CLOSED', `state directory ${this.path} is closed`);
    return this.root;
  }

  private database(table: string, create: boolean): BinaryDatabase | undefined {
    let database = this.databases.get(table);
    if (database) return database;
    if (!create && !this.knownTables.has(table)) return undefined;
    database = this.rootDb().openDB<Buffer, Buffer>({ name: TABLE_PREFIX + table, keyEncoding: 'binary', encoding: 'binary' });
    this.databases.set(table, database);
    return database;
  }

  get(table: string, key: Buffer): Buffer | undefined {
    return this.database(table, false)?.get(key);
  }

  range(table: string, bounds: Bounds): Iterator<StateEntry> {
    const database = this.database(table, false);
    if (!database) return [][Symbol.iterator]();
    return (database.getRange(rangeOptions(bounds)) as Iterable<StateEntry>)[Symbol.iterator]();
  }

  metadata(name: string): Buffer | undefined {
    return this.meta.get(Buffer.from(name, 'utf8'));
  }

  count(table: string): number {
    const database = this.database(table, false);
    if (!database) return 0;
    return (database.getStats() as { entryCount: number }).entryCount;
  }

  tableNames(): string[] {
    return [...this.knownTables];
  }

  apply(writes: ReadonlyMap<string, Iterable<PendingWrite>>, metadata: CommitMetadata | undefined): void {
    const root = this.rootDb();
    const newTables: string[] = [];
    for (const name of writes.keys()) if (!this.knownTables.has(name)) newTables.push(name);
    const databases = [...writes.keys()].map((name) => this.database(name, true)!);
    try {
      root.transactionSync(() => {
        let index = 0;
        for (const list of writes.values()) {
          const database = databases[index++]!;
          for (const write of list) {
            if (write.value === null) database.removeSync(write.key);
            else database.putSync(write.key, write.value);
          }
        }
        for (const name of newTables) this.meta.putSync(Buffer.from(TABLE_MARK + name, 'utf8'), Buffer.alloc(0));
        if (metadata) {
          for (const [name, value] of metadata) {
            const key = Buffer.from(name, 'utf8');
            if (value === null) this.meta.removeSync(key);
            else this.meta.putSync(key, value);
          }
        }
      });
    } catch (error) {
      throw ioError('commit', this.path, error);
    }
    for (const name of newTables) this.knownTables.add(name);
  }

  drop(table: string): void {
    const database = this.database(table, false);
    if (!database) return;
    try {
      this.rootDb().transactionSync(() => {
        database.dropSync();
        this.meta.removeSync(Buffer.from(TABLE_MARK + table, 'utf8'));
      });
    } catch (error) {
      throw ioError('drop', this.path, error);
    }
    this.databases.delete(table);
    this.knownTables.delete(table);
  }

  snapshot(): BackendSnapshot {
    const root = this.rootDb();
    const transaction = root.useReadTransaction();
    let released = false;
    return {
      get: (table, key) => this.database(table, false)?.get(key, { transaction }),
      range: (table, bounds) => {
        const database = this.database(table, false);
        if (!database) return [][Symbol.iterator]();
        return (database.getRange({ ...rangeOptions(bounds), transaction }) as Iterable<StateEntry>)[Symbol.iterator]();
      },
      metadata: (name) => this.meta.get(Buffer.from(name, 'utf8'), { transaction }),
      release: () => {
        if (released) return;
        released = true;
        transaction.done();
      },
    };
  }

  sizeBytes(): number {
    const stats = this.rootDb().getStats() as { pageSize: number; lastPageNumber: number };
    return (stats.lastPageNumber + 1) * stats.pageSize;
  }

  async close(): Promise<void> {
    const root = this.root;
    if (!root) return;
    this.root = null;
    this.databases.clear();
    try {
      await root.close();
    } finally {
      releaseDirectory(this.path);
    }
  }

  async destroy(): Promise<void> {
    await this.close();
    this.fs.removeRecursive(this.path);
  }
}
