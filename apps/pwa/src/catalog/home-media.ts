/**
 * Media from the home node over its authenticated HTTP blob endpoint (DESIGN.md §4: plain
 * HTTP beats libp2p by far in browsers). The token is minted over the libp2p connection by
 * `token()` and reused until shortly before it expires. Every blob is checked against its
 * content address (WebCrypto SHA-256) before anyone may store or show it.
 */
import type { Asset } from '@hearth/sync';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { MediaKind } from '../library/library-client.ts';
import { PwaError } from '../errors.ts';
import type { RemoteMedia } from './catalog-library.ts';

/** The home node sent bytes that are not the blob asked for; nothing was stored. */
export class BlobVerifyError extends PwaError {
  constructor(hash: string, got: string) {
    super(
      'BLOB_VERIFY_FAILED',
      `blob ${hash.slice(0, 12)}… arrived as ${got.slice(0, 12)}…; it was dropped, retry later`,
    );
  }
}

/** The home node refused or failed a blob request (401/403: token or pairing; 5xx: the node). */
export class BlobFetchError extends PwaError {
  constructor(hash: string, status: number) {
    super(
      status === 401 || status === 403 ? 'BLOB_FORBIDDEN' : 'BLOB_FETCH_FAILED',
      `the home node answered ${status} for blob ${hash.slice(0, 12)}…${status === 403 ? '; this device may have been removed, pair it again' : ''}`,
    );
  }
}

/** What the home media source needs. */
export interface HomeMediaOptions {
  /** where the node's HTTP server is (the app's own origin when the node serves it) */
  baseUrl: string;
  /** mints a blob token (over libp2p: `requestBlobToken`) */
  token: () => Promise<{ token: string; expiresAt: number }>;
  fetch?: (req: Request) => Promise<Response>;
  now?: () => number;
  /** blobs above this many bytes are hash-streamed instead of read whole (default 64 MiB) */
  wholeMax?: number;
}

/**
 * Up to this size a blob is read whole and hashed by WebCrypto (native, fastest); above it,
 * streamed through an incremental SHA-256 so a large original is never one buffer.
 */
const WHOLE_MAX = 64 * 1024 * 1024;

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/** The blob hash of an asset's media: the id for the original, the derived ref otherwise. */
export function mediaHash(asset: Asset, kind: MediaKind): string | undefined {
  return kind === 'original' ? asset.id : asset.derived[kind]?.hash;
}

/** What the node's derivatives are (images step: WebP thumbnail, JPEG preview). */
const KIND_MIME: Partial<Record<MediaKind, string>> = { thumbnail: 'image/webp', preview: 'image/jpeg' };

export function createHomeMedia(opts: HomeMediaOptions): RemoteMedia & {
  blob(hash: string, mime?: string): Promise<Blob>;
  streamUrl(hash: string): Promise<string>;
  upload(hash: string, bytes: Blob, name: string): Promise<void>;
} {
  const doFetch = opts.fetch ?? ((r: Request) => fetch(r));
  const now = opts.now ?? Date.now;
  const wholeMax = opts.wholeMax ?? WHOLE_MAX;
  let current: Promise<{ token: string; expiresAt: number }> | undefined;

  async function token(fresh: boolean): Promise<string> {
    if (current && !fresh) {
      const t = await current.catch(() => undefined);
      // expiresAt is in ms (the issuer's); renew a minute early so a request never carries a dying token
      if (t && t.expiresAt - 60_000 > now()) return t.token;
    }
    current = opts.token();
    return (await current).token;
  }

  async function blob(hash: string, mime = 'application/octet-stream'): Promise<Blob> {
    const url = new URL(`blobs/${hash}`, opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    const get = async (fresh: boolean) =>
      doFetch(new Request(url, { headers: { authorization: `Bearer ${await token(fresh)}` } }));
    let res = await get(false);
    // A token the node no longer accepts (its key rotated, clock skew): mint once more.
    if (res.status === 403) res = await get(true);
    if (!res.ok) throw new BlobFetchError(hash, res.status);
    const sent = res.headers.get('content-type');
    // Derived blobs are served as octet-stream (the node knows originals' types only).
    const type = sent && sent !== 'application/octet-stream' ? sent : mime;
    const size = Number(res.headers.get('content-length') ?? NaN);
    if (!(size > wholeMax) || !res.body) {
      // The body as a Blob stays where the browser received it; storing that Blob later
      // moves no bytes through this thread again. Only the hash reads it here, once.
      const body = await res.blob();
      const got = hex(await crypto.subtle.digest('SHA-256', await body.arrayBuffer()));
      if (got !== hash) throw new BlobVerifyError(hash, got);
      return body.type === type ? body : body.slice(0, body.size, type);
    }
    // Large (an original video): hashed as it streams, kept as parts the browser may page out.
    const h = sha256.create();
    const parts: Uint8Array<ArrayBuffer>[] = [];
    const reader = res.body.getReader();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      h.update(r.value);
      parts.push(r.value);
    }
    const got = bytesToHex(h.digest());
    if (got !== hash) throw new BlobVerifyError(hash, got);
    return new Blob(parts, { type });
  }

  /**
   * Backs up an original: `PUT /blobs/<hash>?name=` (the node checks the bytes are that blob,
   * then imports them). Resolves once the node holds it (201 new, 200 it had it already).
   */
  async function upload(hash: string, bytes: Blob, name: string): Promise<void> {
    const url = new URL(`blobs/${hash}`, opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    url.searchParams.set('name', name);
    const put = async (fresh: boolean) =>
      doFetch(
        new Request(url, {
          method: 'PUT',
          body: bytes,
          headers: { authorization: `Bearer ${await token(fresh)}` },
        }),
      );
    let res = await put(false);
    if (res.status === 403) res = await put(true);
    if (!res.ok) throw new BlobFetchError(hash, res.status);
  }

  /** A URL a `<video>` streams and seeks with Range (it cannot send headers: the token rides along). */
  async function streamUrl(hash: string): Promise<string> {
    const url = new URL(`blobs/${hash}`, opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    url.searchParams.set('token', await token(false));
    return url.toString();
  }

  const remote = async (asset: Asset, kind: MediaKind) => {
    const hash = mediaHash(asset, kind);
    return hash === undefined ? undefined : blob(hash, KIND_MIME[kind] ?? asset.mime);
  };
  return Object.assign(remote, { blob, streamUrl, upload });
}
