import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
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
}

const HEX64 = /^[0-9a-f]{64}$/;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
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

/**
 * `PUT /blobs/<sha256>?name=<file name>` with a blob token: a paired device backs up an
 * original. The body is hashed as it is written to a temp file and must be the blob the URL
 * names (else 422 and nothing kept); then it is imported exactly like `hearth import` would
 * (so the reconcile loop derives it and the projection records the node as its holder).
 * 201 = imported, 200 = the library had it, 401/403 = token, 413 = too large.
 */
export function createUploadHandler(
  opts: UploadHttpOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBytes = opts.maxBytes ?? 20 * 1024 ** 3;

  /** Writes the body to a temp file while hashing it, then imports it; returns the answer. */
  async function receive(
    req: IncomingMessage,
    dir: string,
    name: string | null,
    hash: string,
  ): Promise<[number, Record<string, unknown>]> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, uploadFileName(name));
    const h = createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new RangeError('too large'));
        h.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, count, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (e) {
      if (e instanceof RangeError) return [413, { error: `larger than ${maxBytes} bytes` }];
      throw e;
    }
    const got = h.digest('hex');
    if (got !== hash)
      return [422, { error: `the bytes are ${got.slice(0, 12)}…, not ${hash.slice(0, 12)}…` }];
    const r = await opts.importFile(file);
    if ('failed' in r) return [422, { error: r.failed }];
    return [r.duplicate ? 200 : 201, { id: r.id, duplicate: r.duplicate }];
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('token');
    if (!token) return reply(res, 401, { error: 'a blob token is required' });
    try {
      await opts.verify(token);
    } catch {
      return reply(res, 403, { error: 'token not accepted' });
    }
    const hash = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    if (!HEX64.test(hash)) return reply(res, 404, { error: 'not a blob address' });
    if (Number(req.headers['content-length'] ?? 0) > maxBytes)
      return reply(res, 413, { error: `larger than ${maxBytes} bytes` });
    const dir = join(opts.uploadsDir, randomUUID());
    let answer: [number, Record<string, unknown>];
    try {
      answer = await receive(req, dir, url.searchParams.get('name'), hash);
    } catch (e) {
      answer = [500, { error: (e as Error).message }];
    }
    // The temp file goes before the answer: a caller that sees the answer sees it gone.
    await rm(dir, { recursive: true, force: true });
    if (res.headersSent) res.destroy();
    else reply(res, ...answer);
  };
}
