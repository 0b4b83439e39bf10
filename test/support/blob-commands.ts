/**
 * Blob commands for peer processes: hold blobs in a memory store and serve them over
 * `/hearth/blob/2` to paired peers (a device whose originals a home node pulls).
 */
import { readFile } from 'node:fs/promises';
import {
  createBlobClient,
  createBlobServer,
  createMemoryBlobStore,
  type BlobHash,
  type BlobStore,
} from '@hearth/sync';
import { nodeHashing } from '@hearth/sync/platform';
import { patternBytes } from '@hearth/sync/testing';
import type { CommandHandler, PeerContext } from './peer-context.ts';

function storeOf(ctx: PeerContext): BlobStore {
  let s = ctx.extra['blobs'] as BlobStore | undefined;
  if (!s) {
    s = createMemoryBlobStore({ hashing: nodeHashing });
    ctx.extra['blobs'] = s;
  }
  return s;
}

export const blobCommands: Record<string, CommandHandler> = {
  /** Serves the peer's blobs to paired peers. */
  async 'blob-serve'(ctx) {
    const server = createBlobServer({
      node: ctx.node,
      store: storeOf(ctx),
      access: ctx.access,
      hashing: nodeHashing,
    });
    await server.start();
    return true;
  },

  /** Fetches a blob from whichever connected paired peer has it; returns { hash, size, from }. */
  async 'blob-fetch'(ctx, args) {
    const client = createBlobClient({
      node: ctx.node,
      store: storeOf(ctx),
      access: ctx.access,
      hashing: nodeHashing,
    });
    try {
      const r = await client.fetch(String(args['hash']) as BlobHash);
      return { hash: r.hash, size: r.size, from: r.from };
    } finally {
      client.stop();
    }
  },

  /** Stores `size` bytes made from `seed` (or the file at `path`); returns { hash, size }. */
  async 'blob-put'(ctx, args) {
    if (typeof args['path'] === 'string') {
      const r = await storeOf(ctx).put(new Uint8Array(await readFile(args['path'])));
      return { hash: r.hash, size: r.size };
    }
    const bytes = patternBytes(Number(args['size']), Number(args['seed'] ?? 1));
    const r = await storeOf(ctx).put(bytes);
    return { hash: r.hash, size: r.size };
  },
};
