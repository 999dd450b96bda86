import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import { MemoryFileSystem, RealFileSystem, joinPath, seededRandom } from '../../../../storage/fs/index.js';
import type { FileSystem } from '../../../../storage/fs/index.js';

const realRoot = mkdtempSync(path.join(os.tmpdir(), 'sluice-fs-'));
afterAll(() => rmSync(realRoot, { recursive: true, force: true }));

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return isSluiceError(error) ? error.code : `not a SluiceError: ${String(error)}`;
  }
  return 'nothing thrown';
}

const implementations: Array<[string, () => { fs: FileSystem; root: string }]> = [
  ['MemoryFileSystem', () => ({ fs: new MemoryFileSystem(), root: '/data' })],
  ['RealFileSystem', () => ({ fs: new RealFileSystem(), root: mkdtempSync(path.join(realRoot, 'case-')) })],
];

describe.each(implementations)('%s', (_name, make) => {
  it('creates directories, writes, appends, reads at positions, truncates', () => {
    const { fs, root } = make();
    fs.mkdirp(joinPath(root, 'a/b'));
    const file = fs.open(joinPath(root, 'a/b/file'), 'create');
    expect(file.sizeBytes()).toBe(0);
    file.append(Buffer.from('hello '));
    file.append(Buffer.from('world'));
    file.write(Buffer.from('W'), 6);
    expect(file.sizeBytes()).toBe(11);
    const into = Buffer.alloc(20);
    expect(file.read(into, 0, 20, 0)).toBe(11);
    expect(into.toString('utf8', 0, 11)).toBe('hello World');
    expect(file.read(into, 2, 3, 6)).toBe(3);
    expect(into.toString('utf8', 2, 5)).toBe('Wor');
    file.truncate(5);
    file.sync();
    expect(file.sizeBytes()).toBe(5);
    file.close();
    expect(fs.readFile(joinPath(root, 'a/b/file')).toString()).toBe('hello');
    expect(fs.stat(joinPath(root, 'a/b/file'))).toEqual({ sizeBytes: 5, isDirectory: false });
    expect(fs.stat(joinPath(root, 'a')).isDirectory).toBe(true);
  });

  it('renames, lists, unlinks, removes trees, replaces files atomically', async () => {
    const { fs, root } = make();
    fs.mkdirp(joinPath(root, 'dir'));
    fs.writeFileAtomic(joinPath(root, 'dir/x.json'), Buffer.from('{"a":1}'));
    fs.writeFileAtomic(joinPath(root, 'dir/x.json'), Buffer.from('{"a":2}'));
    expect(fs.readFile(joinPath(root, 'dir/x.json')).toString()).toBe('{"a":2}');
    const handle = fs.open(joinPath(root, 'dir/y'), 'create-truncate');
    handle.append(Buffer.from('y'));
    await handle.syncAsync();
    handle.close();
    expect(fs.readdir(joinPath(root, 'dir'))).toEqual(['x.json', 'y']);
    fs.rename(joinPath(root, 'dir/y'), joinPath(root, 'dir/z'));
    expect(fs.exists(joinPath(root, 'dir/y'))).toBe(false);
    expect(fs.readdir(joinPath(root, 'dir'))).toEqual(['x.json', 'z']);
    fs.unlink(joinPath(root, 'dir/z'));
    fs.syncDirectory(joinPath(root, 'dir'));
    expect(codeOf(() => fs.unlink(joinPath(root, 'dir/z')))).toBe('FS_NOT_FOUND');
    expect(codeOf(() => fs.open(joinPath(root, 'dir/missing'), 'read'))).toBe('FS_NOT_FOUND');
    expect(codeOf(() => fs.readdir(joinPath(root, 'nope')))).toBe('FS_NOT_FOUND');
    fs.removeRecursive(joinPath(root, 'dir'));
    expect(fs.exists(joinPath(root, 'dir'))).toBe(false);
    fs.removeRecursive(joinPath(root, 'dir')); // absent: no error
  });

  it('create-truncate empties an existing file; create keeps it', () => {
    const { fs, root } = make();
    fs.mkdirp(root);
    const first = fs.open(joinPath(root, 'f'), 'create');
    first.append(Buffer.from('abc'));
    first.close();
    expect(fs.open(joinPath(root, 'f'), 'create').sizeBytes()).toBe(3);
    expect(fs.open(joinPath(root, 'f'), 'create-truncate').sizeBytes()).toBe(0);
  });
});

describe('MemoryFileSystem faults', () => {
  function setUp(): { fs: MemoryFileSystem; write: (text: string) => void; sync: () => void; path: string } {
    const fs = new MemoryFileSystem({ random: seededRandom(7) });
    fs.mkdirp('/d');
    const handle = fs.open('/d/f', 'create');
    return { fs, write: (text) => handle.append(Buffer.from(text)), sync: () => handle.sync(), path: '/d/f' };
  }

  it('a crash keeps synced bytes and drops unsynced ones', () => {
    const { fs, write, sync, path } = setUp();
    write('durable');
    sync();
    write('-lost');
    expect(fs.readFile(path).toString()).toBe('durable-lost');
    fs.crash({ unsynced: 'none' });
    expect(fs.readFile(path).toString()).toBe('durable');
  });

  it('a crash may keep a prefix of unsynced writes, the last possibly torn', () => {
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const fs = new MemoryFileSystem({ random: seededRandom(seed) });
      fs.mkdirp('/d');
      const handle = fs.open('/d/f', 'create');
      handle.append(Buffer.from('AAAA'));
      handle.sync();
      handle.append(Buffer.from('BBBB'));
      handle.append(Buffer.from('CCCC'));
      fs.crash();
      const text = fs.readFile('/d/f').toString();
      expect('AAAABBBBCCCC'.startsWith(text)).toBe(true);
      expect(text.length).toBeGreaterThanOrEqual(4);
      outcomes.add(text);
    }
    expect(outcomes.size).toBeGreaterThan(3);
  });

  it('crashAtWrite tears the chosen write, fails everything after, and handles die at crash()', () => {
    const { fs, write, sync, path } = setUp();
    write('abc');
    sync();
    fs.crashAtWrite(2, 2);
    write('def');
    expect(codeOf(() => write('ghij'))).toBe('FS_CRASHED');
    expect(fs.isCrashed()).toBe(true);
    expect(codeOf(() => write('k'))).toBe('FS_CRASHED');
    expect(codeOf(() => fs.readdir('/d'))).toBe('FS_CRASHED');
    fs.crash({ unsynced: 'all' });
    expect(fs.readFile(path).toString()).toBe('abcdefgh');
    expect(codeOf(() => sync())).toBe('FS_CRASHED'); // the old handle belongs to the old generation
    const reopened = fs.open(path, 'read-write');
    reopened.append(Buffer.from('!'));
    expect(fs.readFile(path).toString()).toBe('abcdefgh!');
  });

  it('ENOSPC writes what fits and throws; failing fsync throws FS_IO', () => {
    const { fs, write, sync, path } = setUp();
    fs.failWithNoSpaceAfterBytes(5);
    write('abc');
    expect(codeOf(() => write('defg'))).toBe('FS_NO_SPACE');
    expect(fs.readFile(path).toString()).toBe('abcde');
    fs.clearNoSpace();
    write('x');
    fs.failNextSyncs(1);
    expect(codeOf(() => sync())).toBe('FS_IO');
    sync();
    expect(fs.syncCount).toBe(2);
  });

  it('a file created and never synced comes back empty', () => {
    const fs = new MemoryFileSystem();
    fs.mkdirp('/d');
    fs.open('/d/new', 'create').append(Buffer.from('data'));
    fs.crash({ unsynced: 'none' });
    expect(fs.exists('/d/new')).toBe(true);
    expect(fs.readFile('/d/new').length).toBe(0);
  });
});
