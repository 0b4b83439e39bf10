/** Content-addressed blobs: store interface, hashing, transfer, HTTP endpoint, replication. */
export * from './errors.ts';
export * from './hashing.ts';
export * from './digests.ts';
export * from './blob-store.ts';
export { wasmHashing } from './hashing.wasm.ts';
export { createMemoryBlobStore, type MemoryBlobStore } from './blob-store.memory.ts';
