import { readFile } from 'node:fs/promises';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serveStatic } from './static-files.ts';

/** Extra routes the daemon mounts (status API, blob ranges once sync provides them). */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface HttpServerOptions {
  host: string;
  port: number;
  pwaDir: string;
  tls?: { cert: string; key: string };
  /** True when every part of the node is up (drives /readyz). */
  isReady: () => boolean;
  routes?: Route[];
}

/** The node's HTTP(S) server: PWA, /healthz, /readyz and mounted routes. */
export interface NodeHttpServer {
  start(): Promise<void>;
  /** Stop accepting, let in-flight responses finish (bounded), close. */
  stop(): Promise<void>;
  /** e.g. http://127.0.0.1:8420/ */
  readonly url: string;
}

const MISSING_PWA = `<!doctype html><meta charset="utf-8"><title>Hearth</title>
<h1>Hearth home node is running</h1>
<p>The web app has not been built in this checkout, so there is nothing to show here yet.
Build it with <code>npm run build -w @hearth/pwa</code> (<code>npm start</code> does this) and reload.</p>
<p>Health: <a href="/healthz">/healthz</a> · readiness: <a href="/readyz">/readyz</a> · status: <a href="/api/status">/api/status</a></p>`;

export function createNodeHttpServer(opts: HttpServerOptions): NodeHttpServer {
  let server: Server | undefined;
  let url = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/healthz')
      return void res
        .writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' })
        .end('ok\n');
    if (path === '/readyz') {
      const ready = opts.isReady();
      return void res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain', 'cache-control': 'no-store' })
        .end(ready ? 'ready\n' : 'not ready\n');
    }
    for (const r of opts.routes ?? []) if (await r(req, res)) return;
    if (await serveStatic(opts.pwaDir, req, res)) return;
    if (path === '/' || path === '/index.html') {
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        .end(MISSING_PWA);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${(err as Error).message}\n`);
    });
  };

  return {
    get url() {
      return url;
    },
    async start() {
      if (opts.tls) {
        const [cert, key] = await Promise.all([readFile(opts.tls.cert), readFile(opts.tls.key)]);
        server = createHttps({ cert, key }, listener);
      } else {
        server = createHttp(listener);
      }
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(opts.port, opts.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const addr = s.address() as AddressInfo;
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      url = `${opts.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}/`;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeIdleConnections();
        // In-flight responses get a moment; then the sockets go (a download resumes by Range).
        setTimeout(() => s.closeAllConnections(), 2000).unref();
      });
    },
  };
}
