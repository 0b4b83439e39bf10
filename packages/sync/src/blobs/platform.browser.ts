/** Browser blob backends. */
export { wasmHashing as platformHashing } from './hashing.wasm.ts';
export { createIdbBlobStore, type IdbBlobStoreOptions } from './blob-store.idb.ts';
