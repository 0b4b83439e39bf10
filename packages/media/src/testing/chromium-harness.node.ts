/**
 * Shared setup of the Chromium parity tests: build a Vite harness page and serve it on loopback
 * (the tests launch Chromium with `@hearth/sync/chromium`, as every test and bench does).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Build the harness page in `root` (a directory URL) into a fresh temp dir; returns that dir. */
export async function buildHarnessPage(root: URL, prefix: string): Promise<string> {
  const dist = mkdtempSync(join(tmpdir(), prefix));
  await build({
    root: fileURLToPath(root),
    configFile: false,
    logLevel: 'warn',
    base: '/',
    worker: { format: 'es' },
    build: { outDir: dist, emptyOutDir: true, minify: false, reportCompressedSize: false },
  });
  return dist;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** Answer with `file`, typed by its extension (wasm must be application/wasm to stream-compile). */
export function sendFile(res: ServerResponse, file: string): void {
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}

/** Serve `handler` on a free loopback port; resolves with the server and its base URL. */
export function serveOnLoopback(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` });
    }),
  );
}
