/**
 * Shared setup of the Chromium parity tests: build a Vite harness page and launch Debian's
 * Chromium through playwright-core with the same flags, so both parity suites stay in step.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

/** Chromium binary: `HEARTH_CHROMIUM` or Debian's. */
export const CHROMIUM = process.env['HEARTH_CHROMIUM'] ?? '/usr/bin/chromium';

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

/** Launch headless Chromium (no sandbox, no GPU: CI containers have neither). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}
