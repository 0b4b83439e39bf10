import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What importing one uploaded file gave. */
export type UploadImport = { id: string; duplicate: boolean } | { failed: string };

/** What the upload endpoint needs from the node. */
export interface UploadHttpOptions {
  /** Throws unless the blob token is valid (the same tokens as for reading blobs). */
  verify(token: string): Promise<unknown>;
  /** Where uploads are written before they are imported (removed after). */
  uploadsDir: string;
  /** Imports one file like `hearth import` (dedupe, sniffing, metadata, copy into the store). */
  importFile(path: string): Promise<UploadImport>;
  /** Refuse bodies larger than this (default 20 GiB). */
  maxBytes?: number;
  /** Pieces of an upload not continued for this long are removed (default 7 days). */
  partialMaxAgeMs?: number;
  now?: () => number;
}

const HEX64 = /^[0-9a-f]{64}$/;
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

type Answer = [number, Record<string, unknown>, Record<string, string>?];

function reply(res: ServerResponse, [status, body, headers]: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** A file name for the importer (it keeps it as the asset's name): no path, no leading dot. */
export function uploadFileName(raw: string | null): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20)
    .join('')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return clean || 'upload';
}

/** Counts (and caps) the bytes going through; `hash` sees them too when given. */
function counter(limit: number, hash?: ReturnType<typeof createHash>): Transform & { bytes: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      t.bytes += chunk.length;
      if (t.bytes > limit) return done(new RangeError('too large'));
      hash?.update(chunk);
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

/**
 * `PUT /blobs/<sha256>?name=<file name>` with a blob token: a paired device backs up an
 * original. The bytes must be the blob the URL names (else 422 and nothing kept); then they
 * are imported exactly like `hearth import` would (so the reconcile loop derives it and the
 * projection records the node as its holder).
 *
 * Resumable (so a dropped connection does not send a large original again from zero):
 * - `HEAD /blobs/<sha256>?upload` answers `upload-offset: <n>`: how many bytes of this blob the
 *   node holds from earlier, interrupted pieces (0: none).
 * - `PUT` with `Content-Range: bytes <start>-<end>/<total>` appends a piece. `start` must be
 *   the held offset (else 409 with `upload-offset`). The bytes that arrived are kept even when
 *   the request breaks off. Before the last piece: 202 with `upload-offset`. With the last
 *   piece the whole file is hashed (from disk, from byte 0), then imported.
 * - A `PUT` without `Content-Range` is the whole file in one body (nothing kept on failure).
 * A newer request for the same blob takes over from one still running (a connection the
 * browser dropped may look alive here for a while).
 *
 * 201 = imported, 200 = the library had it, 202 = piece kept, 401/403 = token, 409 = wrong
 * offset, 413 = too large, 416 = bad range, 422 = not that blob / not importable.
 */
export function createUploadHandler(
  opts: UploadHttpOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBytes = opts.maxBytes ?? 20 * 1024 ** 3;
  const partialDir = join(opts.uploadsDir, 'partial');
  /** the request writing each blob's partial file now, and when it is done */
  const writers = new Map<string, { req: IncomingMessage; done: Promise<unknown> }>();
  const maxAge = opts.partialMaxAgeMs ?? 7 * 86_400_000;
  const now = opts.now ?? Date.now;
  let swept = 0;

  /** Drops partials nobody continued for `maxAge` (a device that never came back); at most hourly. */
  async function sweep(): Promise<void> {
    if (now() - swept < 3_600_000) return;
    swept = now();
    for (const name of await readdir(partialDir).catch(() => [] as string[])) {
      if (writers.has(name)) continue;
      const s = await stat(join(partialDir, name)).catch(() => undefined);
      if (s && now() - s.mtimeMs > maxAge) await rm(join(partialDir, name), { force: true });
    }
  }

  /** Stops a request still writing `hash` and waits until its bytes are on disk. */
  async function takeOver(hash: string): Promise<void> {
    const w = writers.get(hash);
    if (!w) return;
    w.req.destroy();
    await w.done.catch(() => undefined);
  }

  /** Hashes the file from disk and imports it under `name`; the partial is removed after. */
  async function finish(path: string, hash: string, name: string | null): Promise<Answer> {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    const got = h.digest('hex');
    if (got !== hash)
      return [422, { error: `the bytes are ${got.slice(0, 12)}…, not ${hash.slice(0, 12)}…` }];
    return importAs(path, name);
  }

  /** The importer keeps the file name, so the bytes move under it in a directory of their own. */
  async function importAs(path: string, name: string | null): Promise<Answer> {
    const dir = join(opts.uploadsDir, randomUUID());
    await mkdir(dir, { recursive: true });
    try {
      const file = join(dir, uploadFileName(name));
      await rename(path, file);
      const r = await opts.importFile(file);
      if ('failed' in r) return [422, { error: r.failed }];
      return [r.duplicate ? 200 : 201, { id: r.id, duplicate: r.duplicate }];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** One piece of a resumable upload (see the comment of createUploadHandler). */
  async function piece(
    req: IncomingMessage,
    hash: string,
    range: string,
    name: string | null,
  ): Promise<Answer> {
    const m = CONTENT_RANGE.exec(range);
    const [start, end, total] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
    if (!(start <= end && end < total)) return [416, { error: `bad Content-Range ${range.slice(0, 80)}` }];
    if (total > maxBytes) return [413, { error: `larger than ${maxBytes} bytes` }];
    await takeOver(hash);
    await mkdir(partialDir, { recursive: true });
    const path = join(partialDir, hash);
    const held = await sizeOf(path);
    const at = { 'upload-offset': String(held) };
    if (start !== held) return [409, { error: `the node holds ${held} bytes; send from there` }, at];
    const limit = end - start + 1;
    let got = 0;
    // Each chunk is on disk before the next is read: whatever arrived before a break stays,
    // and the file's size is always the offset to resume from.
    const done = (async () => {
      const file = await open(path, 'a', 0o600);
      try {
        for await (const chunk of req as AsyncIterable<Buffer>) {
          const part = chunk.subarray(0, limit - got);
          await file.write(part);
          got += part.length;
          if (part.length < chunk.length) throw new RangeError('too large');
        }
      } finally {
        await file.close();
      }
    })();
    writers.set(hash, { req, done });
    try {
      await done;
    } catch (e) {
      // Broken off: what arrived stays for the next piece.
      if (e instanceof RangeError) return [413, { error: 'the body is longer than its Content-Range' }];
      throw e;
    } finally {
      if (writers.get(hash)?.req === req) writers.delete(hash);
    }
    const now = held + got;
    if (now < end + 1)
      return [400, { error: 'the body is shorter than its Content-Range' }, { 'upload-offset': String(now) }];
    if (now < total) return [202, { offset: now }, { 'upload-offset': String(now) }];
    try {
      return await finish(path, hash, name);
    } finally {
      await rm(path, { force: true });
    }
  }

  /** A whole file in one body, hashed as it is written. */
  async function whole(req: IncomingMessage, hash: string, name: string | null): Promise<Answer> {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes)
      return [413, { error: `larger than ${maxBytes} bytes` }];
    await mkdir(opts.uploadsDir, { recursive: true });
    const path = join(opts.uploadsDir, `${randomUUID()}.part`);
    const h = createHash('sha256');
    try {
      try {
        await pipeline(req, counter(maxBytes, h), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      } catch (e) {
        if (e instanceof RangeError) return [413, { error: `larger than ${maxBytes} bytes` }];
        throw e;
      }
      const got = h.digest('hex');
      if (got !== hash)
        return [422, { error: `the bytes are ${got.slice(0, 12)}…, not ${hash.slice(0, 12)}…` }];
      return await importAs(path, name);
    } finally {
      // The temp file goes before the answer: a caller that sees the answer sees it gone.
      await rm(path, { force: true });
    }
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('token');
    if (!token) return reply(res, [401, { error: 'a blob token is required' }]);
    try {
      await opts.verify(token);
    } catch {
      return reply(res, [403, { error: 'token not accepted' }]);
    }
    const hash = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    if (!HEX64.test(hash)) return reply(res, [404, { error: 'not a blob address' }]);
    let answer: Answer;
    try {
      await sweep();
      if (req.method === 'HEAD') {
        await takeOver(hash);
        const held = await sizeOf(join(partialDir, hash));
        answer = [200, {}, { 'upload-offset': String(held) }];
      } else {
        const range = req.headers['content-range'];
        const name = url.searchParams.get('name');
        answer = range ? await piece(req, hash, range, name) : await whole(req, hash, name);
      }
    } catch (e) {
      answer = [500, { error: (e as Error).message }];
    }
    if (res.headersSent || (res.socket?.destroyed ?? true)) res.destroy();
    else reply(res, answer);
  };
}

/** Whether a request is for the upload endpoint: a PUT, or `HEAD /blobs/<hash>?upload`. */
export function isUploadRequest(req: IncomingMessage): boolean {
  return req.method === 'PUT' || (req.method === 'HEAD' && /[?&]upload(=|&|$)/.test(req.url ?? ''));
}
