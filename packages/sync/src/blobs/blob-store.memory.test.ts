import { createMemoryBlobStore } from './blob-store.memory.ts';
import { runBlobStoreContract } from './blob-store.contract.ts';

runBlobStoreContract('memory', async () => {
  const store = createMemoryBlobStore();
  await store.start();
  return { store };
});
