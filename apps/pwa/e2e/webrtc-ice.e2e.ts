/**
 * The home node's STUN/TURN setting reaches the browsers' WebRTC, and devices tell a revoked
 * device it was removed, in real Chromium against a real node (separate process):
 * - the node runs with `HEARTH_ICE_SERVERS` naming a STUN server on loopback (nothing answers
 *   there); it publishes the list signed by the library key, and every `RTCPeerConnection` the
 *   two paired browsers make carries it — and they still connect directly on loopback;
 * - the node revokes B; A, directly connected to B, tells B it was removed (over their WebRTC
 *   connection, from its root document) before it cuts B off, and B says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, ConsoleMessage, Page, Worker } from 'playwright-core';
import { cleanUp, closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, launchChromium } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const STUN = 'stun:127.0.0.1:9';

/**
 * The worker's console, waited on line by line (bounded). `mark()` numbers the workers started
 * from now on; `waitFor(re, ms, from)` reads only the lines of workers numbered `from` or later
 * (those of a reloaded page, not of the document it replaced).
 */
function workerLog(page: Page): {
  mark(): number;
  waitFor(re: RegExp, timeoutMs?: number, from?: number): Promise<string>;
} {
  const lines: { worker: number; text: string }[] = [];
  const waiters = new Set<(line: { worker: number; text: string }) => void>();
  let workers = 0;
  const follow = (w: Worker) => {
    const worker = workers++;
    w.on('console', (m: ConsoleMessage) => {
      const line = { worker, text: m.text() };
      lines.push(line);
      for (const f of waiters) f(line);
    });
  };
  page.workers().forEach(follow);
  page.on('worker', follow);
  return {
    mark: () => workers,
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

interface Device {
  context: BrowserContext;
  page: Page;
  log: ReturnType<typeof workerLog>;
  id: string;
  /** the log's mark just before the page was reloaded after pairing (its workers from then) */
  reloaded: number;
}

void describe(
  'ICE servers and revocation between browsers',
  { skip: e2eSkipReason, timeout: 300_000 },
  () => {
    let node: HomeNode;
    let browser: Browser;
    const devices: Device[] = [];

    before(async () => {
      process.env['HEARTH_ICE_SERVERS'] = STUN;
      try {
        node = await startHomeNode();
      } finally {
        delete process.env['HEARTH_ICE_SERVERS'];
      }
      browser = await launchChromium();
    });
    after(() =>
      cleanUp([
        ['close Chromium', () => closeBrowser(browser)],
        ['stop the home node', () => node?.stop()],
      ]),
    );

    async function pair(link: string, name: string): Promise<Device> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
      // Every RTCPeerConnection the page makes (the worker's are made here, see rtc-host.ts).
      await context.addInitScript(() => {
        const Real = window.RTCPeerConnection;
        const seen: unknown[] = [];
        (window as unknown as { __rtcConfigs: unknown[] }).__rtcConfigs = seen;
        window.RTCPeerConnection = class extends Real {
          constructor(config?: RTCConfiguration) {
            seen.push(JSON.parse(JSON.stringify(config ?? {})));
            super(config);
          }
        } as typeof RTCPeerConnection;
      });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const log = workerLog(page);
      assert.match(await pairInUi(page, node.url, link, name), /Paired/);
      await page.goto(`${node.url}#/devices`);
      const reloaded = log.mark();
      await page.reload();
      const id = await page
        .getByRole('list', { name: 'Devices in this library' })
        .locator('li')
        .first()
        .locator('code')
        .textContent();
      assert.match(id ?? '', /^12D3KooW/);
      return { context, page, log, id: id!, reloaded };
    }

    void it('the node’s STUN server reaches every RTCPeerConnection, and two browsers still connect on loopback', async () => {
      const a = await pair(node.pairingLink, 'Laptop A');
      const link = (JSON.parse(node.hearth('pair', '--json')) as { link: string }).link;
      const b = await pair(link, 'Phone B');
      devices.push(a, b);
      await a.log.waitFor(/^ICE servers: stun:127\.0\.0\.1:9$/);
      // From B's reloaded page: a direct connection its worker saw before the reload was made
      // (and recorded) by the previous document, and A may have logged only that one.
      await b.log.waitFor(
        new RegExp(`^direct connection to ${a.id} over \\S*/webrtc/p2p/${a.id} `),
        60_000,
        b.reloaded,
      );
      for (const d of [a, b]) {
        const configs = await d.page.evaluate(
          () =>
            (window as unknown as { __rtcConfigs: { iceServers?: { urls: string | string[] }[] }[] })
              .__rtcConfigs,
        );
        assert.ok(configs.length > 0, `the page of ${d.id} made peer connections`);
        for (const c of configs)
          assert.deepEqual(
            c.iceServers?.map((s) => s.urls),
            [[STUN]],
            `every peer connection gets the node's list: ${JSON.stringify(configs)}`,
          );
      }
    });

    void it('A tells B it was removed, over their direct connection, when the revocation reaches A', async () => {
      const [a, b] = devices as [Device, Device];
      node.hearth('devices', 'revoke', b.id);
      const line = await a.log.waitFor(new RegExp(`^revoked device ${b.id.slice(-8)} told it was removed$`));
      console.info(`device A: ${line}`);
      await b.page.getByText('This device was removed from the library').first().waitFor();
    });
  },
);
