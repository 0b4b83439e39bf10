/**
 * Faces, tags, OCR and CLIP of photos imported on a device whose home node is unreachable: a
 * real home node (ML on: the shared models plus the generated tiny CLIP) publishes its YuNet,
 * face embedder, YOLOX, PP-OCRv4 and CLIP image files; Chromium pairs and imports a first photo
 * online (the worker then fetches those files and keeps them) and searches it by CLIP once (so
 * the text model is kept too), goes offline and imports a group photo, a text photo and a red
 * one. Its worker runs the node's models on onnxruntime-web, and search finds them offline:
 * the group by its tag ("person"), the text photo by a word in it ("invoice"), the red photo by
 * CLIP ("something red"). Back online, the node receives the photos and adopts the device's
 * results (its journal records them `by: device`) instead of running its models again.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { tinyClipImageModel, tinyClipTextModel } from '@hearth/ml/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cleanUp, closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import { openPairedPage, searchBox, searchUntil, waitForMlCache } from './search-page.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../shared/models');
const IMAGES = join(MODELS, 'test-images');
const skip =
  e2eSkipReason ||
  (!existsSync(join(MODELS, 'face-detection')) || !existsSync(join(MODELS, 'ocr'))
    ? `no models at ${MODELS}`
    : false);

/** The shared models plus the tiny CLIP (no CLIP weights here), for the node. */
function modelsWithTinyClip(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-device-ml-models-'));
  for (const d of ['face-detection', 'face-recognition', 'object-detection', 'ocr'])
    symlinkSync(join(MODELS, d), join(dir, d));
  mkdirSync(join(dir, 'clip'));
  symlinkSync(
    join(MODELS, 'clip', 'bpe_simple_vocab_16e6.txt'),
    join(dir, 'clip', 'bpe_simple_vocab_16e6.txt'),
  );
  writeFileSync(join(dir, 'clip', 'visual.onnx'), tinyClipImageModel());
  writeFileSync(join(dir, 'clip', 'textual.onnx'), tinyClipTextModel());
  return dir;
}

const idOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

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
  'PWA faces, tags, OCR and CLIP on its own imports while the home node is unreachable',
  { skip, timeout: 900_000 },
  () => {
    let node: HomeNode;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let models: string;
    const saved = process.env['HEARTH_MODELS_DIR'];
    const workerLog: string[] = [];
    const src = mkdtempSync(join(tmpdir(), 'hearth-e2e-device-ml-'));
    const first = join(src, 'green.jpg');
    const group = join(src, 'group.jpg');
    const text = join(src, 'sign.jpg');
    const red = join(src, 'red.jpg');

    before(async () => {
      cpSync(join(IMAGES, 'group-bbt1.jpg'), group);
      cpSync(join(IMAGES, 'synthetic-text.jpg'), text);
      for (const [path, background] of [
        [first, { r: 30, g: 190, b: 40 }],
        [red, { r: 210, g: 30, b: 35 }],
      ] as const)
        await sharp({ create: { width: 320, height: 240, channels: 3, background } })
          .jpeg({ quality: 90 })
          .toFile(path);
      models = modelsWithTinyClip();
      process.env['HEARTH_MODELS_DIR'] = models; // the node started next reads it
      node = await startHomeNode();
      ({ browser, context, page } = await openPairedPage(node, {
        viewport: { width: 1280, height: 900 },
        tiles: 0,
        // The peer worker starts while pairing: follow it from the page's start.
        onContext: (c) =>
          c.on('page', (p) =>
            p.on('worker', (w) =>
              w.on('console', (m) => {
                workerLog.push(m.text());
                if (process.env['E2E_DEBUG']) console.log('worker:', m.text());
              }),
            ),
          ),
      }));
    });
    after(() => {
      if (saved === undefined) delete process.env['HEARTH_MODELS_DIR'];
      else process.env['HEARTH_MODELS_DIR'] = saved;
      return cleanUp([
        ['close Chromium', () => closeBrowser(browser)],
        ['stop the home node', () => node?.stop()],
        [
          'remove the photos and models',
          () => {
            rmSync(src, { recursive: true, force: true });
            if (models) rmSync(models, { recursive: true, force: true });
          },
        ],
      ]);
    });

    void it('analyses the offline imports on the device, finds them by tag, OCR word and CLIP offline; the node adopts the results', async () => {
      await page.goto(`${node.url}#/import`);
      await page.getByTestId('file-input').setInputFiles([first]);
      await page
        .locator('li[data-state="done"]')
        .filter({ hasText: 'green.jpg' })
        .waitFor({ timeout: 120_000 })
        .catch(async (e: unknown) => {
          const row = page.locator('li[data-state]').filter({ hasText: 'green.jpg' });
          const seen = `${await row.getAttribute('data-state')}: ${await row.textContent()}`;
          throw new Error(`green.jpg was not backed up: ${seen}\n${workerLog.join('\n')}`, { cause: e });
        });
      // An importing device keeps the node's face, tag, OCR and CLIP image models (8 files) for later, offline.
      await waitForMlCache(page, 'hearth-device-ml-', 8, 180_000);
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
      // One CLIP search online: the CLIP text model is fetched at the first one, then kept.
      await page.getByRole('link', { name: 'Search' }).click();
      await searchUntil(page, 'something green', 1, { timeoutMs: 240_000, semantic: true });
      await waitForMlCache(page, 'hearth-clip-', 3, 60_000);

      await context.setOffline(true);
      await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'no peer connected' }).waitFor();
      await page.evaluate(() => (location.hash = '#/import')); // offline: no page load
      await page.getByTestId('file-input').waitFor();
      await page.getByTestId('file-input').setInputFiles([group, text, red]);
      await page.getByRole('link', { name: 'Search' }).click();
      await searchUntil(page, 'person', 1, { timeoutMs: 300_000 });
      assert.equal(await page.locator('.tile').first().getAttribute('data-id'), idOf(group));
      await searchUntil(page, 'invoice', 1, { timeoutMs: 240_000 });
      assert.equal(await page.locator('.tile').first().getAttribute('data-id'), idOf(text));
      // CLIP: the red photo is the best match, from the device's own embedding (no month shard has it).
      const query = 'something red';
      const end = Date.now() + 240_000;
      for (let best: string | null = null; best !== idOf(red);) {
        assert.ok(Date.now() < end, `"${query}" offline: best ${best}, wanted the red photo ${idOf(red)}`);
        await searchBox(page).fill('');
        await searchBox(page).fill(query);
        await page.locator(`[data-testid="search-summary"][data-answered="${query}"]`).waitFor();
        best = (await page.locator('.tile').count())
          ? await page.locator('.tile').first().getAttribute('data-id')
          : null;
        if (best !== idOf(red)) await page.waitForTimeout(1000);
      }
      await page.screenshot({ path: screenshotPath('device-ml-offline') });

      // Back online: the uploads complete, the ML document syncs, the node adopts the results.
      await context.setOffline(false);
      const photos = { group: idOf(group), text: idOf(text), red: idOf(red) };
      const kinds = ['faces', 'tags', 'ocr', 'clip'];
      const journal = () =>
        Object.fromEntries(Object.entries(photos).map(([n, id]) => [n, derivedOf(node.dataDir, id)]));
      let derived = journal();
      for (let i = 0; i < 360; i++) {
        derived = journal();
        if (Object.values(derived).every((d) => kinds.every((k) => d.some((r) => r.kind === k)))) break;
        await page.waitForTimeout(500);
      }
      const say = `the node's journal (read for up to 180 s): ${JSON.stringify(derived)}`;
      for (const [name, records] of Object.entries(derived))
        for (const k of kinds) {
          const r = records.find((d) => d.kind === k);
          assert.ok(r, `no ${k} record of the ${name} photo in ${say}`);
          assert.equal(r.values?.['by'], 'device', `${name} ${k}: ${say}`);
        }
      const of = (name: keyof typeof photos, k: string) => derived[name]!.find((d) => d.kind === k)!.values!;
      assert.ok(Number(of('group', 'faces')['count']) >= 3, say);
      assert.match(String(of('group', 'tags')['tags']), /"person"/);
      assert.match(String(of('text', 'ocr')['text']).replace(/\s/g, ''), /Invoice#12345/);
      assert.equal(of('red', 'clip')['dims'], 512);

      // Pruning: the node records that it holds results of its own; the device removes its 12.
      const removed = () =>
        workerLog
          .map((l) => /device ML: removed (\d+) results/.exec(l)?.[1])
          .reduce((n, c) => n + Number(c ?? 0), 0);
      for (let i = 0; i < 120 && removed() < 12; i++) await page.waitForTimeout(500);
      assert.equal(
        removed(),
        12,
        `the device's log: ${workerLog.filter((l) => l.includes('device ML')).join(' | ')}`,
      );
    });
  },
);
