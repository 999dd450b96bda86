import { MemoryStateVolume, openStateEnvironment } from '../../../../storage/state/index.js';
import { stateContract } from './contract.js';

stateContract('memory', () => {
  const volume = new MemoryStateVolume();
  return {
    open: () => openStateEnvironment({ backend: 'memory', volume }),
    wipe: async () => volume.wipe(),
  };
});
