/**
 * Starts what the e2e run needs: the built PWA served by Vite's preview server (in this
 * process, loopback only) and Debian's Chromium, launched as every test and bench launches it
 * (`@hearth/sync/chromium`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { hasChromium, launchHeadlessChromium } from '@hearth/sync/chromium';
import { trackChromium } from './bounded-close.ts';

export { hasChromium };
export const appRoot = fileURLToPath(new URL('..', import.meta.url));
export const hasBuild = existsSync(`${appRoot}/dist/index.html`);

/** Why the browser e2e cannot run here (for `node:test`'s `skip`), or false when it can. */
export const e2eSkipReason: string | false = !hasChromium
  ? 'no Chromium at /usr/bin/chromium (apt-get install chromium)'
  : !hasBuild
    ? 'no dist/: run `npm run build -w @hearth/pwa`'
    : false;

/** Where an e2e saves the screenshot called `name`. */
export const screenshotPath = (name: string): string =>
  fileURLToPath(new URL(`./screenshots/${name}.png`, import.meta.url));

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const fixturesDir = process.env['HEARTH_FIXTURES_DIR'] ?? `${repoRoot}/../shared/fixtures`;

export async function servePwa(): Promise<{ url: string; close(): Promise<void> }> {
  const server: PreviewServer = await preview({
    root: appRoot,
    configFile: `${appRoot}/vite.config.ts`,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}

/** Launches Chromium, remembering its process so `closeBrowser` can kill it if close hangs. */
export function launchChromium(): Promise<Browser> {
  return trackChromium(launchHeadlessChromium);
}
