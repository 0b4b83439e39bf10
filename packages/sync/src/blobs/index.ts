/** Content-addressed blobs: store interface, hashing, transfer, HTTP endpoint, replication. */
export * from './errors.ts';
export * from './hashing.ts';
export * from './digests.ts';
export * from './blob-store.ts';
export { openPartial } from './partial-blob.ts';
export { wasmHashing } from './hashing.wasm.ts';
export { createMemoryBlobStore, type MemoryBlobStore } from './blob-store.memory.ts';
export { createPackIndex, type PackIndex, type PackLocation } from './blob-pack-index.ts';
export * from './blob-protocol.ts';
export * from './blob-manifest.ts';
export {
  createBlobServer,
  DEFAULT_CHUNK,
  type BlobServer,
  type BlobServerOptions,
  type BlobServerNode,
} from './blob-server.ts';
export {
  createBlobClient,
  type BlobClient,
  type BlobClientOptions,
  type FetchOptions,
  type FetchProgress,
  type FetchResult,
  type Holder,
} from './blob-client.ts';
export * from './blob-token.ts';
export * from './blob-http-handler.ts';
export { BLOB_TOKEN_PROTOCOL, serveBlobTokens, requestBlobToken } from './blob-token-protocol.ts';
export * from './scrub.ts';
export * from './pin-policy.ts';
export * from './replicator.ts';
export * from './free-up-space.ts';
export * from './open-blob.ts';
export * from './backup-view.ts';
export { createBlobSession, type BlobSession, type RequestBody } from './blob-session.ts';
