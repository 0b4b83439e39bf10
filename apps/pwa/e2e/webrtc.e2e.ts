/**
 * Browser to browser over WebRTC, end to end: two browser contexts pair with a real home node
 * (separate process); each reserves a slot on the node's circuit relay, and their peer workers
 * dial each other at `<node>/p2p-circuit/webrtc/p2p/<device>` (the relay carries only the
 * signalling). Then the home node is stopped, so nothing can go through it any more: an album
 * edit on device A still reaches device B, over the direct WebRTC connection. Every wait is on
 * an event or a selector, bounded.
 */
import { after, before, describe, it } from 'node:test';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import {
  addToAlbum,
  albumTitleIs,
  NATURE_PHOTOS,
  newPairingLink,
  openAlbum,
  renameAlbum,
  startSyncedHome,
  type SyncedHome,
} from './synced-devices.ts';
import { onDevice, pairBrowser, peersAre, type BrowserDevice } from './webrtc-devices.ts';

void describe(
  'two browsers sync directly over WebRTC through the home node relay',
  {
    skip: e2eSkipReason,
    timeout: 300_000,
  },
  () => {
    let home: SyncedHome;
    let a: BrowserDevice;
    let b: BrowserDevice;
    // Tall enough that the virtualized timeline renders every month of the fixtures at once.
    const device = (link: string, name: string) =>
      pairBrowser(home.browser, home.node.url, link, name, {
        viewport: { width: 1280, height: 2400 },
        tiles: NATURE_PHOTOS,
      });

    before(async () => {
      home = await startSyncedHome();
    });
    after(async () => {
      await home?.close();
    });

    void it('the two devices open a direct WebRTC connection, signalled through the relay', async () => {
      a = await device(home.node.pairingLink, 'Laptop A');
      // A's worker log is followed from before B exists, so it sees the connection to B open
      // (whichever side dialled).
      b = await device(newPairingLink(home), 'Phone B');
      const [idA, idB] = [a.id, b.id];
      // Dialled as <home>/p2p-circuit/webrtc/p2p/<B>, accepted as /webrtc/p2p/<B>.
      const line = await a.log.waitFor(
        new RegExp(`^direct connection to ${idB} over \\S*/webrtc/p2p/${idB} `),
        30_000,
      );
      console.info(`device A (${idA}): ${line}`);
      // ... and from B's reloaded page: A may have logged only the connection B's pairing page
      // made, gone with that document, and the home node is stopped next.
      const lineB = await b.log.waitFor(
        new RegExp(`^direct connection to ${idA} over \\S*/webrtc/p2p/${idA} `),
        60_000,
        b.reloaded,
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
      for (const d of [a, b]) await onDevice(d, 'the other device as the only peer', () => peersAre(d, 1));

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
