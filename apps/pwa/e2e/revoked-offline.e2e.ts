/**
 * A browser revoked while its page was closed (fully offline: nobody could tell it) learns it
 * when it opens again: a real `hearth start` process lets its dial through only to send the
 * library-signed revocation (revocation courier), the page says it was removed, and the worker
 * stops dialling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, launchChromium } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { pairInUi, whenPeersConnected } from './pair-in-ui.ts';

void describe('a browser revoked while offline', { skip: e2eSkipReason, timeout: 180_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  before(async () => {
    node = await startHomeNode();
    browser = await launchChromium();
  });
  after(async () => {
    await closeBrowser(browser);
    await node?.stop();
  });

  void it('is told it was removed when its page opens again, and stops dialling', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    let page = await context.newPage();
    page.setDefaultTimeout(30_000);
    assert.match(await pairInUi(page, node.url, node.pairingLink, 'Phone'), /Paired with the library/);
    const list = page.getByRole('list', { name: 'Devices in this library' });
    await list.getByText('Phone (this device)').waitFor();
    const deviceId = (await list.locator('li').first().locator('code').textContent()) ?? '';
    assert.match(deviceId, /^12D3KooW/);
    await whenPeersConnected(page);
    // The page (and its worker) goes away; the device is revoked while nothing of it runs.
    await page.close();
    node.hearth('devices', 'revoke', deviceId);

    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const lines: string[] = [];
    const stopped = new Promise<void>((resolve) =>
      page.on('worker', (w) =>
        w.on('console', (m) => {
          lines.push(m.text());
          if (m.text().includes('removed from the library: no longer dialling')) resolve();
        }),
      ),
    );
    await page.goto(`${node.url}#/devices`);
    await page.getByRole('alert').filter({ hasText: 'This device was removed from the library' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'no peer connected' }).waitFor();
    let bound: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      bound = setTimeout(() => reject(new Error(`the worker kept dialling: ${lines.join(' | ')}`)), 10_000);
    });
    await Promise.race([stopped, late]).finally(() => clearTimeout(bound));
  });
});
