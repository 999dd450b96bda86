import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import { RealFileSystem } from '../../../../storage/fs/index.js';
import { openStateEnvironment, stateDirectory } from '../../../../storage/state/index.js';
import { loadRocksdbBinding } from '../../../../storage/state/rocksdb.js';
import { directoryStateContract } from './contract.js';

directoryStateContract('rocksdb');

const root = mkdtempSync(path.join(tmpdir(), 'sluice-rocksdb-'));
const fs = new RealFileSystem();
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('rocksdb backend', () => {
  it('refuses a platform without a prebuilt binding with a coded error that names the way out', () => {
    let caught: unknown;
    try {
      loadRocksdbBinding(() => {
        throw new Error('No native build was found for platform=linux arch=riscv64 runtime=node abi=115 uv=1 libc=glibc node=20.19.0\n    loaded from: x');
      });
    } catch (error) {
      caught = error;
    }
    expect(isSluiceError(caught) && caught.code).toBe('CONFIG_INVALID');
    expect((caught as Error).message).toMatch(/rocksdb state backend is not available on .*No native build was found .*use the lmdb state backend/);
  });

  it('keeps every commit of a durable environment, with exact counts across overwrites and deletes', async () => {
    const directory = stateDirectory(root, 'durable', 'task');
    let environment = openStateEnvironment({ backend: 'rocksdb', path: directory, fs });
    const table = environment.table('t');
    for (let index = 0; index < 3000; index++) table.put(Buffer.from(`k${index}`), Buffer.from(`v${index}`));
    environment.commit(new Map([['offset', Buffer.from('3000')]]));
    expect(table.committedEntries()).toBe(3000);
    // counted from here on: overwrites, deletes of present and absent keys, a key written twice
    environment.write(
      [
        { table: 't', key: Buffer.from('k1'), value: Buffer.from('x') },
        { table: 't', key: Buffer.from('k2'), value: null },
        { table: 't', key: Buffer.from('absent'), value: null },
        { table: 't', key: Buffer.from('new'), value: Buffer.from('1') },
        { table: 't', key: Buffer.from('new'), value: Buffer.from('2') },
        { table: 't', key: Buffer.from('gone'), value: Buffer.from('1') },
        { table: 't', key: Buffer.from('gone'), value: null },
      ],
      new Map([['offset', Buffer.from('3001')]]),
    );
    expect(table.committedEntries()).toBe(3000);
    await environment.close();
    environment = openStateEnvironment({ backend: 'rocksdb', path: directory, fs });
    expect(environment.metadata('offset')?.toString()).toBe('3001');
    expect(environment.table('t').committedEntries()).toBe(3000);
    expect(environment.table('t').get(Buffer.from('new'))?.toString()).toBe('2');
    expect([...environment.table('t').range({ gte: Buffer.from('k2'), lt: Buffer.from('k3') })].length).toBe(1110);
    expect([...environment.table('t').range({ reverse: true })].length).toBe(3000);
    await environment.destroy();
  });

  it('refuses a directory another process holds open with STATE_IN_USE', async () => {
    const directory = stateDirectory(root, 'locked', 'task');
    fs.mkdirp(directory);
    const holder = spawn(
      process.execPath,
      ['-e', "new (require('@nxtedition/rocksdb').RocksLevel)(process.argv[1]).open({ createIfMissing: true }).then(() => { console.log('ready'); setInterval(() => {}, 1000); })", directory],
      { cwd: path.resolve(import.meta.dirname, '../../../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (data: Buffer) => data.toString().includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      let caught: unknown;
      try {
        openStateEnvironment({ backend: 'rocksdb', path: directory, fs });
      } catch (error) {
        caught = error;
      }
      expect(isSluiceError(caught) && caught.code).toBe('STATE_IN_USE');
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((resolve) => holder.once('exit', resolve));
    // the lock went with the process: the directory opens now
    const environment = openStateEnvironment({ backend: 'rocksdb', path: directory, fs });
    await environment.destroy();
  });
});
