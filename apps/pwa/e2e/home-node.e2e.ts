/**
 * The PWA served by a real home node (separate process): two browser contexts pair as two
 * devices through the Devices page (libp2p WebSockets from the page's peer worker), the node
 * lists both, and each shows a connected peer (the home node, and the other browser once
 * their direct WebRTC connection is up); then device A revokes device B from its
 * Devices page (the home node signs it), and B loses its connection for good, is told it was
 * removed from the library (also after a reload), and pairs again as a new device.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, launchChromium } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi, whenPeersConnected } from './pair-in-ui.ts';

const skip = e2eSkipReason;

void describe('PWA paired with a real home node', { skip, timeout: 240_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  /** the two devices the first test pairs (the revoke test uses them) */
  const paired: { page: Page; deviceId: string }[] = [];

  before(async () => {
    node = await startHomeNode();
    browser = await launchChromium();
  });
  after(async () => {
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await node?.stop();
  });

  async function pairDevice(link: string, name: string): Promise<{ page: Page; deviceId: string }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    if (process.env['HEARTH_E2E_DEBUG'])
      page.on('worker', (w) => w.on('console', (m) => console.error(`[worker ${name}] ${m.text()}`)));
    assert.match(await pairInUi(page, node.url, link, name), /Paired with the library/);
    const list = page.getByRole('list', { name: 'Devices in this library' });
    await list.getByText(`${name} (this device)`).waitFor();
    const deviceId = (await list.locator('li').first().locator('code').textContent()) ?? '';
    assert.match(deviceId, /^12D3KooW/);
    await whenPeersConnected(page);
    return { page, deviceId };
  }

  void it('pairs two browsers as two devices; the home node lists both; a reload keeps the pairing', async () => {
    const a = await pairDevice(node.pairingLink, 'Laptop A');
    const offer = JSON.parse(node.hearth('pair', '--json')) as { link: string };
    const b = await pairDevice(offer.link, 'Phone B');
    paired.push(a, b);
    assert.notEqual(a.deviceId, b.deviceId);
    const devices = node.hearth('devices', '--json');
    assert.ok(devices.includes(a.deviceId), 'the node lists device A');
    assert.ok(devices.includes(b.deviceId), 'the node lists device B');
    await a.page.reload();
    await a.page
      .getByRole('list', { name: 'Devices in this library' })
      .getByText('Laptop A (this device)')
      .waitFor();
    // Same device key after the reload: the worker reconnects with the paired identity.
    assert.equal(
      await a.page
        .getByRole('list', { name: 'Devices in this library' })
        .locator('li')
        .first()
        .locator('code')
        .textContent(),
      a.deviceId,
    );
    await whenPeersConnected(a.page);
    await a.page.screenshot({ path: new URL('./screenshots/devices-laptop.png', import.meta.url).pathname });
  });

  void it('device A revokes device B from the Devices page; B is cut off and the node lists it revoked', async () => {
    const [a, b] = paired;
    assert.ok(a && b, 'the pairing test ran first');
    await a.page.goto(`${node.url}#/devices`);
    const list = a.page.getByRole('list', { name: 'Devices in this library' });
    // Every device of the library, from the synced root document: A, the home node, B.
    const rowB = list.locator(`li[data-device-id="${b.deviceId}"]`);
    await rowB.getByText('Phone B').waitFor();
    await list.getByText('home node').first().waitFor();
    // The home node has no revoke button; B has one, behind a confirmation.
    assert.equal(await list.getByRole('button', { name: /^Revoke/ }).count(), 1);
    await rowB.getByRole('button', { name: 'Revoke Phone B' }).click();
    const dialog = a.page.getByRole('alertdialog');
    await dialog.getByText('Revoke “Phone B”?').waitFor();
    await a.page.screenshot({ path: new URL('./screenshots/devices-revoke.png', import.meta.url).pathname });
    await dialog.getByRole('button', { name: 'Revoke device' }).click();
    await a.page.getByRole('status').filter({ hasText: 'Revoked Phone B' }).waitFor();
    // The revocation reaches A's replica of the root document by sync.
    await list.locator(`li[data-device-id="${b.deviceId}"][data-revoked="true"]`).waitFor();
    await whenPeersConnected(a.page);
    const rows = JSON.parse(node.hearth('devices', '--json')) as { deviceId: string; revoked: boolean }[];
    assert.equal(rows.find((r) => r.deviceId === b.deviceId)?.revoked, true);
    assert.equal(rows.find((r) => r.deviceId === a.deviceId)?.revoked, false);
    // B is cut off (the node refuses its redials: test/revocation-cutoff covers that part).
    await b.page.getByRole('status').filter({ hasText: 'no peer connected' }).waitFor();
    await a.page.screenshot({ path: new URL('./screenshots/devices-revoked.png', import.meta.url).pathname });
    // The node told B before the cut (/hearth/revoked/1): B says so, and still after a reload.
    await b.page.getByRole('alert').filter({ hasText: 'This device was removed from the library' }).waitFor();
    await b.page.reload();
    await b.page.getByRole('alert').filter({ hasText: 'This device was removed from the library' }).waitFor();
    await b.page.screenshot({
      path: new URL('./screenshots/devices-removed-b.png', import.meta.url).pathname,
    });
    // Pairing again is offered and works: a new device key (the revoked one stays refused).
    const offer = JSON.parse(node.hearth('pair', '--json')) as { link: string };
    assert.match(await pairInUi(b.page, node.url, offer.link, 'Phone B again'), /Paired with the library/);
    await b.page.reload();
    const listB = b.page.getByRole('list', { name: 'Devices in this library' });
    await listB.getByText('Phone B again (this device)').waitFor();
    const newId = (await listB.locator('li').first().locator('code').textContent()) ?? '';
    assert.match(newId, /^12D3KooW/);
    assert.notEqual(newId, b.deviceId);
    await whenPeersConnected(b.page);
    assert.equal(await b.page.getByRole('alert').filter({ hasText: 'removed from the library' }).count(), 0);
    const after = JSON.parse(node.hearth('devices', '--json')) as { deviceId: string; revoked: boolean }[];
    assert.equal(after.find((r) => r.deviceId === newId)?.revoked, false);
    assert.equal(after.find((r) => r.deviceId === b.deviceId)?.revoked, true);
  });
});
