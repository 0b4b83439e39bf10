import type { Page } from 'playwright-core';

/**
 * Pairs the app in `page` through its Devices screen, as a person would: paste the link,
 * name the device, press Pair. Resolves with the status text once pairing has succeeded or failed.
 */
export async function pairInUi(page: Page, appUrl: string, link: string, name: string): Promise<string> {
  await page.goto(`${appUrl}#/devices`);
  await page.getByRole('textbox', { name: 'Pairing link' }).fill(link);
  await page.getByRole('textbox', { name: 'Name of this device' }).fill(name);
  await page.getByRole('button', { name: 'Pair' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /Paired with the library|Pairing failed/ })
    .waitFor();
  return (await page.getByRole('status').filter({ hasText: /Pair/ }).textContent()) ?? '';
}

/**
 * Resolves once the app's status line counts at least one connected peer (a paired page
 * has dialled its home node or another device).
 */
export async function whenPeersConnected(page: Page, timeout?: number): Promise<void> {
  await page
    .getByRole('status')
    .filter({ hasText: /(^|\D)[1-9]\d* peers?\b/ })
    .waitFor(timeout === undefined ? undefined : { timeout });
}
