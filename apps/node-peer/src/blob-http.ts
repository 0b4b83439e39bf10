import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  createBlobHttpHandler,
  createBlobTokenIssuer,
  serveBlobTokens,
  type AssetId,
  type BlobStore,
} from '@hearth/sync';
import { toNodeListener } from '@hearth/sync/platform';
import type { NodeCatalog } from './node-catalog.ts';
import type { PeerServices } from './peer-services.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/**
 * Blobs for browsers over HTTP (DESIGN §4: ~20× the throughput of libp2p in a page): a
 * paired device mints a short-lived token over `/hearth/blob-token/1`, then GETs
 * `/blobs/<hash>` with Range. The HMAC key lives in `<data>/blob-token.key` (0600) so
 * tokens survive a restart.
 */
export async function startBlobHttp(opts: {
  dataDir: string;
  peers: PeerServices;
  blobs: BlobStore;
  catalog: NodeCatalog;
}): Promise<{ route: (req: IncomingMessage, res: ServerResponse) => boolean; stop(): Promise<void> }> {
  const keyFile = join(opts.dataDir, 'blob-token.key');
  let key = await readFile(keyFile).catch(() => undefined);
  if (!key || key.length < 32) {
    await writeFileAtomic(keyFile, randomBytes(32), { mode: 0o600, exclusive: true });
    key = await readFile(keyFile);
  }
  const issuer = createBlobTokenIssuer({ key, isPaired: (d) => opts.peers.access.isPaired(d) });
  const unserve = await serveBlobTokens(opts.peers.node, opts.peers.access, issuer);
  const listener = toNodeListener(
    createBlobHttpHandler({
      store: opts.blobs,
      tokens: issuer,
      prefix: '/blobs/',
      contentType: (hash) => opts.catalog.get(hash as string as AssetId)?.mime,
    }),
  );
  return {
    route(req, res) {
      if (!(req.url ?? '').startsWith('/blobs/')) return false;
      listener(req, res);
      return true;
    },
    stop: unserve,
  };
}
