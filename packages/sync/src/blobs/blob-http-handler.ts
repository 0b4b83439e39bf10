/**
 * A portable fetch-style handler, `(Request) => Promise<Response>`, that serves blobs
 * to browsers: `GET|HEAD <prefix><hash>` with a blob token (`Authorization: Bearer …`
 * or `?token=…`, since `<video src>` cannot send headers), single Range requests (206,
 * 416), ETag = the hash, immutable caching. The token is checked before the store is
 * looked at: a missing token is 401 and a bad one 403, for known and unknown hashes alike.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import type { BlobTokenIssuer } from './blob-token.ts';

/** Options of the HTTP blob handler. */
export interface BlobHttpHandlerOptions {
  store: BlobStore;
  tokens: Pick<BlobTokenIssuer, 'verify'>;
  /** Path prefix the handler is mounted at (default `/blobs/`). */
  prefix?: string;
  /** The media type to send (from the catalog); default application/octet-stream. */
  contentType?: (hash: BlobHash) => Promise<string | undefined> | string | undefined;
}

export type FetchHandler = (request: Request) => Promise<Response>;

const HEX64 = /^[0-9a-f]{64}$/;

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** Parses a single `bytes=` range against a size: a range, 'unsatisfiable', or undefined (serve whole). */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined; // multiple or malformed ranges: RFC 9110 lets us ignore Range
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(a);
  const end = b === '' ? size : Math.min(size, Number(b) + 1);
  if (start >= size || end <= start) return 'unsatisfiable';
  return { start, end };
}

/** Wraps an async iterable as a web ReadableStream (pull-based, so it keeps backpressure). */
export function toReadableStream(body: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

export function createBlobHttpHandler(options: BlobHttpHandlerOptions): FetchHandler {
  const prefix = options.prefix ?? '/blobs/';
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return plain(405, 'method not allowed', { allow: 'GET, HEAD' });
    const url = new URL(request.url);
    const auth = request.headers.get('authorization');
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('token');
    if (!token) return plain(401, 'a blob token is required', { 'www-authenticate': 'Bearer' });
    try {
      await options.tokens.verify(token);
    } catch {
      return plain(403, 'token not accepted');
    }
    if (!url.pathname.startsWith(prefix)) return plain(404, 'not found');
    const hash = url.pathname.slice(prefix.length);
    if (!HEX64.test(hash)) return plain(404, 'not found');
    const size = await options.store.size(hash as BlobHash);
    if (size === undefined) return plain(404, 'not found');
    const etag = `"${hash}"`;
    const headers: Record<string, string> = {
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=31536000, immutable',
      'content-type': (await options.contentType?.(hash as BlobHash)) ?? 'application/octet-stream',
    };
    if (request.headers.get('if-none-match')?.includes(etag))
      return new Response(null, { status: 304, headers });
    let range = parseRange(request.headers.get('range'), size);
    const ifRange = request.headers.get('if-range');
    if (ifRange && ifRange !== etag) range = undefined;
    if (range === 'unsatisfiable')
      return plain(416, 'range not satisfiable', { 'content-range': `bytes */${size}` });
    const { start, end } = range ?? { start: 0, end: size };
    headers['content-length'] = String(end - start);
    if (range) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
    const status = range ? 206 : 200;
    if (request.method === 'HEAD' || end === start) return new Response(null, { status, headers });
    const read = await options.store.open(hash as BlobHash, { start, end });
    return new Response(toReadableStream(read.body), { status, headers });
  };
}
