/** Node blob backends. */
export { nodeHashing, nodeHashing as platformHashing } from './hashing.node.ts';
export { createFsBlobStore, type FsBlobStore, type FsBlobStoreOptions } from './blob-store.fs.ts';
export { toNodeListener } from './blob-http-handler.node.ts';
export { paceGcMarking } from './gc-pacing.node.ts';
