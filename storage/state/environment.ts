/**
 * The environment every backend shares: named tables with layers of uncommitted writes over the
 * backend's committed data. Reads look in the pending layer, then the frozen layer (writes of a
 * commit in progress), then the backend; scans merge the three in key order.
 */
import { SluiceError, mismatch } from '../../common/index.js';
import type { Clock } from '../../common/index.js';
import { boundsEmpty, boundsOf } from './backend.js';
import type { Bounds, StateBackend } from './backend.js';
import { prefixEnd } from './key-encoding.js';
import { SortedStringMap } from './sorted-map.js';
import type { StringBounds } from './sorted-map.js';
import type {
  CommitMetadata,
  CommitOutcome,
  KeyRange,
  PendingWrite,
  PreparedCommit,
  StateEntry,
  StateEnvironment,
  StateEnvironmentStats,
  StateLimits,
  StateReader,
  StateSnapshot,
  StateBackendKind,
  StateTable,
  WriteOperation,
} from './types.js';

const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-#$]{0,199}$/;

export function validateTableName(name: string): void {
  if (!TABLE_NAME.test(name)) {
    throw mismatch('INVALID_ARGUMENT', 'state table name', '1-200 characters of [A-Za-z0-9._-#$], not starting with a symbol', JSON.stringify(name));
  }
}

/** A pending write that remembers its key as a latin1 string (the memory backend reuses it). */
export interface IdentifiedWrite extends PendingWrite {
  readonly id: string;
}

/** The uncommitted writes of one table. Keys are the key bytes as latin1 strings. */
class Layer {
  readonly writes = new SortedStringMap<IdentifiedWrite>();
  bytes = 0;

  set(id: string, key: Buffer, value: Buffer | null): void {
    const previous = this.writes.get(id);
    if (previous) this.bytes -= previous.key.length + (previous.value?.length ?? 0);
    this.writes.set(id, { id, key, value });
    this.bytes += key.length + (value?.length ?? 0);
  }

  *inOrder(): Generator<IdentifiedWrite> {
    for (const [, write] of this.writes.entries()) yield write;
  }

  /** In no particular order (no sorting). */
  unordered(): IterableIterator<IdentifiedWrite> {
    return this.writes.values();
  }
}

function stringBounds(bounds: Bounds): StringBounds {
  const out: StringBounds = { reverse: bounds.reverse };
  if (bounds.lower) {
    if (bounds.lower.inclusive) out.gte = bounds.lower.key.toString('latin1');
    else out.gt = bounds.lower.key.toString('latin1');
  }
  if (bounds.upper) {
    if (bounds.upper.inclusive) out.lte = bounds.upper.key.toString('latin1');
    else out.lt = bounds.upper.key.toString('latin1');
  }
  return out;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || limit < 0) throw mismatch('INVALID_ARGUMENT', 'scan limit', 'an integer >= 0', String(limit));
  return limit;
}

/** Merges sorted sources, the first having priority on equal keys; null values hide the key. */
function* mergeSources(sources: Iterator<PendingWrite>[], reverse: boolean, limit: number): Generator<StateEntry> {
  if (limit <= 0) return;
  const heads: (PendingWrite | undefined)[] = sources.map((source) => {
    const next = source.next();
    return next.done ? undefined : next.value;
  });
  let returned = 0;
  try {
    for (;;) {
      let best = -1;
      for (let index = 0; index < heads.length; index++) {
        const head = heads[index];
        if (head === undefined) continue;
        if (best < 0) {
          best = index;
          continue;
        }
        const order = Buffer.compare(head.key, heads[best]!.key);
        if (reverse ? order > 0 : order < 0) best = index;
      }
      if (best < 0) return;
      const winner = heads[best]!;
      for (let index = best; index < heads.length; index++) {
        const head = heads[index];
        if (head !== undefined && (index === best || head.key.equals(winner.key))) {
          const next = sources[index]!.next();
          heads[index] = next.done ? undefined : next.value;
        }
      }
      if (winner.value === null) continue;
      yield winner as StateEntry;
      if (++returned >= limit) return;
    }
  } finally {
    for (const source of sources) source.return?.();
  }
}

function* layerWrites(layer: Layer, bounds: StringBounds): Generator<PendingWrite> {
  for (const [, write] of layer.writes.entries(bounds)) yield write;
}

function* limited(source: Iterator<StateEntry>, limit: number): Generator<StateEntry> {
  if (limit <= 0) return;
  let returned = 0;
  try {
    for (;;) {
      const next = source.next();
      if (next.done) return;
      yield next.value;
      if (++returned >= limit) return;
    }
  } finally {
    source.return?.();
  }
}

function prefixRange(prefix: Buffer, options: { reverse?: boolean; limit?: number } = {}): KeyRange {
  const range: KeyRange = { gte: prefix, reverse: options.reverse === true };
  const end = prefixEnd(prefix);
  if (end) range.lt = end;
  if (options.limit !== undefined) range.limit = options.limit;
  return range;
}

class Table implements StateTable {
  constructor(
    private readonly environment: Environment,
    readonly name: string,
  ) {}

  get(key: Buffer): Buffer | undefined {
    const environment = this.environment;
    environment.checkOpen();
    const pending = environment.pending.get(this.name);
    const frozen = environment.frozen?.get(this.name);
    if ((pending && pending.writes.size > 0) || (frozen && frozen.writes.size > 0)) {
      const id = key.toString('latin1');
      const write = pending?.writes.get(id) ?? frozen?.writes.get(id);
      if (write) return write.value ?? undefined;
    }
    return environment.storage.get(this.name, key);
  }

  has(key: Buffer): boolean {
    return this.get(key) !== undefined;
  }

  range(range: KeyRange = {}): IterableIterator<StateEntry> {
    const environment = this.environment;
    environment.checkOpen();
    const limit = checkLimit(range.limit);
    const bounds = boundsOf(range);
    if (boundsEmpty(bounds)) return limited([][Symbol.iterator](), 0);
    const pending = environment.pending.get(this.name);
    const frozen = environment.frozen?.get(this.name);
    const backend = environment.storage.range(this.name, bounds);
    if ((!pending || pending.writes.size === 0) && (!frozen || frozen.writes.size === 0)) return limited(backend, limit);
    const sources: Iterator<PendingWrite>[] = [];
    const textBounds = stringBounds(bounds);
    if (pending && pending.writes.size > 0) sources.push(layerWrites(pending, textBounds));
    if (frozen && frozen.writes.size > 0) sources.push(layerWrites(frozen, textBounds));
    sources.push(backend);
    return mergeSources(sources, bounds.reverse, limit);
  }

  prefix(prefix: Buffer, options?: { reverse?: boolean; limit?: number }): IterableIterator<StateEntry> {
    return this.range(prefixRange(prefix, options));
  }

  put(key: Buffer, value: Buffer): void {
    const environment = this.environment;
    environment.checkOpen();
    environment.checkKey(key);
    if (value.length > environment.limits.valueBytesMax) {
      throw mismatch('STATE_VALUE_TOO_LARGE', `value for table ${this.name}`, `at most ${environment.limits.valueBytesMax} bytes`, `${value.length} bytes`);
    }
    environment.layer(this.name).set(key.toString('latin1'), key, value);
  }

  delete(key: Buffer): void {
    const environment = this.environment;
    environment.checkOpen();
    environment.checkKey(key);
    environment.layer(this.name).set(key.toString('latin1'), key, null);
  }

  deleteRange(range: KeyRange): number {
    const keys: Buffer[] = [];
    for (const entry of this.range(range)) keys.push(entry.key);
    for (const key of keys) this.delete(key);
    return keys.length;
  }

  pendingWrites(): IterableIterator<PendingWrite> {
    const layer = this.environment.pending.get(this.name);
    return layer ? layer.inOrder() : [][Symbol.iterator]();
  }

  pendingCount(): number {
    return this.environment.pending.get(this.name)?.writes.size ?? 0;
  }

  pendingBytes(): number {
    return this.environment.pending.get(this.name)?.bytes ?? 0;
  }

  committedEntries(): number {
    this.environment.checkOpen();
    return this.environment.storage.count(this.name);
  }
}

export interface EnvironmentOptions {
  clock: Clock;
  limits: StateLimits;
  /** Called once when the environment closes (releases the directory). */
  onClose?: () => void;
}

export class Environment implements StateEnvironment {
  /** The backend holding the committed data. */
  readonly storage: StateBackend;
  readonly limits: StateLimits;
  pending = new Map<string, Layer>();
  frozen: Map<string, Layer> | null = null;
  private readonly tables = new Map<string, Table>();
  private readonly clock: Clock;
  private readonly onClose: (() => void) | undefined;
  private isClosed = false;
  private commits = 0;
  private committedWrites = 0;
  private lastCommitMs = 0;

  constructor(backend: StateBackend, options: EnvironmentOptions) {
    this.storage = backend;
    this.clock = options.clock;
    this.limits = options.limits;
    this.onClose = options.onClose;
  }

  get backend(): StateBackendKind {
    return this.storage.kind;
  }

  get path(): string | null {
    return this.storage.path;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  checkOpen(): void {
    if (this.isClosed) throw new SluiceError('STATE_CLOSED', `state environment ${this.storage.path ?? '(memory)'} is closed`);
  }

  checkKey(key: Buffer): void {
    if (key.length === 0) throw mismatch('INVALID_ARGUMENT', 'state key', 'at least 1 byte', '0 bytes');
    if (key.length > this.limits.keyBytesMax) throw mismatch('STATE_KEY_TOO_LARGE', 'state key', `at most ${this.limits.keyBytesMax} bytes`, `${key.length} bytes`);
  }

  layer(table: string): Layer {
    let layer = this.pending.get(table);
    if (!layer) {
      layer = new Layer();
      this.pending.set(table, layer);
    }
    return layer;
  }

  table(name: string): StateTable {
    this.checkOpen();
    let table = this.tables.get(name);
    if (!table) {
      validateTableName(name);
      table = new Table(this, name);
      this.tables.set(name, table);
    }
    return table;
  }

  tableNames(): string[] {
    this.checkOpen();
    return [...new Set([...this.storage.tableNames(), ...this.tables.keys()])].sort();
  }

  pendingWriteCount(): number {
    let count = 0;
    for (const layer of this.pending.values()) count += layer.writes.size;
    return count;
  }

  pendingBytes(): number {
    let bytes = 0;
    for (const layer of this.pending.values()) bytes += layer.bytes;
    return bytes;
  }

  metadata(name: string): Buffer | undefined {
    this.checkOpen();
    return this.storage.metadata(name);
  }

  commit(metadata?: CommitMetadata): CommitOutcome {
    const prepared = this.prepareCommit();
    try {
      return prepared.finish(metadata);
    } catch (error) {
      prepared.abort();
      throw error;
    }
  }

  prepareCommit(): PreparedCommit {
    this.checkOpen();
    if (this.frozen !== null) throw new SluiceError('INTERNAL_ASSERTION', 'prepareCommit: a commit is already in progress');
    const frozen = new Map<string, Layer>();
    for (const [name, layer] of this.pending) if (layer.writes.size > 0) frozen.set(name, layer);
    this.frozen = frozen;
    this.pending = new Map();
    let settled = false;
    const settle = (): void => {
      if (settled) throw new SluiceError('INTERNAL_ASSERTION', 'prepared commit already finished or aborted');
      settled = true;
    };
    return {
      tables: () => [...frozen.keys()],
      writes: (table) => frozen.get(table)?.inOrder() ?? [][Symbol.iterator](),
      writeCount: () => {
        let count = 0;
        for (const layer of frozen.values()) count += layer.writes.size;
        return count;
      },
      finish: (metadata) => {
        this.checkOpen();
        if (settled) throw new SluiceError('INTERNAL_ASSERTION', 'prepared commit already finished or aborted');
        const started = this.clock.monotonicMs();
        const writes = new Map<string, Iterable<PendingWrite>>();
        let count = 0;
        let bytes = 0;
        const sorted = this.storage.sortedWrites;
        for (const [name, layer] of frozen) {
          writes.set(name, sorted ? layer.inOrder() : layer.unordered());
          count += layer.writes.size;
          bytes += layer.bytes;
        }
        this.storage.apply(writes, metadata);
        settle();
        this.frozen = null;
        this.commits++;
        this.committedWrites += count;
        this.lastCommitMs = this.clock.monotonicMs() - started;
        return { writes: count, bytes, durationMs: this.lastCommitMs };
      },
      abort: () => {
        settle();
        if (this.isClosed) return;
        for (const [name, layer] of frozen) {
          const newer = this.pending.get(name);
          if (!newer) {
            this.pending.set(name, layer);
            continue;
          }
          for (const write of layer.unordered()) if (!newer.writes.has(write.id)) newer.set(write.id, write.key, write.value);
        }
        this.frozen = null;
      },
    };
  }

  write(operations: Iterable<WriteOperation>, metadata?: CommitMetadata): CommitOutcome {
    this.checkOpen();
    const started = this.clock.monotonicMs();
    const byTable = new Map<string, PendingWrite[]>();
    let count = 0;
    let bytes = 0;
    for (const operation of operations) {
      this.checkKey(operation.key);
      if (operation.value && operation.value.length > this.limits.valueBytesMax) {
        throw mismatch('STATE_VALUE_TOO_LARGE', `value for table ${operation.table}`, `at most ${this.limits.valueBytesMax} bytes`, `${operation.value.length} bytes`);
      }
      let list = byTable.get(operation.table);
      if (!list) {
        validateTableName(operation.table);
        list = [];
        byTable.set(operation.table, list);
      }
      list.push({ key: operation.key, value: operation.value });
      count++;
      bytes += operation.key.length + (operation.value?.length ?? 0);
    }
    this.storage.apply(byTable, metadata);
    this.commits++;
    this.committedWrites += count;
    this.lastCommitMs = this.clock.monotonicMs() - started;
    return { writes: count, bytes, durationMs: this.lastCommitMs };
  }

  dropTable(name: string): void {
    this.checkOpen();
    if (this.frozen?.has(name)) throw new SluiceError('INTERNAL_ASSERTION', `dropTable ${name}: a commit of its writes is in progress`);
    this.pending.delete(name);
    this.storage.drop(name);
  }

  snapshot(): StateSnapshot {
    this.checkOpen();
    const snapshot = this.storage.snapshot();
    let released = false;
    const check = (): void => {
      if (released) throw new SluiceError('INTERNAL_ASSERTION', 'state snapshot used after release');
      this.checkOpen();
    };
    const reader = (name: string): StateReader => ({
      get: (key) => {
        check();
        return snapshot.get(name, key);
      },
      has: (key) => {
        check();
        return snapshot.get(name, key) !== undefined;
      },
      range: (range = {}) => {
        check();
        const bounds = boundsOf(range);
        const limit = checkLimit(range.limit);
        if (boundsEmpty(bounds)) return limited([][Symbol.iterator](), 0);
        return limited(snapshot.range(name, bounds), limit);
      },
      prefix(prefix, options) {
        return this.range(prefixRange(prefix, options));
      },
    });
    return {
      table: (name) => {
        validateTableName(name);
        return reader(name);
      },
      metadata: (name) => {
        check();
        return snapshot.metadata(name);
      },
      release: () => {
        if (released) return;
        released = true;
        snapshot.release();
      },
    };
  }

  stats(): StateEnvironmentStats {
    this.checkOpen();
    const tables: StateEnvironmentStats['tables'] = {};
    for (const name of this.tableNames()) {
      const layer = this.pending.get(name);
      tables[name] = { committedEntries: this.storage.count(name), pendingWrites: layer?.writes.size ?? 0, pendingBytes: layer?.bytes ?? 0 };
    }
    return {
      backend: this.storage.kind,
      tables,
      sizeBytes: this.storage.sizeBytes(),
      commits: this.commits,
      committedWrites: this.committedWrites,
      lastCommitMs: this.lastCommitMs,
    };
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.pending.clear();
    this.frozen = null;
    try {
      await this.storage.close();
    } finally {
      this.onClose?.();
    }
  }

  async destroy(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.pending.clear();
      this.frozen = null;
      this.onClose?.();
    }
    await this.storage.destroy();
  }
}

