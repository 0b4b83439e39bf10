/**
 * The one way Hearth's tests and benches start a browser (`@hearth/sync/chromium`, Node only):
 * Debian's Chromium through playwright-core, headless, with one set of flags. It lives in the
 * package every other workspace may import, so the PWA e2e, the media and ML parity tests and
 * the benches launch the same browser.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Chromium binary: `HEARTH_CHROMIUM` or Debian's. */
export const CHROMIUM = process.env['HEARTH_CHROMIUM'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * No sandbox and no GPU (CI containers have neither); nothing that reaches the network on its
 * own (updates, sync, QUIC), so a test talks only to its loopback servers.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium with `CHROMIUM_ARGS`; Playwright gives it a fresh temporary profile. */
export async function launchHeadlessChromium(): Promise<Browser> {
  // Loaded on first launch, so importing this module costs nothing where no browser runs.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [...CHROMIUM_ARGS],
  });
}
