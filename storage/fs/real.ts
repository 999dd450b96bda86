/** The FileSystem over node:fs: synchronous calls for the hot path, fdatasync off-loop for group commit. */
import fs from 'node:fs';
import { SluiceError } from '../../common/index.js';
import type { FileHandle, FileStat, FileSystem, OpenMode } from './types.js';
import { parentPath } from './types.js';

function translate(error: unknown, operation: string, path: string): SluiceError {
  const errno = error as NodeJS.ErrnoException;
  const detail = { operation, path, errno: errno?.code ?? 'unknown' };
  const message = `${operation} ${path}: ${errno?.message ?? String(error)}`;
  if (errno?.code === 'ENOENT') return new SluiceError('FS_NOT_FOUND', message, detail, { cause: error });
  if (errno?.code === 'ENOSPC' || errno?.code === 'EDQUOT') return new SluiceError('FS_NO_SPACE', message, detail, { cause: error });
  return new SluiceError('FS_IO', message, detail, { cause: error });
}

function guard<T>(operation: string, path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof SluiceError) throw error;
    throw translate(error, operation, path);
  }
}

const openFlags: Record<OpenMode, string | number> = {
  read: 'r',
  'read-write': 'r+',
  // Not 'a+': on Linux O_APPEND ignores the position of positional writes.
  create: fs.constants.O_RDWR | fs.constants.O_CREAT,
  'create-truncate': 'w+',
};

class RealFileHandle implements FileHandle {
  private size: number;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly descriptor: number,
  ) {
    this.size = fs.fstatSync(descriptor).size;
  }

  sizeBytes(): number {
    return this.size;
  }

  append(data: Uint8Array): void {
    this.write(data, this.size);
  }

  write(data: Uint8Array, positionBytes: number): void {
    guard('write', this.path, () => {
      let written = 0;
      while (written < data.byteLength) {
        written += fs.writeSync(this.descriptor, data, written, data.byteLength - written, positionBytes + written);
      }
    });
    if (positionBytes + data.byteLength > this.size) this.size = positionBytes + data.byteLength;
  }

  read(into: Uint8Array, intoOffset: number, length: number, positionBytes: number): number {
    return guard('read', this.path, () => {
      let total = 0;
      while (total < length) {
        const count = fs.readSync(this.descriptor, into, intoOffset + total, length - total, positionBytes + total);
        if (count === 0) break;
        total += count;
      }
      return total;
    });
  }

  sync(): void {
    guard('fsync', this.path, () => fs.fdatasyncSync(this.descriptor));
  }

  syncAsync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fdatasync(this.descriptor, (error) => (error ? reject(translate(error, 'fsync', this.path)) : resolve()));
    });
  }

  truncate(sizeBytes: number): void {
    guard('truncate', this.path, () => fs.ftruncateSync(this.descriptor, sizeBytes));
    this.size = sizeBytes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    guard('close', this.path, () => fs.closeSync(this.descriptor));
  }
}

export class RealFileSystem implements FileSystem {
  open(path: string, mode: OpenMode): FileHandle {
    const descriptor = guard('open', path, () => fs.openSync(path, openFlags[mode], 0o644));
    return new RealFileHandle(path, descriptor);
  }

  readFile(path: string): Buffer {
    return guard('readFile', path, () => fs.readFileSync(path));
  }

  writeFileAtomic(path: string, data: Uint8Array): void {
    const temporary = `${path}.tmp`;
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
    guard('rename', from, () => fs.renameSync(from, to));
  }

  unlink(path: string): void {
    guard('unlink', path, () => fs.unlinkSync(path));
  }

  readdir(path: string): string[] {
    return guard('readdir', path, () => fs.readdirSync(path)).sort();
  }

  mkdirp(path: string): void {
    guard('mkdir', path, () => fs.mkdirSync(path, { recursive: true }));
  }

  removeRecursive(path: string): void {
    guard('remove', path, () => fs.rmSync(path, { recursive: true, force: true }));
  }

  syncDirectory(path: string): void {
    guard('fsync directory', path, () => {
      const descriptor = fs.openSync(path, 'r');
      try {
        fs.fsyncSync(descriptor);
      } finally {
        fs.closeSync(descriptor);
      }
    });
  }

  stat(path: string): FileStat {
    const stats = guard('stat', path, () => fs.statSync(path));
    return { sizeBytes: stats.size, isDirectory: stats.isDirectory() };
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }
}
