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
import { blobOf } from './blob-bytes.ts';
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
  /**
   * where the node's HTTP server is (the app's own origin when the node serves it); a function
   * when it can change (a second home node serves while the first is down): a token is minted
   * again whenever it does, since each node only accepts its own
   */
  baseUrl: string | (() => string);
  /** mints a blob token (over libp2p: `requestBlobToken`) from the node at `baseUrl` now */
  token: () => Promise<{ token: string; expiresAt: number }>;
  fetch?: (req: Request) => Promise<Response>;
  now?: () => number;
  /** blobs above this many bytes are hash-streamed instead of read whole (default 64 MiB) */
  wholeMax?: number;
  /** bytes per upload piece (default 8 MiB): what an interrupted upload may have to send again */
  uploadPiece?: number;
  /** told the bytes of each upload request sent (tests and progress) */
  onSent?: (bytes: number) => void;
}

/**
 * Up to this size a blob is read whole and hashed by WebCrypto (native, fastest); above it,
 * streamed through an incremental SHA-256 so a large original is never one buffer.
 */
const WHOLE_MAX = 64 * 1024 * 1024;
/** Up to this size (thumbnails) a blob is read as bytes rather than as a Blob (measured: bench/pwa-blob). */
const SMALL_MAX = 256 * 1024;
const UPLOAD_PIECE = 8 * 1024 * 1024;

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/** The blob hash of an asset's media: the id for the original, the derived ref otherwise. */
export function mediaHash(asset: Asset, kind: MediaKind): string | undefined {
  return kind === 'original' ? asset.id : asset.derived[kind]?.hash;
}

/** What the node's derivatives are (images step: WebP thumbnail, JPEG preview; motion step: MP4). */
const KIND_MIME: Partial<Record<MediaKind, string>> = {
  thumbnail: 'image/webp',
  preview: 'image/jpeg',
  motion: 'video/mp4',
};

export function createHomeMedia(opts: HomeMediaOptions): RemoteMedia & {
  blob(hash: string, mime?: string): Promise<Blob>;
  streamUrl(hash: string): Promise<string>;
  upload(
    hash: string,
    bytes: Blob,
    name: string,
    progress?: (sent: number, total: number) => void,
  ): Promise<void>;
  holds(hash: string): Promise<boolean>;
} {
  const doFetch = opts.fetch ?? ((r: Request) => fetch(r));
  const now = opts.now ?? Date.now;
  const wholeMax = opts.wholeMax ?? WHOLE_MAX;
  const uploadPiece = opts.uploadPiece ?? UPLOAD_PIECE;
  const base = () => (typeof opts.baseUrl === 'function' ? opts.baseUrl() : opts.baseUrl);
  const blobUrl = (hash: string) => {
    const b = base();
    return new URL(`blobs/${hash}`, b.endsWith('/') ? b : `${b}/`);
  };
  let current: Promise<{ token: string; expiresAt: number }> | undefined;
  /** the base URL the current token was minted for */
  let currentBase = '';

  async function token(fresh: boolean): Promise<string> {
    if (current && !fresh && currentBase === base()) {
      const t = await current.catch(() => undefined);
      // expiresAt is in ms (the issuer's); renew a minute early so a request never carries a dying token
      if (t && t.expiresAt - 60_000 > now()) return t.token;
    }
    currentBase = base();
    current = opts.token();
    return (await current).token;
  }

  async function blob(hash: string, mime = 'application/octet-stream'): Promise<Blob> {
    const url = blobUrl(hash);
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
    if (size <= SMALL_MAX) {
      // Small (a thumbnail): its bytes, read once, make the Blob and go to the cache as they
      // are; a Blob from the response would be read back for the hash and for the cache.
      const bytes = await res.arrayBuffer();
      const got = hex(await crypto.subtle.digest('SHA-256', bytes));
      if (got !== hash) throw new BlobVerifyError(hash, got);
      return blobOf(bytes, type);
    }
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

  /** A request with the token, minted afresh once when the node refuses it (403). */
  async function send(url: URL, init: RequestInit = {}): Promise<Response> {
    const go = async (fresh: boolean) =>
      doFetch(
        new Request(url, {
          ...init,
          headers: {
            ...(init.headers as Record<string, string>),
            authorization: `Bearer ${await token(fresh)}`,
          },
        }),
      );
    const res = await go(false);
    return res.status === 403 ? go(true) : res;
  }

  /**
   * Backs up an original: `PUT /blobs/<hash>?name=` (the node checks the bytes are that blob,
   * then imports them). Resumable: it asks the node how much it holds from an earlier,
   * interrupted attempt (`HEAD ?upload` → `upload-offset`) and sends the rest in pieces of
   * `uploadPiece` bytes (`Content-Range`), so a dropped connection costs at most the piece in
   * flight. A node without resumable uploads gets the whole file in one PUT. Resolves once the
   * node holds it (201 new, 200 it had it already).
   */
  async function upload(
    hash: string,
    bytes: Blob,
    name: string,
    progress?: (sent: number, total: number) => void,
  ): Promise<void> {
    const url = blobUrl(hash);
    const probe = new URL(url);
    probe.searchParams.set('upload', '');
    url.searchParams.set('name', name);
    const head = await send(probe, { method: 'HEAD' });
    const held = head.headers.get('upload-offset');
    if (held === null || bytes.size === 0) {
      const res = await send(url, { method: 'PUT', body: bytes });
      opts.onSent?.(bytes.size);
      if (!res.ok) throw new BlobFetchError(hash, res.status);
      progress?.(bytes.size, bytes.size);
      return;
    }
    let offset = Math.min(Number(held) || 0, bytes.size - 1);
    progress?.(offset, bytes.size);
    // Each round either moves forward or learns the node's offset; a node that keeps
    // answering otherwise is not followed for ever.
    for (let rounds = 2 * Math.ceil(bytes.size / uploadPiece) + 4; rounds > 0; rounds--) {
      const end = Math.min(bytes.size, offset + uploadPiece);
      const res = await send(url, {
        method: 'PUT',
        body: bytes.slice(offset, end),
        headers: { 'content-range': `bytes ${offset}-${end - 1}/${bytes.size}` },
      });
      opts.onSent?.(end - offset);
      if (res.status !== 202 && res.status !== 409) {
        if (!res.ok) throw new BlobFetchError(hash, res.status);
        progress?.(bytes.size, bytes.size);
        return;
      }
      const at = Number(res.headers.get('upload-offset'));
      if (!(at >= 0 && at < bytes.size)) break;
      offset = at;
      progress?.(offset, bytes.size);
    }
    throw new BlobFetchError(hash, 409);
  }

  /**
   * Whether the home node holds the blob now (`HEAD /blobs/<hash>`: 200 yes, 404 no). This is
   * the confirmation "free up space" waits for; anything else (offline, 5xx) throws.
   */
  async function holds(hash: string): Promise<boolean> {
    const res = await send(blobUrl(hash), { method: 'HEAD' });
    if (res.status === 404) return false;
    if (!res.ok) throw new BlobFetchError(hash, res.status);
    return true;
  }

  /** A URL a `<video>` streams and seeks with Range (it cannot send headers: the token rides along). */
  async function streamUrl(hash: string): Promise<string> {
    const url = blobUrl(hash);
    url.searchParams.set('token', await token(false));
    return url.toString();
  }

  const remote = async (asset: Asset, kind: MediaKind) => {
    const hash = mediaHash(asset, kind);
    return hash === undefined ? undefined : blob(hash, KIND_MIME[kind] ?? asset.mime);
  };
  return Object.assign(remote, { blob, streamUrl, upload, holds });
}
