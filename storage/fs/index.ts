/**
 * storage/fs — the only door from storage (and the engine) to the disk.
 *
 * `FileSystem` is a small synchronous interface (open, positional read/write, append, fsync,
 * truncate, rename, unlink, readdir, mkdir -p, stat, exists, an atomic whole-file replace) with an
 * asynchronous fsync for group commit. `RealFileSystem` maps it onto node:fs. `MemoryFileSystem`
 * keeps files in memory and injects the faults real disks have — writes torn at any byte, data
 * not yet fsynced lost at a crash, ENOSPC, failing fsync — so crash-recovery code can be tested
 * deterministically (TigerBeetle's simulator is the model). Nothing else in storage or engine may
 * import node:fs; a test enforces it.
 */
export type { FileSystem, FileHandle, FileStat, OpenMode } from './types.js';
export { joinPath, parentPath } from './types.js';
export { RealFileSystem } from './real.js';
export { MemoryFileSystem, seededRandom } from './memory.js';
export type { MemoryFileSystemOptions, CrashOptions } from './memory.js';
