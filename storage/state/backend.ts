/**
 * What a backend provides to the environment (environment.ts), which adds the pending-write
 * layers on top: committed data only, atomic application of a set of writes plus metadata.
 */
import { SluiceError } from '../../common/index.js';
import type { CommitMetadata, KeyRange, PendingWrite, StateBackendKind, StateEntry } from './types.js';

/** Normalized bounds: one lower and one upper bound at most. */
export interface Bounds {
  lower?: { key: Buffer; inclusive: boolean };
  upper?: { key: Buffer; inclusive: boolean };
  reverse: boolean;
}

export function boundsOf(range: KeyRange): Bounds {
  const bounds: Bounds = { reverse: range.reverse === true };
  if (range.gt !== undefined && range.gte !== undefined) {
    bounds.lower = Buffer.compare(range.gt, range.gte) >= 0 ? { key: range.gt, inclusive: false } : { key: range.gte, inclusive: true };
  } else if (range.gt !== undefined) bounds.lower = { key: range.gt, inclusive: false };
  else if (range.gte !== undefined) bounds.lower = { key: range.gte, inclusive: true };
  if (range.lt !== undefined && range.lte !== undefined) {
    bounds.upper = Buffer.compare(range.lt, range.lte) <= 0 ? { key: range.lt, inclusive: false } : { key: range.lte, inclusive: true };
  } else if (range.lt !== undefined) bounds.upper = { key: range.lt, inclusive: false };
  else if (range.lte !== undefined) bounds.upper = { key: range.lte, inclusive: true };
  return bounds;
}

/** True when no key can fall within the bounds. */
export function boundsEmpty(bounds: Bounds): boolean {
  if (!bounds.lower || !bounds.upper) return false;
  const order = Buffer.compare(bounds.lower.key, bounds.upper.key);
  return order > 0 || (order === 0 && !(bounds.lower.inclusive && bounds.upper.inclusive));
}

export interface BackendReader {
  get(table: string, key: Buffer): Buffer | undefined;
  range(table: string, bounds: Bounds): Iterator<StateEntry>;
  metadata(name: string): Buffer | undefined;
}

export interface BackendSnapshot extends BackendReader {
  release(): void;
}

export interface StateBackend extends BackendReader {
  readonly kind: StateBackendKind;
  readonly path: string | null;
  /** `apply` is faster with each table's writes in key order (lmdb's B-tree); else any order. */
  readonly sortedWrites: boolean;
  count(table: string): number;
  tableNames(): string[];
  /** Applies the writes of every table and the metadata in one transaction. */
  apply(writes: ReadonlyMap<string, Iterable<PendingWrite>>, metadata: CommitMetadata | undefined): void;
  /** Removes a table and its data in one transaction. */
  drop(table: string): void;
  snapshot(): BackendSnapshot;
  sizeBytes(): number;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** Directories of on-disk backends open in this process: one environment per directory. */
const openDirectories = new Set<string>();

/** Claims `path` for one backend object; STATE_IN_USE if it is already open in this process. */
export function claimDirectory(path: string): void {
  if (openDirectories.has(path)) throw new SluiceError('STATE_IN_USE', `state directory ${path} is already open in this process`, { path });
  openDirectories.add(path);
}

export function releaseDirectory(path: string): void {
  openDirectories.delete(path);
}

/** A native store's failure as STATE_IO (coded errors pass through). */
export function backendIoError(backend: string, action: string, path: string, error: unknown): SluiceError {
  if (error instanceof SluiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SluiceError('STATE_IO', `${backend} ${action} in ${path} failed: ${message}`, { path }, { cause: error });
}
