/**
 * The PWA served by a real home node (separate process): two browser contexts pair as two
 * devices through the Devices page (libp2p WebSockets from the page's peer worker), the node
 * lists both, and each shows one connected peer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hasBuild, hasChromium, launchChromium } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi } from './pair-in-ui.ts';

const skip = !hasChromium
  ? 'no Chromium at /usr/bin/chromium (apt-get install chromium)'
  : !hasBuild
    ? 'no dist/: run `npm run build -w @hearth/pwa`'
    : false;

void describe('PWA paired with a real home node', { skip, timeout: 240_000 }, () => {
  let node: HomeNode;
  let browser: Browser;

  before(async () => {
    node = await startHomeNode();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  async function pairDevice(link: string, name: string): Promise<{ page: Page; deviceId: string }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    assert.match(await pairInUi(page, node.url, link, name), /Paired with the library/);
    const list = page.getByRole('list', { name: 'Devices in this library' });
    await list.getByText(`${name} (this device)`).waitFor();
    const deviceId = (await list.locator('li').first().locator('code').textContent()) ?? '';
    assert.match(deviceId, /^12D3KooW/);
    await page.getByRole('status').filter({ hasText: '1 peer' }).waitFor();
    return { page, deviceId };
  }

  void it('pairs two browsers as two devices; the home node lists both; a reload keeps the pairing', async () => {
    const a = await pairDevice(node.pairingLink, 'Laptop A');
    const offer = JSON.parse(node.hearth('pair', '--json')) as { link: string };
    const b = await pairDevice(offer.link, 'Phone B');
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
    await a.page.getByRole('status').filter({ hasText: '1 peer' }).waitFor();
    await a.page.screenshot({ path: new URL('./screenshots/devices-laptop.png', import.meta.url).pathname });
  });
});
