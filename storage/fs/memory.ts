/**
 * An in-memory FileSystem for tests, with the faults a disk really has:
 *
 * - Lost unsynced data: every file keeps its durable contents (as of its last sync) apart from
 *   the writes made since. `crash()` is a power loss: each file comes back as its durable
 *   contents plus a random prefix of its later writes, the last of which may be torn at a random
 *   byte. Handles opened before the crash then fail with FS_CRASHED.
 * - A crash in the middle of a write: `crashAtWrite(n, tornBytes)` makes the n-th write from now
 *   apply only its first `tornBytes` bytes and then fail with FS_CRASHED, as does everything after
 *   it, until the test calls `crash()` and reopens.
 * - ENOSPC: `failWithNoSpaceAfterBytes(n)` lets n more bytes be written; the write that crosses
 *   the budget writes what fits and throws FS_NO_SPACE.
 * - EIO on fsync: `failNextSyncs(n)`.
 *
 * Directory operations (create, rename, unlink) are durable at once; file contents are durable
 * only after a sync. That is the ordering a journaling file system with data=ordered gives.
 */
import { SluiceError, assert } from '../../common/index.js';
import type { FileHandle, FileStat, FileSystem, OpenMode } from './types.js';
import { parentPath } from './types.js';

/** A deterministic random source (mulberry32) for reproducible fault schedules. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Bytes {
  buffer: Buffer;
  length: number;

  constructor(initialCapacity = 256) {
    this.buffer = Buffer.alloc(initialCapacity);
    this.length = 0;
  }

  static copyOf(other: Bytes): Bytes {
    const copy = new Bytes(Math.max(256, other.length));
    other.buffer.copy(copy.buffer, 0, 0, other.length);
    copy.length = other.length;
    return copy;
  }

  private ensureCapacity(capacity: number): void {
    if (capacity <= this.buffer.length) return;
    let next = this.buffer.length * 2;
    while (next < capacity) next *= 2;
    const grown = Buffer.alloc(next);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  write(data: Uint8Array, position: number): void {
    this.ensureCapacity(position + data.byteLength);
    if (position > this.length) this.buffer.fill(0, this.length, position);
    this.buffer.set(data, position);
    this.length = Math.max(this.length, position + data.byteLength);
  }

  truncate(size: number): void {
    this.ensureCapacity(size);
    if (size > this.length) this.buffer.fill(0, this.length, size);
    this.length = size;
  }
}

type PendingOperation = { kind: 'write'; positionBytes: number; data: Buffer } | { kind: 'truncate'; sizeBytes: number };

class MemoryFile {
  content = new Bytes();
  durable = new Bytes();
  pending: PendingOperation[] = [];

  apply(operation: PendingOperation, target: Bytes): void {
    if (operation.kind === 'write') target.write(operation.data, operation.positionBytes);
    else target.truncate(operation.sizeBytes);
  }

  record(operation: PendingOperation): void {
    this.apply(operation, this.content);
    this.pending.push(operation);
  }

  sync(): void {
    for (const operation of this.pending) this.apply(operation, this.durable);
    this.pending = [];
  }
}

export interface MemoryFileSystemOptions {
  /** Random source for crash outcomes; default seededRandom(1). */
  random?: () => number;
}

export interface CrashOptions {
  /** What survives of the writes not yet synced: none, all, or (default) a random prefix per file whose last write may be torn. */
  unsynced?: 'none' | 'all' | 'random-prefix';
}

export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, MemoryFile>();
  private readonly directories = new Set<string>(['/', '.']);
  private random: () => number;
  /** Increases at every crash; handles from an older generation fail. */
  generation = 0;
  private crashed = false;
  private crashAtWriteNumber = -1;
  private crashTornBytes = 0;
  private noSpaceBudgetBytes = -1;
  private failingSyncs = 0;
  /** Counters, for tests that pick a write to crash at. */
  writeCount = 0;
  bytesWritten = 0;
  syncCount = 0;

  constructor(options: MemoryFileSystemOptions = {}) {
    this.random = options.random ?? seededRandom(1);
  }

  // ---- fault injection ----

  /** The `writesFromNow`-th write from now (1 = the next) applies `tornBytes` bytes, then the disk "crashes". */
  crashAtWrite(writesFromNow: number, tornBytes: number): void {
    assert(writesFromNow >= 1, 'crashAtWrite counts from 1');
    this.crashAtWriteNumber = this.writeCount + writesFromNow;
    this.crashTornBytes = tornBytes;
  }

  failWithNoSpaceAfterBytes(bytes: number): void {
    this.noSpaceBudgetBytes = bytes;
  }

  clearNoSpace(): void {
    this.noSpaceBudgetBytes = -1;
  }

  failNextSyncs(count: number): void {
    this.failingSyncs = count;
  }

  setRandom(random: () => number): void {
    this.random = random;
  }

  /** Power loss: unsynced data is (partly) lost; the file system is usable again afterwards. */
  crash(options: CrashOptions = {}): void {
    const unsynced = options.unsynced ?? 'random-prefix';
    for (const file of this.files.values()) {
      const survivor = Bytes.copyOf(file.durable);
      const kept = unsynced === 'none' ? 0 : unsynced === 'all' ? file.pending.length : Math.floor(this.random() * (file.pending.length + 1));
      for (let index = 0; index < kept; index++) {
        let operation = file.pending[index]!;
        const isLast = index === kept - 1;
        if (isLast && unsynced === 'random-prefix' && operation.kind === 'write' && this.random() < 0.5) {
          operation = { ...operation, data: operation.data.subarray(0, Math.floor(this.random() * operation.data.length)) };
        }
        file.apply(operation, survivor);
      }
      file.content = survivor;
      file.durable = Bytes.copyOf(survivor);
      file.pending = [];
    }
    this.generation++;
    this.crashed = false;
    this.crashAtWriteNumber = -1;
    this.noSpaceBudgetBytes = -1;
    this.failingSyncs = 0;
  }

  isCrashed(): boolean {
    return this.crashed;
  }

  // ---- internals used by handles ----

  checkAlive(generation: number, path: string): void {
    if (this.crashed || generation !== this.generation) {
      throw new SluiceError('FS_CRASHED', `${path}: the disk crashed (simulated); reopen after crash()`, { path });
    }
  }

  writeTo(file: MemoryFile, path: string, data: Uint8Array, positionBytes: number): void {
    this.writeCount++;
    let payload = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.writeCount === this.crashAtWriteNumber) {
      const torn = Math.max(0, Math.min(this.crashTornBytes, payload.length));
      if (torn > 0) file.record({ kind: 'write', positionBytes, data: Buffer.from(payload.subarray(0, torn)) });
      this.crashed = true;
      throw new SluiceError('FS_CRASHED', `${path}: simulated crash during a write (${torn} of ${payload.length} bytes written)`, { path });
    }
    let noSpace = false;
    if (this.noSpaceBudgetBytes >= 0 && payload.length > this.noSpaceBudgetBytes) {
      payload = payload.subarray(0, this.noSpaceBudgetBytes);
      noSpace = true;
    }
    if (payload.length > 0) file.record({ kind: 'write', positionBytes, data: Buffer.from(payload) });
    this.bytesWritten += payload.length;
    if (this.noSpaceBudgetBytes >= 0) this.noSpaceBudgetBytes -= payload.length;
    if (noSpace) throw new SluiceError('FS_NO_SPACE', `${path}: no space left on device (simulated)`, { path });
  }

  syncFile(file: MemoryFile, path: string): void {
    this.syncCount++;
    if (this.failingSyncs > 0) {
      this.failingSyncs--;
      throw new SluiceError('FS_IO', `${path}: fsync failed (simulated EIO)`, { path });
    }
    file.sync();
  }

  // ---- FileSystem ----

  private normalize(path: string): string {
    const normalized = path.replace(/\/{2,}/g, '/');
    return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
  }

  private guardAlive(path: string): void {
    this.checkAlive(this.generation, path);
  }

  private requireParent(path: string): void {
    const parent = parentPath(path);
    if (!this.directories.has(parent)) throw new SluiceError('FS_NOT_FOUND', `${path}: no such directory ${parent}`, { path });
  }

  open(path: string, mode: OpenMode): FileHandle {
    path = this.normalize(path);
    this.guardAlive(path);
    let file = this.files.get(path);
    if (!file) {
      if (mode === 'read' || mode === 'read-write') throw new SluiceError('FS_NOT_FOUND', `open ${path}: no such file`, { path });
      this.requireParent(path);
      if (this.directories.has(path)) throw new SluiceError('FS_IO', `open ${path}: is a directory`, { path });
      file = new MemoryFile();
      this.files.set(path, file);
    } else if (mode === 'create-truncate') {
      file.record({ kind: 'truncate', sizeBytes: 0 });
    }
    return new MemoryFileHandle(this, file, path, this.generation, mode === 'read');
  }

  readFile(path: string): Buffer {
    path = this.normalize(path);
    this.guardAlive(path);
    const file = this.files.get(path);
    if (!file) throw new SluiceError('FS_NOT_FOUND', `readFile ${path}: no such file`, { path });
    return Buffer.from(file.content.buffer.subarray(0, file.content.length));
  }

  writeFileAtomic(path: string, data: Uint8Array): void {
    const temporary = `${this.normalize(path)}.tmp`;
    const handle = this.open(temporary, 'create-truncate');
    try {
      handle.write(data, 0);
      handle.sync();
    } finally {
      handle.close();
    }
    this.rename(temporary, path);
    this.syncDirectory(parentPath(path));
  }

  rename(from: string, to: string): void {
    from = this.normalize(from);
    to = this.normalize(to);
    this.guardAlive(from);
    const file = this.files.get(from);
    if (file) {
      this.requireParent(to);
      this.files.delete(from);
      this.files.set(to, file);
      return;
    }
    if (!this.directories.has(from)) throw new SluiceError('FS_NOT_FOUND', `rename ${from}: no such file or directory`, { path: from });
    this.requireParent(to);
    if (this.directories.has(to) || this.files.has(to)) throw new SluiceError('FS_IO', `rename ${from} -> ${to}: target exists`, { path: to });
    const prefix = `${from}/`;
    for (const directory of [...this.directories]) {
      if (directory === from || directory.startsWith(prefix)) {
        this.directories.delete(directory);
        this.directories.add(to + directory.slice(from.length));
      }
    }
    for (const [name, entry] of [...this.files]) {
      if (name.startsWith(prefix)) {
        this.files.delete(name);
        this.files.set(to + name.slice(from.length), entry);
      }
    }
  }

  unlink(path: string): void {
    path = this.normalize(path);
    this.guardAlive(path);
    if (!this.files.delete(path)) throw new SluiceError('FS_NOT_FOUND', `unlink ${path}: no such file`, { path });
  }

  readdir(path: string): string[] {
    path = this.normalize(path);
    this.guardAlive(path);
    if (!this.directories.has(path)) throw new SluiceError('FS_NOT_FOUND', `readdir ${path}: no such directory`, { path });
    const prefix = path === '/' ? '/' : `${path}/`;
    const names = new Set<string>();
    for (const name of [...this.files.keys(), ...this.directories]) {
      if (name.startsWith(prefix) && name.length > prefix.length) {
        const rest = name.slice(prefix.length);
        if (!rest.includes('/')) names.add(rest);
      }
    }
    return [...names].sort();
  }

  mkdirp(path: string): void {
    path = this.normalize(path);
    this.guardAlive(path);
    const parts = path.split('/');
    let current = '';
    for (let index = 0; index < parts.length; index++) {
      current = index === 0 ? parts[0]! : `${current}/${parts[index]}`;
      if (current === '') continue;
      if (this.files.has(current)) throw new SluiceError('FS_IO', `mkdir ${current}: a file exists there`, { path: current });
      this.directories.add(current);
    }
  }

  removeRecursive(path: string): void {
    path = this.normalize(path);
    this.guardAlive(path);
    this.files.delete(path);
    this.directories.delete(path);
    const prefix = `${path}/`;
    for (const name of [...this.files.keys()]) if (name.startsWith(prefix)) this.files.delete(name);
    for (const name of [...this.directories]) if (name.startsWith(prefix)) this.directories.delete(name);
  }

  syncDirectory(path: string): void {
    this.guardAlive(this.normalize(path));
  }

  stat(path: string): FileStat {
    path = this.normalize(path);
    this.guardAlive(path);
    const file = this.files.get(path);
    if (file) return { sizeBytes: file.content.length, isDirectory: false };
    if (this.directories.has(path)) return { sizeBytes: 0, isDirectory: true };
    throw new SluiceError('FS_NOT_FOUND', `stat ${path}: no such file or directory`, { path });
  }

  exists(path: string): boolean {
    path = this.normalize(path);
    return this.files.has(path) || this.directories.has(path);
  }

  /** Total bytes held in files (for tests about retention and compaction). */
  totalBytes(prefix = ''): number {
    let total = 0;
    for (const [name, file] of this.files) if (name.startsWith(prefix)) total += file.content.length;
    return total;
  }
}

class MemoryFileHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly fileSystem: MemoryFileSystem,
    private readonly file: MemoryFile,
    readonly path: string,
    private readonly generation: number,
    private readonly readOnly: boolean,
  ) {}

  private check(): void {
    if (this.closed) throw new SluiceError('FS_IO', `${this.path}: handle is closed`, { path: this.path });
    this.fileSystem.checkAlive(this.generation, this.path);
  }

  private checkWritable(): void {
    this.check();
    if (this.readOnly) throw new SluiceError('FS_IO', `${this.path}: opened read-only`, { path: this.path });
  }

  sizeBytes(): number {
    return this.file.content.length;
  }

  append(data: Uint8Array): void {
    this.write(data, this.file.content.length);
  }

  write(data: Uint8Array, positionBytes: number): void {
    this.checkWritable();
    this.fileSystem.writeTo(this.file, this.path, data, positionBytes);
  }

  read(into: Uint8Array, intoOffset: number, length: number, positionBytes: number): number {
    this.check();
    const available = Math.max(0, Math.min(length, this.file.content.length - positionBytes));
    if (available > 0) into.set(this.file.content.buffer.subarray(positionBytes, positionBytes + available), intoOffset);
    return available;
  }

  sync(): void {
    this.check();
    this.fileSystem.syncFile(this.file, this.path);
  }

  syncAsync(): Promise<void> {
    try {
      this.sync();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  truncate(sizeBytes: number): void {
    this.checkWritable();
    this.file.record({ kind: 'truncate', sizeBytes });
  }

  close(): void {
    this.closed = true;
  }
}
