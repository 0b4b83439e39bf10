import 'fake-indexeddb/auto';
import { createIdbBlobStore } from './blob-store.idb.ts';
import { runBlobStoreContract } from './blob-store.contract.ts';

let n = 0;
runBlobStoreContract('indexeddb (fake-indexeddb)', async () => {
  // A small chunk size so the contract's blobs span many chunk records.
  const store = createIdbBlobStore({ name: `blobs-${n++}`, chunkSize: 64 * 1024 });
  await store.start();
  return { store };
});
