import { directoryStateContract } from './contract.js';

directoryStateContract('lmdb');
