import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Caching that keeps a service worker correct: the worker script, the HTML shell and the
 * manifest are revalidated on every load (else a stale worker pins an old app forever);
 * content-hashed build files (`name-<hash>.js`, as vite emits them) never change, so they
 * are cached for a year as immutable.
 */
export function cacheControlFor(urlPath: string): string {
  const base = urlPath.slice(urlPath.lastIndexOf('/') + 1);
  if (
    /^(sw|service-worker|workbox-[\w-]+)\.m?js$/.test(base) ||
    /\.(html|webmanifest)$/.test(base) ||
    base === ''
  )
    return 'no-cache';
  if (/[.-][A-Za-z0-9_-]{8,}\.(js|mjs|css|wasm|woff2|png|svg|webp)$/.test(base))
    return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

/**
 * Serve files from `root` (the built PWA). Unknown paths without an extension get
 * index.html so the app's client-side routes load directly. Returns false when it did
 * not handle the request (nothing to serve).
 */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return false;
  }
  const rel = normalize(urlPath).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if (file !== root && !file.startsWith(root + sep)) return false;
  let st = await stat(file).catch(() => undefined);
  if (st?.isDirectory()) {
    file = join(file, 'index.html');
    st = await stat(file).catch(() => undefined);
  }
  if (!st?.isFile()) {
    if (extname(rel)) return false;
    file = join(root, 'index.html');
    st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) return false;
    urlPath = '/index.html';
  }
  const headers: Record<string, string | number> = {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': st.size,
    'cache-control': cacheControlFor(urlPath),
    'last-modified': st.mtime.toUTCString(),
    'x-content-type-options': 'nosniff',
  };
  if (/\/(sw|service-worker)\.m?js$/.test(urlPath)) headers['service-worker-allowed'] = '/';
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}
