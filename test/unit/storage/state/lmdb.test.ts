import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { RealFileSystem } from '../../../../storage/fs/index.js';
import { openStateEnvironment, stateDirectory } from '../../../../storage/state/index.js';
import { stateContract } from './contract.js';

const root = mkdtempSync(path.join(tmpdir(), 'sluice-state-'));
const fs = new RealFileSystem();
let counter = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

stateContract('lmdb', () => {
  const directory = stateDirectory(root, 'app', `task-${counter++}`);
  return {
    open: () => openStateEnvironment({ backend: 'lmdb', path: directory, fs, durable: false }),
    wipe: async () => fs.removeRecursive(directory),
  };
});
