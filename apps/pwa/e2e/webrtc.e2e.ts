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
 * `waitFor` resolves with the first line matching `re`, already logged or to come (bounded);
 * with `live`, only lines of the page's current workers count (not those of a document a
 * reload replaced, whose connections are gone).
 */
function workerLog(page: Page): {
  waitFor(re: RegExp, timeoutMs?: number, live?: boolean): Promise<string>;
} {
  const lines: { worker: Worker; text: string }[] = [];
  const waiters = new Set<(line: { worker: Worker; text: string }) => void>();
  const follow = (worker: Worker) =>
    worker.on('console', (m: ConsoleMessage) => {
      const line = { worker, text: m.text() };
      lines.push(line);
      for (const f of waiters) f(line);
    });
  page.workers().forEach(follow);
  page.on('worker', follow);
  return {
    waitFor: (re, timeoutMs = 30_000, live = false) =>
      new Promise((resolve, reject) => {
        const current = new Set(page.workers());
        const counts = (l: { worker: Worker }) => !live || current.has(l.worker);
        const seen = lines.find((l) => counts(l) && re.test(l.text));
        if (seen) return resolve(seen.text);
        const timer = setTimeout(() => {
          waiters.delete(check);
          const read = lines.filter(counts).map((l) => l.text);
          reject(new Error(`no worker log line ${re} in ${timeoutMs} ms:\n${read.join('\n')}`));
        }, timeoutMs);
        const check = (line: { worker: Worker; text: string }) => {
          if (!re.test(line.text) || !counts(line)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line.text);
        };
        waiters.add(check);
      }),
  };
}

/**
 * Runs a step on a device; when it fails, the error also says what the device showed: its
 * sync status (peers, pending documents) and the album links it listed.
 */
async function onDevice<T>(d: Device, what: string, step: () => Promise<T>): Promise<T> {
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
      let logB: ReturnType<typeof workerLog> | undefined;
      b = await pairDevice(home, newPairingLink(home), 'Phone B', (page) => (logB = workerLog(page)));
      const [idA, idB] = [await deviceIdOf(a), await deviceIdOf(b)];
      // Dialled as <home>/p2p-circuit/webrtc/p2p/<B>, accepted as /webrtc/p2p/<B>.
      const line = await log.waitFor(new RegExp(`^direct connection to ${idB} over \\S*/webrtc/p2p/${idB} `));
      console.info(`device A (${idA}): ${line}`);
      // ... and from B's reloaded page: A may have logged only the connection B's pairing page
      // made, gone with that document, and the home node is stopped next.
      const lineB = await logB!.waitFor(
        new RegExp(`^direct connection to ${idA} over \\S*/webrtc/p2p/${idA} `),
        60_000,
        true,
      );
      console.info(`device B (${idB}): ${lineB}`);
    });

    void it('with the home node stopped, an album edit on A reaches B over WebRTC', async () => {
      await addToAlbum(a.page, 0, 0, 'Trip');
      await onDevice(b, 'the album made on A, on B (through the home node and directly)', async () => {
        await openAlbum(b.page, /Trip/);
        await b.page.getByTestId('album-count').filter({ hasText: '1 item' }).waitFor();
      });
      await openAlbum(a.page, /Trip/);

      // The home node goes away: no relay, no catalog sync through it. Each device is left with
      // one peer, the other device.
      await home.node.stop();
      for (const d of [a, b])
        await onDevice(d, 'the other device as the only peer', () =>
          d.page
            .getByRole('status')
            .filter({ hasText: /(^|\D)1 peer\b/ })
            .waitFor(),
        );

      const soon = { timeout: 15_000 };
      await renameAlbum(a.page, 'Summer trip');
      await onDevice(b, 'the rename, over WebRTC', () => albumTitleIs(b.page, 'Summer trip', soon));
      await addToAlbum(a.page, 1, 3, /Summer trip/);
      // B still shows the album: it fills in as A's additions arrive.
      await onDevice(b, 'the additions, over WebRTC', () =>
        b.page.getByTestId('album-count').filter({ hasText: '4 items' }).waitFor(soon),
      );
      await b.page.screenshot({ path: screenshotPath('webrtc-album-phone-b') });
    });
  },
);
