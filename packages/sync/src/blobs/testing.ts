/** Blob contract suites and test helpers. */
export { runBlobStoreContract, type BlobStoreSetup } from './blob-store.contract.ts';
export { createMemoryBlobStore, type MemoryBlobStore } from './blob-store.memory.ts';
export { patternBytes } from './pattern-bytes.ts';
