/**
 * Two browsers meet through any home node: node A (the one they pair with) imports photos and
 * node B joins the library. Both browsers learn B from the root document and hold a relay
 * reservation on each node. With A stopped and both pages reloaded (their old WebRTC link gone
 * with the old workers), they connect directly again, signalled through B alone; then B is
 * stopped too, and an album edit on one still reaches the other, over WebRTC. The app is
 * served from another origin, so a reload works with either node down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanUp, closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, fixturesDir, launchChromium, screenshotPath, servePwa } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { startJoinedNode, type JoinedNode } from './joined-node.ts';
import { addToAlbum, albumTitleIs, NATURE_PHOTOS, openAlbum, renameAlbum } from './synced-devices.ts';
import { onDevice, pairBrowser, peersAre, type BrowserDevice } from './webrtc-devices.ts';

void describe(
  'two browsers meet over WebRTC through a second home node',
  { skip: e2eSkipReason, timeout: 420_000 },
  () => {
    let app: { url: string; close(): Promise<void> };
    let browser: Browser;
    let nodeA: HomeNode;
    let nodeB: JoinedNode;

    before(async () => {
      app = await servePwa();
      browser = await launchChromium();
      nodeA = await startHomeNode();
      nodeA.hearth('import', `${fixturesDir}/immich-test-assets/albums/nature`);
      // Bounded: each `hearth status` is a full CLI round trip.
      for (let i = 0; i < 60 && !/images: \d+ done, 0 to do/.test(nodeA.hearth('status')); i++);
      const join = JSON.parse(nodeA.hearth('pair', '--home-node', '--json')) as { link: string };
      nodeB = await startJoinedNode(join.link, 'node B');
    });
    after(() =>
      cleanUp([
        ['close Chromium', () => closeBrowser(browser)],
        ['close the app server', () => app?.close()],
        ['stop home node A', () => nodeA?.stop()],
        ['stop home node B', () => nodeB?.stop()],
      ]),
    );

    void it('with A down, the two browsers connect directly through B, and an edit travels over WebRTC', async () => {
      const pair = (link: string, name: string) =>
        pairBrowser(browser, app.url, link, name, {
          viewport: { width: 1280, height: 2400 },
          tiles: NATURE_PHOTOS,
        });
      const a = await pair(nodeA.pairingLink, 'Laptop A');
      const b = await pair((JSON.parse(nodeA.hearth('pair', '--json')) as { link: string }).link, 'Phone B');
      // Both learn B from the root document and connect to it.
      for (const d of [a, b])
        await onDevice(d, 'node B online on the Devices page', () =>
          d.page
            .getByRole('list', { name: 'Devices in this library' })
            .locator(`li[data-device-id="${nodeB.peerId}"]`)
            .getByText('· online')
            .waitFor({ timeout: 90_000 }),
        );
      await addToAlbum(a.page, 0, 0, 'Trip');
      await onDevice(b, 'the album made on A, on B', async () => {
        await openAlbum(b.page, /Trip/);
        await b.page.getByTestId('album-count').filter({ hasText: '1 item' }).waitFor();
      });

      // A goes; fresh workers on both sides, so no WebRTC link made through A survives.
      await nodeA.stop();
      const from = { a: a.log.mark(), b: b.log.mark() };
      await Promise.all([a.page.reload(), b.page.reload()]);
      const direct = (d: BrowserDevice, other: BrowserDevice, mark: number) =>
        onDevice(d, `a direct connection to ${other.id} after the reload`, () =>
          d.log.waitFor(
            new RegExp(`^direct connection to ${other.id} over \\S*/webrtc/p2p/${other.id} `),
            90_000,
            mark,
          ),
        );
      const lines = [await direct(a, b, from.a), await direct(b, a, from.b)];
      console.info(lines.join('\n'));
      // The side that dialled names the relay it signalled through: B, as A is down.
      const dialled = lines.find((l) => l.includes('/p2p-circuit/'));
      if (dialled) assert.match(dialled, new RegExp(`/p2p/${nodeB.peerId}/p2p-circuit/webrtc/`));

      // B goes too: the other device is each one's only peer, and edits go over WebRTC.
      await nodeB.stop();
      for (const d of [a, b]) await onDevice(d, 'the other device as the only peer', () => peersAre(d, 1));
      const soon = { timeout: 15_000 };
      // B's page was reloaded on the album, A's on the timeline.
      await openAlbum(a.page, /Trip/);
      await renameAlbum(a.page, 'Summer trip');
      await onDevice(b, 'the rename, over WebRTC', () => albumTitleIs(b.page, 'Summer trip', soon));
      await addToAlbum(a.page, 1, 3, /Summer trip/);
      await onDevice(b, 'the additions, over WebRTC', () =>
        b.page.getByTestId('album-count').filter({ hasText: '4 items' }).waitFor(soon),
      );
      await b.page.screenshot({ path: screenshotPath('webrtc-second-home-node-b') });
    });
  },
);
