/**
 * Browser devices for the WebRTC e2e specs (webrtc, webrtc-ice, webrtc-second-home-node): a
 * browser context paired through the Devices screen, reloaded onto the synced catalog, with
 * its peer worker's console followed line by line (device-mesh.ts logs every direct
 * connection it sees open) and its own device id read from the Devices page.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, ConsoleMessage, Page, Worker } from 'playwright-core';
import { pairInUi } from './pair-in-ui.ts';

/**
 * The page's worker console, waited on line by line (bounded). Workers are numbered in the
 * order they start: `mark()` is the number the next one gets, `live()` the first of the
 * page's current ones; `waitFor(re, ms, from)` reads only the lines of workers numbered `from`
 * or later (those of a reloaded page, not of the document it replaced, whose connections are
 * gone).
 */
export interface WorkerLog {
  mark(): number;
  live(): number;
  waitFor(re: RegExp, timeoutMs?: number, from?: number): Promise<string>;
}

export function workerLog(page: Page): WorkerLog {
  const lines: { worker: number; text: string }[] = [];
  const waiters = new Set<(line: { worker: number; text: string }) => void>();
  const numbers = new Map<Worker, number>();
  const follow = (w: Worker) => {
    const worker = numbers.size;
    numbers.set(w, worker);
    w.on('console', (m: ConsoleMessage) => {
      const line = { worker, text: m.text() };
      lines.push(line);
      for (const f of waiters) f(line);
    });
  };
  page.workers().forEach(follow);
  page.on('worker', follow);
  return {
    mark: () => numbers.size,
    live: () => Math.min(numbers.size, ...page.workers().map((w) => numbers.get(w) ?? numbers.size)),
    waitFor: (re, timeoutMs = 60_000, from = 0) =>
      new Promise((resolve, reject) => {
        const matches = (l: { worker: number; text: string }) => l.worker >= from && re.test(l.text);
        const seen = lines.find(matches);
        if (seen) return resolve(seen.text);
        const timer = setTimeout(() => {
          waiters.delete(check);
          const read = lines.filter((l) => l.worker >= from).map((l) => l.text);
          reject(new Error(`no worker log line ${re} in ${timeoutMs} ms:\n${read.join('\n')}`));
        }, timeoutMs);
        const check = (line: { worker: number; text: string }) => {
          if (!matches(line)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line.text);
        };
        waiters.add(check);
      }),
  };
}

/** A paired browser device. */
export interface BrowserDevice {
  context: BrowserContext;
  page: Page;
  log: WorkerLog;
  /** its device id (PeerId), as its Devices page shows it */
  id: string;
  /** the log's mark just before the page was reloaded after pairing (its workers from then) */
  reloaded: number;
}

export interface PairBrowserOptions {
  viewport?: { width: number; height: number };
  /** run in every page of the context before its scripts (e.g. to watch RTCPeerConnection) */
  initScript?: () => void;
  /** wait for this many timeline tiles after the reload (the node's photos, synced) */
  tiles?: number;
}

/**
 * Pairs a new context of `browser` with `link` through the app at `appUrl`, reloads it so the
 * synced catalog is what it opens (a page already open does not show shards that appear
 * later), waits for `tiles` tiles, and reads its device id.
 */
export async function pairBrowser(
  browser: Browser,
  appUrl: string,
  link: string,
  name: string,
  opts: PairBrowserOptions = {},
): Promise<BrowserDevice> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    locale: 'en-US',
  });
  if (opts.initScript) await context.addInitScript(opts.initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const log = workerLog(page);
  if (process.env['HEARTH_E2E_DEBUG'])
    page.on('worker', (w) => w.on('console', (m) => console.error(`[worker ${name}] ${m.text()}`)));
  assert.match(await pairInUi(page, appUrl, link, name), /Paired with the library/);
  await page.goto(`${appUrl}#/`);
  const reloaded = log.mark();
  await page.reload();
  // Bounded by the page timeout: the node projects imports once their thumbnails exist.
  if (opts.tiles)
    await page
      .locator('.tile')
      .nth(opts.tiles - 1)
      .waitFor();
  await page.goto(`${appUrl}#/devices`);
  const id = await page
    .getByRole('list', { name: 'Devices in this library' })
    .locator('li')
    .first()
    .locator('code')
    .textContent();
  assert.match(id ?? '', /^12D3KooW/);
  return { context, page, log, id: id!, reloaded };
}

/**
 * Runs a step on a device; when it fails, the error also says what the device showed: its
 * sync status (peers, pending documents) and the links it listed.
 */
export async function onDevice<T>(d: { page: Page }, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const status = await d.page
      .getByRole('status')
      .allTextContents()
      .catch(() => []);
    const links = await d.page
      .getByRole('link')
      .allTextContents()
      .catch(() => []);
    throw new Error(
      `${what}: ${(e as Error).message.split('\n')[0]}\n  status: ${status.join(' | ')}\n  links: ${links.join(' | ')}`,
      { cause: e },
    );
  }
}

/** Waits until the device's status counts exactly `n` connected peers. */
export const peersAre = (d: { page: Page }, n: number, timeout?: number) =>
  d.page
    .getByRole('status')
    .filter({ hasText: new RegExp(`(^|\\D)${n} peers?\\b`) })
    .waitFor(timeout ? { timeout } : {});
