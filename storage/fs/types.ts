/**
 * The FileSystem contract storage code uses instead of node:fs. Everything on the hot path is
 * synchronous (a log append is one `write` call into the page cache; a promise per tiny op would
 * cost more than the op). The one slow operation, `sync` (fsync), also exists as `syncAsync` so
 * that concurrent appends can share one flush (group commit) while the event loop keeps running.
 *
 * Paths are absolute or relative strings joined with '/'. Errors are SluiceErrors:
 * FS_NOT_FOUND (missing file or directory), FS_NO_SPACE (ENOSPC), FS_IO (anything else),
 * FS_CRASHED (the in-memory file system was crashed by a test and not yet restarted).
 */

export type OpenMode =
  /** Read only; the file must exist. */
  | 'read'
  /** Read and write; the file must exist. */
  | 'read-write'
  /** Read and write; created empty if missing, kept as it is if present. */
  | 'create'
  /** Read and write; created empty, or emptied if present. */
  | 'create-truncate';

export interface FileStat {
  sizeBytes: number;
  isDirectory: boolean;
}

export interface FileHandle {
  readonly path: string;
  /** Current size in bytes (tracked by the handle, no system call). */
  sizeBytes(): number;
  /** Writes all of `data` at the end of the file. */
  append(data: Uint8Array): void;
  /** Writes all of `data` at `positionBytes` (may extend the file). */
  write(data: Uint8Array, positionBytes: number): void;
  /**
   * Reads up to `length` bytes at `positionBytes` into `into` at `intoOffset`; returns the bytes
   * read (less than asked only at the end of the file).
   */
  read(into: Uint8Array, intoOffset: number, length: number, positionBytes: number): number;
  /** Makes every byte written so far durable (fdatasync). */
  sync(): void;
  /** Same as sync() off the event loop, so appends can continue meanwhile. */
  syncAsync(): Promise<void>;
  /** Cuts (or extends with zeros) the file to `sizeBytes`. */
  truncate(sizeBytes: number): void;
  close(): void;
}

export interface FileSystem {
  open(path: string, mode: OpenMode): FileHandle;
  /** Whole file contents. */
  readFile(path: string): Buffer;
  /**
   * Replaces a file's contents so that a crash leaves either the old or the new contents:
   * writes `<path>.tmp`, syncs it, renames it over `path` and syncs the directory.
   */
  writeFileAtomic(path: string, data: Uint8Array): void;
  /** Atomic rename; replaces `to` if it exists. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Entry names (not paths), sorted. */
  readdir(path: string): string[];
  /** Creates the directory and its missing parents; does nothing when it exists. */
  mkdirp(path: string): void;
  /** Removes a file or a directory tree; does nothing when it does not exist. */
  removeRecursive(path: string): void;
  /** Makes the directory's entries (creates, renames, unlinks) durable. */
  syncDirectory(path: string): void;
  stat(path: string): FileStat;
  exists(path: string): boolean;
}

/** Joins path parts with '/', the only separator storage code uses. */
export function joinPath(...parts: string[]): string {
  return parts.join('/').replace(/\/{2,}/g, '/');
}

/** The directory part of a path ('' for a bare name). */
export function parentPath(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? (index === 0 ? '/' : '.') : path.slice(0, index);
}
