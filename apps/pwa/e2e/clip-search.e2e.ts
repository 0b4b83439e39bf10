/**
 * CLIP text search in the PWA, offline: a real home node with the generated tiny CLIP (the real
 * input/output signature; it encodes colour) embeds three solid-colour photos whose names say
 * nothing, publishes its text model and vocabulary, and Chromium pairs. The worker fetches
 * them by hash, runs the text encoder on onnxruntime-web (wasm, from the app's own origin) and
 * finds the red photo by "something red" — again offline after a reload. The similarity the
 * page reports is checked against onnxruntime-node on the same photo and query.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createClipEncoder, createModelLoader, createVectorIndex } from '@hearth/ml';
import { createFsModelStore, createOnnxNodeRuntime, decodeImage } from '@hearth/ml/platform';
import { tinyClipImageModel, tinyClipTextModel } from '@hearth/ml/testing';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser } from './bounded-close.ts';
import { e2eSkipReason, screenshotPath } from './browser.ts';
import { startHomeNode, type HomeNode } from './home-node.ts';
import {
  mlCacheBlobs,
  openPairedPage,
  searchBox,
  searchSummary,
  searchUntil,
  waitForMlCache,
} from './search-page.ts';

const SHARED = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../shared/models');
const VOCAB = join(SHARED, 'clip', 'bpe_simple_vocab_16e6.txt');
const skip = e2eSkipReason || (!existsSync(VOCAB) ? `no CLIP vocabulary at ${VOCAB}` : false);
const COLOURS = {
  'IMG_0001.jpg': [210, 30, 35],
  'IMG_0002.jpg': [30, 190, 40],
  'IMG_0003.jpg': [25, 40, 200],
};
const QUERY = 'something red';

/** A models dir with only the tiny CLIP (faces, tags and OCR stay off: faster, and not needed). */
function tinyClipModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-clip-models-'));
  mkdirSync(join(dir, 'clip'));
  symlinkSync(VOCAB, join(dir, 'clip', 'bpe_simple_vocab_16e6.txt'));
  writeFileSync(join(dir, 'clip', 'visual.onnx'), tinyClipImageModel());
  writeFileSync(join(dir, 'clip', 'textual.onnx'), tinyClipTextModel());
  return dir;
}

/** The similarity onnxruntime-node gives the photo and the query (through the same int8 index). */
async function nodeSimilarity(models: string, photo: string, query: string): Promise<number> {
  const runtime = createOnnxNodeRuntime();
  const loader = createModelLoader({ store: createFsModelStore(models), runtime });
  const clip = createClipEncoder(loader);
  const index = createVectorIndex(runtime, 512, { scoring: 'js' });
  try {
    index.add('photo', (await clip.embedImage(await decodeImage(photo))).vector);
    const [hit] = await index.search((await clip.embedText(query)).vector, 1);
    return hit!.score;
  } finally {
    await index.stop();
    await loader.stop();
  }
}

void describe('PWA CLIP text search, offline', { skip, timeout: 600_000 }, () => {
  let node: HomeNode;
  let browser: Browser;
  let page: Page;
  let models: string;
  let src: string;
  const saved = process.env['HEARTH_MODELS_DIR'];
  const ortRequests: string[] = [];
  /** the peer worker's console (both sessions: before and after the reload), said on a failure */
  const workerLog: string[] = [];

  before(async () => {
    models = tinyClipModels();
    process.env['HEARTH_MODELS_DIR'] = models; // the node started next reads it
    node = await startHomeNode();
    src = mkdtempSync(join(tmpdir(), 'hearth-e2e-clip-'));
    for (const [name, [r, g, b]] of Object.entries(COLOURS))
      await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } })
        .jpeg({ quality: 90 })
        .toFile(join(src, name));
    node.hearth('import', src);
    ({ browser, page } = await openPairedPage(node, {
      viewport: { width: 1280, height: 900 },
      tiles: 3,
      // Every onnxruntime file must come from the app's own origin (no CDN).
      onContext: (context) => {
        context.on('request', (r) => {
          if (/ort-wasm|onnxruntime/.test(r.url())) ortRequests.push(r.url());
        });
        context.on('page', (p) =>
          p.on('worker', (w) => w.on('console', (m) => workerLog.push(`${m.type()}: ${m.text()}`))),
        );
      },
    }));
  });
  after(async () => {
    if (saved === undefined) delete process.env['HEARTH_MODELS_DIR'];
    else process.env['HEARTH_MODELS_DIR'] = saved;
    await closeBrowser(browser); // bounded: kills a Chromium that will not close
    await node?.stop();
  });

  void it('finds the red photo by "something red" (nothing by its name), nothing for an unrelated query; same similarity as onnxruntime-node', async (t) => {
    // The worker fetches the CLIP shard soon after its catalog opens, but the text model only at
    // the first semantic search (a real one is 64–250 MB): one blob until then.
    assert.equal(await waitForMlCache(page, 'hearth-clip-', 1, 120_000), 1);
    await page.getByRole('link', { name: 'Search' }).click();
    await searchBox(page).fill(QUERY);
    await page
      .getByTestId('semantic-status')
      .filter({ hasText: /Downloading the search model… \d+%/ })
      .waitFor();
    await searchUntil(page, QUERY, 1, { timeoutMs: 120_000, semantic: true });
    // Shard, text model and vocabulary are kept; onnxruntime-web's wasm (not precached) went
    // into the runtime cache when the model loaded, so a device offline later can still search.
    assert.equal(await mlCacheBlobs(page, 'hearth-clip-'), 3);
    await page.waitForFunction(
      async () =>
        (await (await caches.open('hearth-onnx')).keys()).some((r) =>
          /\/assets\/ort-wasm-simd-threaded-[^/]*\.wasm$/.test(r.url),
        ),
      undefined,
      { timeout: 120_000, polling: 1000 },
    );
    const red = await page.locator('.tile').first().getAttribute('data-id');
    const ids = new Map(
      node
        .hearth('ls', '--json')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; fileName: string })
        .map((a) => [a.fileName, a.id]),
    );
    assert.equal(red, ids.get('IMG_0001.jpg'));
    const best = Number(await searchSummary(page).getAttribute('data-semantic-best'));
    const expected = await nodeSimilarity(models, join(src, 'IMG_0001.jpg'), QUERY);
    t.diagnostic(`similarity: Chromium (onnxruntime-web wasm) ${best}, onnxruntime-node ${expected}`);
    assert.ok(Math.abs(best - expected) < 1e-3, `Chromium ${best} vs onnxruntime-node ${expected}`);
    // onnxruntime-web's files come from this origin only.
    const origin = new URL(node.url).origin;
    assert.ok(
      ortRequests.length > 0 && ortRequests.every((u) => u.startsWith(`${origin}/`)),
      ortRequests.join(' '),
    );
    await searchUntil(page, 'blue', 1, { timeoutMs: 120_000, semantic: true });
    assert.equal(await page.locator('.tile').first().getAttribute('data-id'), ids.get('IMG_0003.jpg'));
    await searchUntil(page, 'a cat on a sofa', 0, { timeoutMs: 120_000, semantic: true });
    assert.equal(await searchSummary(page).getAttribute('data-semantic'), 'on');
    assert.equal(await page.getByTestId('semantic-status').count(), 0);
    await page.screenshot({ path: screenshotPath('clip-search') });
  });

  void it('answers the same offline, after a reload (model, vocabulary and shards kept)', async () => {
    await page.context().setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await page.reload();
    await searchBox(page).waitFor();
    try {
      await searchUntil(page, QUERY, 1, { timeoutMs: 30_000, semantic: true });
      await searchUntil(page, 'green', 1, { timeoutMs: 30_000, semantic: true });
    } catch (e) {
      // Say what semantic search said and what the worker logged (one failure in six left nothing).
      const semantic = await searchSummary(page).getAttribute('data-semantic');
      const why = await page.getByTestId('semantic-status').allTextContents();
      const blobs = await mlCacheBlobs(page, 'hearth-clip-');
      // Whether the wasm is kept and served here now, to the page and to each worker.
      const wasm = ortRequests.find((u) => u.endsWith('.wasm')) ?? '';
      const probe = async (u: string) => ({
        controlled: 'serviceWorker' in navigator ? Boolean(navigator.serviceWorker.controller) : 'n/a',
        cached: Boolean(await caches.match(u)),
        fetched: await fetch(u).then(
          (r) => r.status,
          (x: unknown) => String(x),
        ),
      });
      const seen = [
        `page ${JSON.stringify(await page.evaluate(probe, wasm))}`,
        ...(await Promise.all(
          page.workers().map(async (w) => `${w.url()} ${JSON.stringify(await w.evaluate(probe, wasm))}`),
        )),
      ];
      throw new Error(
        `semantic ${semantic}; ${why.join(' ')}; ${blobs} CLIP blobs kept; ${wasm}:\n${seen.join('\n')}\n${workerLog.slice(-60).join('\n')}`,
        { cause: e },
      );
    }
    await page.screenshot({ path: screenshotPath('clip-search-offline') });
  });
});
