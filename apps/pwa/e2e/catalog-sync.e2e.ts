/**
 * The synced catalog end to end: a real home node (separate process) imports the fixtures;
 * two browser contexts pair and become catalog peers (automerge-repo in the peer worker over
 * libp2p WebSockets); the imported photos appear in both timelines. Then device A goes
 * offline and adds photos to a shared album while device B renames it; when A is back, both
 * show the merged album (new title, all photos). B reloaded offline shows when it last synced.
 * Every wait is on a selector, bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addToAlbum,
  albumTitleIs,
  explainDevices,
  goOffline,
  newPairingLink,
  openAlbum,
  pairDevice,
  renameAlbum,
  startSyncedHome,
  type Device,
  type SyncedHome,
} from './synced-devices.ts';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import { whenPeersConnected } from './pair-in-ui.ts';
import { explainFailure } from './sync-report.ts';

const skip = e2eSkipReason;

const shot = screenshotPath;

void describe('PWA as a catalog peer of a real home node', { skip, timeout: 300_000 }, () => {
  let home: SyncedHome;

  before(async () => {
    home = await startSyncedHome();
  });
  after(async () => {
    await home?.close();
  });

  let a: Device;
  let b: Device;

  void it('shows the imported photos on both devices; A edits an album offline while B renames it', async () => {
    a = await pairDevice(home, home.node.pairingLink, 'Laptop A');
    b = await pairDevice(home, newPairingLink(home), 'Phone B');
    await a.page.screenshot({ path: shot('synced-timeline-laptop') });

    // An album both devices know. A failure says which side lost it (sync-report.ts).
    const explain = explainDevices(home, { A: a, B: b });
    await addToAlbum(a.page, 0, 0, 'Trip');
    await explainFailure(async () => {
      await openAlbum(b.page, /Trip/);
      await b.page.getByTestId('album-count').filter({ hasText: '1 item' }).waitFor();
    }, explain);

    // A offline adds photos; B renames meanwhile. Really cut off: the worker's libp2p
    // connection to the home node is gone too.
    await goOffline(a);
    await addToAlbum(a.page, 1, 3, /Trip/);
    await openAlbum(a.page, /Trip/);
    await a.page.getByTestId('album-count').filter({ hasText: '4 items' }).waitFor();
    // The sync status says the edit waits to be sent.
    await a.page
      .getByTestId('sync-pending')
      .filter({ hasText: /\b1 to send\b/ })
      .waitFor();
    await renameAlbum(b.page, 'Summer trip');
    assert.equal(await a.page.getByRole('textbox', { name: 'Album title' }).inputValue(), 'Trip');

    // Back online: the worker redials the home node by itself.
    await a.context.setOffline(false);
    await whenPeersConnected(a.page);
  });

  // Bounded well below the page timeout: the edits cross within a second of the connection
  // being back (bench pwa-offline-edit measures it); 15 s leaves room for a loaded machine.
  void it('both converge on the rename and all four photos after A is back', async () => {
    const soon = { timeout: 15_000 };
    await explainFailure(
      async () => {
        await albumTitleIs(a.page, 'Summer trip', soon);
        await a.page.getByTestId('album-count').filter({ hasText: '4 items' }).waitFor(soon);
        await b.page.getByTestId('album-count').filter({ hasText: '4 items' }).waitFor(soon);
        for (const d of [a, b])
          await d.page.getByTestId('sync-pending').filter({ hasText: 'all synced' }).waitFor(soon);
      },
      explainDevices(home, { A: a, B: b }),
    );
    await b.page.screenshot({ path: shot('synced-album-phone-b') });
  });

  void it('after a reload while offline, the status shows what was last known', async () => {
    await goOffline(b);
    await b.page.goto(b.page.url().replace(/#.*$/, '#/'));
    await b.page.reload();
    // The worker cannot know what is pending until it reaches the node; the page remembers.
    await b.page
      .getByTestId('sync-last')
      .filter({ hasText: /^ · last synced (just now|\d+ min ago)$/ })
      .waitFor({ timeout: 30_000 });
    assert.equal(await b.page.getByTestId('sync-pending').count(), 0);
    await b.page.locator('.tile').first().waitFor();
  });
});
