/**
 * Browser to browser over WebRTC, end to end: two browser contexts pair with a real home node
 * (separate process); each reserves a slot on the node's circuit relay, and their peer workers
 * dial each other at `<node>/p2p-circuit/webrtc/p2p/<device>` (the relay carries only the
 * signalling). Then the home node is stopped, so nothing can go through it any more: an album
 * edit on device A still reaches device B, over the direct WebRTC connection. Every wait is on
 * an event or a selector, bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConsoleMessage, Page, Worker } from 'playwright-core';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import {
  addToAlbum,
  albumTitleIs,
  newPairingLink,
  openAlbum,
  pairDevice,
  renameAlbum,
  startSyncedHome,
  type Device,
  type SyncedHome,
} from './synced-devices.ts';

/**
 * Follows the peer worker's log (device-mesh.ts logs every direct connection it sees open):
 * `waitFor` resolves with the first line matching `re`, already logged or to come (bounded).
 */
function workerLog(page: Page): { waitFor(re: RegExp, timeoutMs?: number): Promise<string> } {
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const follow = (w: Worker) =>
    w.on('console', (m: ConsoleMessage) => {
      lines.push(m.text());
      for (const f of waiters) f(m.text());
    });
  page.workers().forEach(follow);
  page.on('worker', follow);
  return {
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolve(seen);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no worker log line ${re} in ${timeoutMs} ms:\n${lines.join('\n')}`));
        }, timeoutMs);
        const check = (line: string) => {
          if (!re.test(line)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        waiters.add(check);
      }),
  };
}

const deviceIdOf = async (d: Device): Promise<string> => {
  await d.page.goto(`${d.page.url().replace(/#.*$/, '')}#/devices`);
  const id = await d.page
    .getByRole('list', { name: 'Devices in this library' })
    .locator('li')
    .first()
    .locator('code')
    .textContent();
  assert.match(id ?? '', /^12D3KooW/);
  return id!;
};

void describe(
  'two browsers sync directly over WebRTC through the home node relay',
  {
    skip: e2eSkipReason,
    timeout: 300_000,
  },
  () => {
    let home: SyncedHome;
    let a: Device;
    let b: Device;

    before(async () => {
      home = await startSyncedHome();
    });
    after(async () => {
      await home?.close();
    });

    void it('the two devices open a direct WebRTC connection, signalled through the relay', async () => {
      a = await pairDevice(home, home.node.pairingLink, 'Laptop A');
      // A's worker log is followed from before B exists, so it sees the connection to B open
      // (whichever side dialled); B's first lines may predate pairDevice's return.
      const log = workerLog(a.page);
      b = await pairDevice(home, newPairingLink(home), 'Phone B');
      const [idA, idB] = [await deviceIdOf(a), await deviceIdOf(b)];
      // Dialled as <home>/p2p-circuit/webrtc/p2p/<B>, accepted as /webrtc/p2p/<B>.
      const line = await log.waitFor(new RegExp(`^direct connection to ${idB} over \\S*/webrtc/p2p/${idB} `));
      console.info(`device A (${idA}): ${line}`);
    });

    void it('with the home node stopped, an album edit on A reaches B over WebRTC', async () => {
      await addToAlbum(a.page, 0, 0, 'Trip');
      await openAlbum(b.page, /Trip/);
      await b.page.getByTestId('album-count').filter({ hasText: '1 item' }).waitFor();
      await openAlbum(a.page, /Trip/);

      // The home node goes away: no relay, no catalog sync through it. Each device is left with
      // one peer, the other device.
      await home.node.stop();
      for (const d of [a, b])
        await d.page
          .getByRole('status')
          .filter({ hasText: /(^|\D)1 peer\b/ })
          .waitFor();

      const soon = { timeout: 15_000 };
      await renameAlbum(a.page, 'Summer trip');
      await albumTitleIs(b.page, 'Summer trip', soon);
      await addToAlbum(a.page, 1, 3, /Summer trip/);
      // B still shows the album: it fills in as A's additions arrive.
      await b.page.getByTestId('album-count').filter({ hasText: '4 items' }).waitFor(soon);
      await b.page.screenshot({ path: screenshotPath('webrtc-album-phone-b') });
    });
  },
);
