/**
 * pwa-blob: 200 MB of originals and 2,000 thumbnails from a real home node (`hearth start`,
 * its own process) into the browser's blob store — the app's path: a token minted over
 * libp2p, HTTP GET of `/blobs/<hash>`, SHA-256 verified (WebCrypto), put into the IndexedDB
 * media cache — in headless Chromium. Anchor, same page and run: a bare `fetch` of the same
 * URLs that only reads the bytes. Goal (issue 6 §4): http_ratio = bare time / app time ≥ 0.5.
 *
 * The bench page (apps/pwa/e2e/pwa-blob-page.ts) is built by Vite and served by the node
 * itself, as the app is by default (same origin). Random blobs are put straight into the
 * node's blob store (originals 10 MB each, thumbnails 8–16 KB): this measures transport +
 * verify + store, not deriving. Medians of `rounds`, bare and app alternating first.
 *
 * `npm run bench -- pwa-blob [originals_mb=200] [thumbnails=2000] [rounds=3] [concurrency=6]`
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import { build } from 'vite';
import { generateDeviceKey, pairWithCode, parsePairingLink, requestBlobToken } from '@hearth/sync';
import { createFsBlobStore, createPeerNode } from '@hearth/sync/platform';
import { buildNodeLibrary, CLI } from '@hearth/node-peer/testing';
import { appRoot, hasChromium, launchChromium, type BlobJob } from '@hearth/pwa/e2e';
import { median, report } from './report.ts';

const originalsMb = Number(process.argv[2] ?? 200);
const thumbnailCount = Number(process.argv[3] ?? 2000);
const rounds = Number(process.argv[4] ?? 3);
const concurrency = Number(process.argv[5] ?? 6);
const ORIGINAL = 10 * 1024 * 1024;

if (!hasChromium) {
  console.error('pwa-blob: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');
  process.exit(0);
}

const base = mkdtempSync(join(tmpdir(), 'hearth-pwa-blob-'));
const dataDir = join(base, 'node');
const pageDir = join(base, 'page');
const cleanup: (() => Promise<unknown>)[] = [];
try {
  // The node's library with the blobs in its store.
  await buildNodeLibrary(dataDir, 0);
  const blobs = createFsBlobStore({ root: join(dataDir, 'blobs') });
  await blobs.start();
  const originals: string[] = [];
  const thumbnails: string[] = [];
  for (let i = 0; i < Math.round((originalsMb * 1024 * 1024) / ORIGINAL); i++)
    originals.push((await blobs.put(randomBytes(ORIGINAL))).hash);
  for (let i = 0; i < thumbnailCount; i++)
    thumbnails.push((await blobs.put(randomBytes(randomInt(8 * 1024, 16 * 1024)))).hash);
  await blobs.stop();

  await build({
    root: appRoot,
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: {
      outDir: pageDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: join(appRoot, 'e2e/pwa-blob-page.html') },
    },
  });

  // The home node serving the bench page, then this process pairs and mints a token over libp2p.
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--data-dir',
      dataDir,
      'start',
      '--port',
      '0',
      '--p2p-port',
      '0',
      '--no-mdns',
      '--pwa-dir',
      pageDir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HEARTH_ML: 'off' } },
  );
  cleanup.push(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
  let out = '';
  const [url, link] = await new Promise<[string, string]>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Serving the app at (\S+)[\s\S]*Pairing link: (\S+)[\s\S]*^ready$/m.exec(out);
      if (m?.[1] && m[2]) resolve([m[1], m[2]]);
    });
    child.on('exit', (code) => reject(new Error(`hearth start exited ${code}: ${out}`)));
  });
  const device = await createPeerNode({
    privateKey: await generateDeviceKey(),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    relayServer: false,
  });
  cleanup.push(async () => device.stop());
  const pairing = parsePairingLink(link);
  await pairWithCode(device, pairing, { name: 'pwa-blob bench' });
  const { token, expiresAt } = await requestBlobToken(device, peerIdFromString(pairing.peerId));

  const browser = await launchChromium();
  cleanup.push(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(new URL('e2e/pwa-blob-page.html', url).toString());
  await page.waitForFunction(() => document.body.dataset['ready'] === '1');
  const job: BlobJob = { token, expiresAt, originals, thumbnails, concurrency };

  const bare: number[] = [];
  const app: number[] = [];
  const verify: number[] = [];
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const runBare = async () => {
      const res = await page.evaluate(
        (j) =>
          (
            globalThis as never as { hearthBlobBench: { bare(j: BlobJob): Promise<{ ms: number }> } }
          ).hearthBlobBench.bare(j),
        job,
      );
      bare.push(res.ms);
    };
    const runApp = async () => {
      const res = await page.evaluate(
        ([j, db]) =>
          (
            globalThis as never as {
              hearthBlobBench: {
                store(j: BlobJob, db: string): Promise<{ ms: number; bytes: number; stored: number }>;
              };
            }
          ).hearthBlobBench.store(j, db),
        [job, `pwa-blob-${r}`] as const,
      );
      if (res.stored !== originals.length + thumbnails.length)
        throw new Error(`only ${res.stored} blobs are in the store after round ${r}`);
      bytes = res.bytes;
      app.push(res.ms);
    };
    const runVerify = async () => {
      const res = await page.evaluate(
        (j) =>
          (
            globalThis as never as { hearthBlobBench: { verify(j: BlobJob): Promise<{ ms: number }> } }
          ).hearthBlobBench.verify(j),
        job,
      );
      verify.push(res.ms);
    };
    if (r % 2 === 0) {
      await runBare();
      await runApp();
      await runVerify();
    } else {
      await runVerify();
      await runApp();
      await runBare();
    }
    process.stderr.write(
      `round ${r}: bare ${bare.at(-1)!.toFixed(0)} ms, app ${app.at(-1)!.toFixed(0)} ms, fetch+verify ${verify.at(-1)!.toFixed(0)} ms\n`,
    );
  }
  const mb = bytes / 1e6;
  const bareMs = median(bare);
  const appMs = median(app);
  report({
    bench: 'pwa-blob',
    metric: 'http_ratio',
    value: bareMs / appMs,
    unit: 'x',
    anchor: { name: 'bare_fetch_mb_s', value: mb / (bareMs / 1000) },
    ratio: bareMs / appMs,
  });
  report({ bench: 'pwa-blob', metric: 'app_mb_s', value: mb / (appMs / 1000), unit: 'MB/s' });
  report({ bench: 'pwa-blob', metric: 'app_ms', value: appMs, unit: 'ms' });
  report({ bench: 'pwa-blob', metric: 'bare_ms', value: bareMs, unit: 'ms' });
  // Where the app's time goes: fetch + verify alone, without the IndexedDB store.
  report({ bench: 'pwa-blob', metric: 'fetch_verify_ms', value: median(verify), unit: 'ms' });
  report({ bench: 'pwa-blob', metric: 'blobs', value: originals.length + thumbnails.length, unit: 'blobs' });
  report({ bench: 'pwa-blob', metric: 'bytes_mb', value: mb, unit: 'MB' });
} finally {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
}
