import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  createBlobHttpHandler,
  createBlobServer,
  createBlobTokenIssuer,
  serveBlobTokens,
  type AssetId,
  type BlobStore,
} from '@hearth/sync';
import { nodeHashing, toNodeListener } from '@hearth/sync/platform';
import type { NodeCatalog } from './node-catalog.ts';
import type { PeerServices } from './peer-services.ts';
import { createUploadHandler, isUploadRequest, type UploadHttpOptions } from './upload-http.ts';
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
  /** Imports an uploaded original (`PUT /blobs/<hash>`); without it uploads are refused (405). */
  importFile?: UploadHttpOptions['importFile'];
}): Promise<{ route: (req: IncomingMessage, res: ServerResponse) => boolean; stop(): Promise<void> }> {
  const keyFile = join(opts.dataDir, 'blob-token.key');
  let key = await readFile(keyFile).catch(() => undefined);
  if (!key || key.length < 32) {
    await writeFileAtomic(keyFile, randomBytes(32), { mode: 0o600, exclusive: true });
    key = await readFile(keyFile);
  }
  const issuer = createBlobTokenIssuer({ key, isPaired: (d) => opts.peers.access.isPaired(d) });
  const unserve = await serveBlobTokens(opts.peers.node, opts.peers.access, issuer);
  // The same store over libp2p (`/hearth/blob/2`): paired devices fetch originals from the node
  // and ask it "do you have it" — the "backed up" confirmation of their pin policy.
  const blobServer = createBlobServer({
    node: opts.peers.node,
    store: opts.blobs,
    access: opts.peers.access,
    hashing: nodeHashing,
  });
  await blobServer.start();
  const listener = toNodeListener(
    createBlobHttpHandler({
      store: opts.blobs,
      tokens: issuer,
      prefix: '/blobs/',
      contentType: (hash) => opts.catalog.get(hash as string as AssetId)?.mime,
    }),
  );
  const importFile = opts.importFile;
  const upload =
    importFile &&
    createUploadHandler({
      verify: (t) => issuer.verify(t),
      uploadsDir: join(opts.dataDir, 'uploads'),
      importFile,
    });
  return {
    route(req, res) {
      if (!(req.url ?? '').startsWith('/blobs/')) return false;
      // An app served from another origin fetches here too; the bearer token (not a cookie)
      // is the credential, so any origin may ask — without a token it gets 401 like anyone.
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader(
        'access-control-expose-headers',
        'content-length, content-range, accept-ranges, etag, upload-offset',
      );
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, HEAD, PUT',
          'access-control-allow-headers':
            'authorization, range, if-range, if-none-match, content-type, content-range',
          'access-control-max-age': '86400',
        });
        res.end();
        return true;
      }
      // PUT (and `HEAD ?upload`, the resume offset) go to the upload endpoint.
      if (upload && isUploadRequest(req)) {
        void upload(req, res);
        return true;
      }
      listener(req, res);
      return true;
    },
    async stop() {
      await blobServer.stop();
      await unserve();
    },
  };
}
