/**
 * The in-memory backend: each table a SortedStringMap of committed entries. Without a volume it
 * starts empty every time (state is then rebuilt from changelogs, like Kafka Streams' in-memory
 * stores). A `MemoryStateVolume` outlives the environments opened on it, so tests can close and
 * reopen (or drop the uncommitted writes of a "crash") and find the committed state again.
 * Snapshots are copy-on-write per table: a commit copies a table only while a snapshot needs its
 * old contents.
 */
import { SluiceError } from '../../common/index.js';
import type { BackendSnapshot, Bounds, StateBackend } from './backend.js';
import { SortedStringMap } from './sorted-map.js';
import type { StringBounds } from './sorted-map.js';
import type { CommitMetadata, PendingWrite, StateEntry } from './types.js';

type TableData = SortedStringMap<StateEntry>;

/** Committed state that survives closing the environments opened on it. */
export class MemoryStateVolume {
  tables = new Map<string, TableData>();
  metadata = new Map<string, Buffer>();
  /** Bytes of keys and values held. */
  sizeBytes = 0;
  inUse = false;

  /** Forgets everything (a lost state directory). */
  wipe(): void {
    if (this.inUse) throw new SluiceError('STATE_IN_USE', 'memory state volume is open; close it before wiping');
    this.tables.clear();
    this.metadata.clear();
    this.sizeBytes = 0;
  }
}

function toStringBounds(bounds: Bounds): StringBounds {
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

function* entriesOf(table: TableData | undefined, bounds: Bounds): Generator<StateEntry> {
  if (!table) return;
  for (const [, entry] of table.entries(toStringBounds(bounds))) yield entry;
}

function copyTable(table: TableData): TableData {
  const copy = new SortedStringMap<StateEntry>();
  for (const [id, entry] of table.entries()) copy.set(id, entry);
  return copy;
}

interface LiveSnapshot {
  /** Tables copied before a commit changed them; absent tables read the live volume. */
  copies: Map<string, TableData | undefined>;
  metadata: Map<string, Buffer> | null;
}

export class MemoryBackend implements StateBackend {
  readonly kind = 'memory' as const;
  readonly sortedWrites = false;
  readonly path = null;
  private readonly snapshots = new Set<LiveSnapshot>();

  constructor(private readonly volume: MemoryStateVolume) {
    if (volume.inUse) throw new SluiceError('STATE_IN_USE', 'memory state volume is already open');
    volume.inUse = true;
  }

  get(table: string, key: Buffer): Buffer | undefined {
    const data = this.volume.tables.get(table);
    return data?.get(key.toString('latin1'))?.value;
  }

  range(table: string, bounds: Bounds): Iterator<StateEntry> {
    return entriesOf(this.volume.tables.get(table), bounds);
  }

  metadata(name: string): Buffer | undefined {
    return this.volume.metadata.get(name);
  }

  count(table: string): number {
    return this.volume.tables.get(table)?.size ?? 0;
  }

  tableNames(): string[] {
    return [...this.volume.tables.keys()];
  }

  private beforeChange(table: string): void {
    for (const snapshot of this.snapshots) {
      if (snapshot.copies.has(table)) continue;
      const live = this.volume.tables.get(table);
      snapshot.copies.set(table, live ? copyTable(live) : undefined);
    }
  }

  apply(writes: ReadonlyMap<string, Iterable<PendingWrite>>, metadata: CommitMetadata | undefined): void {
    const volume = this.volume;
    for (const [name, list] of writes) {
      this.beforeChange(name);
      let table = volume.tables.get(name);
      if (!table) {
        table = new SortedStringMap<StateEntry>();
        volume.tables.set(name, table);
      }
      for (const write of list) {
        const id = (write as { id?: string }).id ?? write.key.toString('latin1');
        const previous = table.get(id);
        if (previous) volume.sizeBytes -= previous.key.length + previous.value.length;
        if (write.value === null) table.delete(id);
        else {
          table.set(id, { key: write.key, value: write.value });
          volume.sizeBytes += write.key.length + write.value.length;
        }
      }
    }
    if (metadata && metadata.size > 0) {
      for (const snapshot of this.snapshots) if (!snapshot.metadata) snapshot.metadata = new Map(volume.metadata);
      for (const [name, value] of metadata) {
        if (value === null) volume.metadata.delete(name);
        else volume.metadata.set(name, value);
      }
    }
  }

  drop(table: string): void {
    this.beforeChange(table);
    const data = this.volume.tables.get(table);
    if (!data) return;
    for (const entry of data.values()) this.volume.sizeBytes -= entry.key.length + entry.value.length;
    this.volume.tables.delete(table);
  }

  snapshot(): BackendSnapshot {
    const live: LiveSnapshot = { copies: new Map(), metadata: null };
    this.snapshots.add(live);
    const tableOf = (name: string): TableData | undefined => (live.copies.has(name) ? live.copies.get(name) : this.volume.tables.get(name));
    return {
      get: (table, key) => tableOf(table)?.get(key.toString('latin1'))?.value,
      range: (table, bounds) => entriesOf(tableOf(table), bounds),
      metadata: (name) => (live.metadata ?? this.volume.metadata).get(name),
      release: () => {
        this.snapshots.delete(live);
      },
    };
  }

  sizeBytes(): number {
    return this.volume.sizeBytes;
  }

  async close(): Promise<void> {
    this.snapshots.clear();
    this.volume.inUse = false;
  }

  async destroy(): Promise<void> {
    await this.close();
    this.volume.wipe();
  }
}
