/**
 * Runs a browser entry of this package in Debian's Chromium (launched by
 * `@hearth/sync/chromium`, as every test and bench launches it): bundles it with Vite, serves it
 * on loopback with onnxruntime-web's wasm files at `/ort/`, the models dir at `/models/` and any
 * extra routes, cross-origin isolated so onnxruntime-web may use wasm threads as the PWA can.
 * For the parity test and benches.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, normalize, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchHeadlessChromium } from '@hearth/sync/chromium';

export { CHROMIUM, hasChromium } from '@hearth/sync/chromium';

const REPO = resolve(import.meta.dirname, '../../..');

/** An extra route: a response for a path, or undefined to fall through (404). */
export type PageRoute = (
  path: string,
) => { body: Uint8Array; type: string; headers?: Record<string, string> } | undefined;

export interface ChromiumPageOptions {
  /** Absolute path of the browser entry module (bundled as `/entry.js`). */
  entry: string;
  /** Cache folder name under node_modules/.cache (never committed). */
  name: string;
  /** Served at `/models/` (read-only; paths cannot leave it). */
  modelsDir?: string;
  routes?: PageRoute;
}

export interface ChromiumPage {
  page: Page;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
};

export async function openChromiumPage(opts: ChromiumPageOptions): Promise<ChromiumPage> {
  const work = join(REPO, 'node_modules/.cache', opts.name);
  mkdirSync(work, { recursive: true });
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: work,
    logLevel: 'warn',
    build: {
      outDir: join(work, 'dist'),
      emptyOutDir: true,
      minify: false,
      target: 'esnext',
      lib: { entry: opts.entry, formats: ['es'], fileName: 'entry' },
    },
  });
  const ortDir = join(REPO, 'node_modules/onnxruntime-web/dist');
  const isolation = {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  };
  const send = (res: ServerResponse, body: Uint8Array, type: string, extra: Record<string, string> = {}) =>
    res.writeHead(200, { ...isolation, 'content-type': type, ...extra }).end(body);
  const fileOf = (path: string): string | undefined => {
    if (path.startsWith('/ort/')) return join(ortDir, basename(path));
    if (path.startsWith('/models/') && opts.modelsDir) {
      const p = normalize(join(opts.modelsDir, decodeURIComponent(path.slice('/models/'.length))));
      return p.startsWith(normalize(opts.modelsDir)) ? p : undefined;
    }
    return join(work, 'dist', basename(path));
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      const html = '<!doctype html><script type="module" src="/entry.js"></script>';
      return send(res, new TextEncoder().encode(html), 'text/html');
    }
    const extra = opts.routes?.(path);
    if (extra) return send(res, extra.body, extra.type, extra.headers);
    const file = fileOf(path);
    if (file && existsSync(file)) {
      const ext = file.slice(file.lastIndexOf('.'));
      return send(res, readFileSync(file), TYPES[ext] ?? 'application/octet-stream');
    }
    res.writeHead(404, isolation).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let browser: Browser | undefined;
  try {
    browser = await launchHeadlessChromium();
    const page = await browser.newPage();
    page.setDefaultTimeout(300_000);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const b = browser;
    return {
      page,
      async close() {
        await b.close();
        server.close();
      },
    };
  } catch (err) {
    await browser?.close();
    server.close();
    throw err;
  }
}
