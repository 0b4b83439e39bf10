/**
 * Faces and tags of a photo imported on a device whose home node is unreachable: a real home
 * node (ML on, the shared models) publishes its YuNet, face embedder and YOLOX files; Chromium
 * pairs and imports a first photo online (the worker then fetches those files and keeps them),
 * goes offline and imports a group photo. Its worker runs the node's models on onnxruntime-web
 * and search finds the photo by its tag ("person") offline. Back online, the node receives the
 * photo and adopts the device's faces and tags (its journal records them `by: device`) instead
 * of running its models again.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanUp, closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { openPairedPage, searchUntil, waitForMlCache } from './search-page.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../shared/models');
const IMAGES = join(MODELS, 'test-images');
const skip =
  e2eSkipReason || (!existsSync(join(MODELS, 'face-detection')) ? `no models at ${MODELS}` : false);

/** Every `catalog.jsonl` line under the node's data dir that is a derived record of `asset`. */
function derivedOf(dataDir: string, asset: string): { kind: string; values?: Record<string, unknown> }[] {
  const out: { kind: string; values?: Record<string, unknown> }[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f === 'catalog.jsonl')
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (!line.includes(asset) || !line.includes('"kind"')) continue;
          try {
            const r = JSON.parse(line) as {
              op?: string;
              rec?: { asset: string; kind: string; values?: Record<string, unknown> };
            };
            if (r.op === 'derived' && r.rec?.asset === asset) out.push(r.rec);
          } catch {
            // a torn last line
          }
        }
    }
  };
  walk(dataDir);
  return out;
}

void describe(
  'PWA faces and tags on its own imports while the home node is unreachable',
  { skip, timeout: 900_000 },
  () => {
    let node: HomeNode;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const src = mkdtempSync(join(tmpdir(), 'hearth-e2e-device-ml-'));
    const first = join(src, 'sign.jpg');
    const group = join(src, 'group.jpg');
    const groupId = createHash('sha256')
      .update(readFileSync(join(IMAGES, 'group-bbt1.jpg')))
      .digest('hex');

    before(async () => {
      cpSync(join(IMAGES, 'synthetic-text.jpg'), first);
      cpSync(join(IMAGES, 'group-bbt1.jpg'), group);
      node = await startHomeNode();
      ({ browser, context, page } = await openPairedPage(node, {
        viewport: { width: 1280, height: 900 },
        tiles: 0,
      }));
      if (process.env['E2E_DEBUG'])
        page.on('worker', (w) => w.on('console', (m) => console.log('worker:', m.text())));
    });
    after(() =>
      cleanUp([
        ['close Chromium', () => closeBrowser(browser)],
        ['stop the home node', () => node?.stop()],
        ['remove the photos', () => rmSync(src, { recursive: true, force: true })],
      ]),
    );

    void it('analyses the offline import on the device, finds it by tag offline; the node adopts the results', async () => {
      await page.goto(`${node.url}#/import`);
      await page.getByTestId('file-input').setInputFiles([first]);
      await page
        .locator('li[data-state="done"]')
        .filter({ hasText: 'sign.jpg' })
        .waitFor({ timeout: 120_000 });
      // An importing device keeps the node's face and tag models (3 files) for later, offline.
      await waitForMlCache(page, 'hearth-device-ml-', 3, 180_000);
      // ... and starts onnxruntime-web once, so its wasm is in the runtime cache for offline use.
      await page
        .waitForFunction(
          async () =>
            (await (await caches.open('hearth-onnx')).keys()).some((r) =>
              /\/assets\/ort-wasm-simd-threaded-[^/]*\.wasm$/.test(r.url),
            ),
          undefined,
          { timeout: 120_000, polling: 1000 },
        )
        .catch(async (e: unknown) => {
          const cached = await page.evaluate(async () =>
            (await (await caches.open('hearth-onnx')).keys()).map((r) => r.url),
          );
          throw new Error(`onnxruntime-web's wasm is not in the 'hearth-onnx' cache: ${cached.join(' ')}`, {
            cause: e,
          });
        });

      await context.setOffline(true);
      await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'no peer connected' }).waitFor();
      await page.getByTestId('file-input').setInputFiles([group]);
      await page.getByRole('link', { name: 'Search' }).click();
      await searchUntil(page, 'person', 1, { timeoutMs: 240_000 });
      assert.equal(await page.locator('.tile').first().getAttribute('data-id'), groupId);
      await page.screenshot({ path: screenshotPath('device-ml-offline') });

      // Back online: the upload completes, the ML document syncs, the node adopts the results.
      await context.setOffline(false);
      let derived: ReturnType<typeof derivedOf> = [];
      for (let i = 0; i < 240; i++) {
        derived = derivedOf(node.dataDir, groupId);
        if (['faces', 'tags'].every((k) => derived.some((d) => d.kind === k))) break;
        await page.waitForTimeout(500);
      }
      const faces = derived.find((d) => d.kind === 'faces');
      const tags = derived.find((d) => d.kind === 'tags');
      const journal = `the node's journal of ${groupId} (read for up to 120 s): ${JSON.stringify(derived)}`;
      assert.ok(faces && tags, `no faces or tags record in ${journal}`);
      assert.equal(faces.values?.['by'], 'device', journal);
      assert.equal(tags.values?.['by'], 'device', journal);
      assert.ok(Number(faces?.values?.['count']) >= 3, JSON.stringify(faces));
      assert.match(String(tags?.values?.['tags']), /"person"/);
    });
  },
);
