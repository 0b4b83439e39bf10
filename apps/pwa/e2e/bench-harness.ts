/**
 * Shared set-up of the pwa-* benchmarks (bench/pwa-*.bench.ts): the built app in Chromium
 * with a synthetic library of `count` items seeded through the Settings page, as a person would.
 */
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { buildTimelineMonth, encodeTimelineMonth, type Asset } from '@hearth/sync';
import { syntheticLibrary } from '../src/library/synthetic-library.ts';
import { monthKeyOf } from '../src/library/timeline-item.ts';
import { appRoot, hasBuild, hasChromium, launchChromium, servePwa } from './browser.ts';

export { appRoot, hasChromium, launchChromium };
// The pwa-blob bench's page (bench/pwa-blob.bench.ts builds apps/pwa/e2e/pwa-blob-page.html).
export type { BlobJob } from './pwa-blob-page.ts';
// Paired devices with a real home node (bench/pwa-offline-edit.bench.ts).
export {
  addToAlbum,
  goOffline,
  NATURE_PHOTOS,
  newPairingLink,
  openAlbum,
  pairDevice,
  renameAlbum,
  startSyncedHome,
  type Device,
  type SyncedHome,
} from './synced-devices.ts';

/** A running app with a seeded library. */
export interface BenchApp {
  page: Page;
  url: string;
  close(): Promise<void>;
}

function buildIfMissing(): void {
  if (hasBuild) return;
  const r = spawnSync(process.execPath, [`${appRoot}/../../node_modules/vite/bin/vite.js`, 'build'], {
    cwd: appRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

export async function openSeededApp(
  count: number,
  viewport = { width: 1280, height: 800 },
): Promise<BenchApp> {
  buildIfMissing();
  const server = await servePwa();
  const browser: Browser = await launchChromium();
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(300_000);
  await page.goto(`${server.url}#/settings`);
  await page.getByRole('spinbutton').fill(String(count));
  await page.getByRole('button', { name: 'Add sample library' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Added ${count}` })
    .waitFor();
  await page.goto(`${server.url}#/`);
  await page.locator('.tile').first().waitFor();
  return {
    page,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A paired device's page after a reload, without a home node: the same synthetic library as
 * `openSeededApp`, written straight into the timeline index and its month counts (IndexedDB,
 * the databases the peer worker keeps), plus a pairing record, so the page takes the paired
 * path (`createWorkerLibrary` over the index). The worker finds no node and no catalog there;
 * the page must paint without them, which is what this measures.
 */
export async function openPairedIndexApp(
  count: number,
  viewport = { width: 1280, height: 800 },
): Promise<BenchApp> {
  buildIfMissing();
  const libraryId = 'bench-library';
  const byMonth = new Map<string, Asset[]>();
  for (const a of syntheticLibrary({ count, seed: 42 })) {
    const m = monthKeyOf(a.capturedAt);
    const list = byMonth.get(m) ?? [];
    list.push({
      ...a,
      ratio: a.width / a.height,
      favorite: false,
      archived: false,
      derived: {},
    } as unknown as Asset);
    byMonth.set(m, list);
  }
  const months = [...byMonth].map(([m, assets]) => ({
    month: m,
    count: assets.length,
    b64: Buffer.from(encodeTimelineMonth(buildTimelineMonth(m, 'bench', assets))).toString('base64'),
  }));
  const server = await servePwa();
  const browser: Browser = await launchChromium();
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(300_000);
  await page.goto(`${server.url}#/settings`);
  const pairing = {
    libraryId,
    deviceId: '12D3KooWBenchDevice',
    deviceName: 'Bench',
    role: 'device',
    homeNode: '12D3KooWBenchHomeNode',
    homeAddrs: [],
    rootDocUrl: 'automerge:bench',
    libraryPublicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    pairedAt: Date.now(),
  };
  // Batches keep each argument small; the database names are the app's (timeline-index-reader.ts).
  for (let i = 0; i < months.length; i += 24)
    await page.evaluate(
      async ({ id, batch, pairing }) => {
        const open = (name: string, store: string) =>
          new Promise<IDBDatabase>((resolve, reject) => {
            const r = indexedDB.open(name, 1);
            r.onupgradeneeded = () => r.result.createObjectStore(store);
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
        const put = async (db: IDBDatabase, store: string, entries: [string, unknown][]) => {
          const tx = db.transaction(store, 'readwrite');
          for (const [k, v] of entries) tx.objectStore(store).put(v, k);
          await new Promise((resolve, reject) => {
            tx.oncomplete = resolve;
            tx.onerror = () => reject(tx.error);
          });
          db.close();
        };
        const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        await put(
          await open(`hearth-timeline-${id}`, 'months'),
          'months',
          batch.map((m) => [m.month, bytes(m.b64)]),
        );
        await put(
          await open(`hearth-timeline-summary-${id}`, 'months'),
          'months',
          batch.map((m) => [m.month, m.count]),
        );
        await put(await open('hearth-device', 'kv'), 'kv', [['pairing', pairing]]);
      },
      { id: libraryId, batch: months.slice(i, i + 24), pairing },
    );
  // A reload: the page chose the unpaired path when it loaded.
  await page.goto(`${server.url}#/`);
  await page.reload();
  await page.locator('.tile').first().waitFor();
  return {
    page,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
