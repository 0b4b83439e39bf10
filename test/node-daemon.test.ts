import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

const tmp = (p: string) => testDir(p);
let hasOpenssl = true;
try {
  execFileSync('openssl', ['version']);
} catch {
  hasOpenssl = false;
}

function rawGet(base: string, path: string): Promise<string> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    httpGet({ host: u.hostname, port: u.port, path }, (r) => {
      let s = '';
      r.on('data', (c: Buffer) => (s += c.toString()));
      r.on('end', () => resolve(s));
    }).on('error', reject);
  });
}

function fakeDist(): string {
  const dist = tmp('dist');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Hearth app</title>');
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dist, 'manifest.webmanifest'), '{}');
  writeFileSync(join(dist, 'assets', 'index-Bq3xY9aZ.js'), 'console.log(1)');
  return dist;
}

describe('hearth start (daemon)', () => {
  it('serves the app with service-worker-safe caching, health and readiness; stops in order on SIGTERM', async () => {
    const d = tmp('daemon');
    await runCli(['--data-dir', d, 'init']);
    const imp = await runCli([
      '--data-dir',
      d,
      'import',
      '--no-derive',
      join(fixturesDir(), 'immich-test-assets/albums/nature'),
    ]);
    expect(imp.code).toBe(0);
    const p = startHomeNode(d, undefined, { args: ['--pwa-dir', fakeDist()] });
    const [, url] = (await p.waitFor(/Serving the app at (\S+)/)) as unknown as [string, string];
    await p.waitFor(/^ready$/m);
    const res = async (path: string) => fetch(new URL(path, url));
    expect((await res('/healthz')).status).toBe(200);
    expect((await res('/readyz')).status).toBe(200);
    const index = await res('/');
    expect(await index.text()).toContain('Hearth app');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const sw = await res('/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('service-worker-allowed')).toBe('/');
    expect((await res('/assets/index-Bq3xY9aZ.js')).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
    expect((await res('/manifest.webmanifest')).headers.get('content-type')).toBe(
      'application/manifest+json',
    );
    expect(await (await res('/albums/123')).text()).toContain('Hearth app'); // client-side route
    // Encoded traversal stays inside the app folder (the URL API would normalise a plain `..` away).
    expect(await rawGet(url, '/..%2f..%2f..%2f..%2fetc%2fpasswd')).not.toContain('root:');
    expect((await res('/missing.js')).status).toBe(404);
    // The imported assets reach the synced (Automerge) catalog that paired devices see.
    await expect
      .poll(
        async () => ((await (await res('/api/status')).json()) as { syncedAssets: number }).syncedAssets,
        { timeout: 20_000 },
      )
      .toBe(9);
    expect(await (await res('/api/status')).json()).toMatchObject({
      assets: 9,
      ready: true,
      addresses: expect.arrayContaining([expect.stringMatching(/\/ws\/p2p\/12D3Koo/)]),
    });

    // A second daemon on the same data dir refuses to start.
    const second = await runCli(['--data-dir', d, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns']);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/already runs on this data dir/);

    const status = await runCli(['--data-dir', d, 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ daemon: { url } });

    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    const order = [...p.output().matchAll(/^stopped (.+)$/gm)].map((m) => m[1]);
    expect(order).toEqual([
      'http',
      'journal snapshot',
      'status feed',
      'reconcile loop',
      'media tools',
      'catalog projection',
      'replication',
      'blob tokens',
      'uploads',
      // Puts this node's signed ICE list back when a peer overwrites it.
      'ICE list guard',
      'pairing',
      // Every home node dials the others it hears of (a second node may join later).
      'home link',
      'peer services',
      'blob store',
      'lock',
      'catalog',
    ]);
    expect(existsSync(join(d, 'daemon.json'))).toBe(false);
  });

  it('recovers by itself after being killed', async () => {
    const d = tmp('killed');
    const p = startHomeNode(d);
    await p.waitFor(/^ready$/m);
    p.child.kill('SIGKILL');
    await p.exited;
    expect(existsSync(join(d, 'daemon.json'))).toBe(true); // left behind by the crash
    const q = startHomeNode(d, undefined, { args: ['--pwa-dir', join(d, 'no-such-dist')] });
    const [, url] = (await q.waitFor(/Serving the app at (\S+)/)) as unknown as [string, string];
    await q.waitFor(/^ready$/m);
    // Without a built app the node says so instead of a blank page.
    expect(await (await fetch(url)).text()).toContain('has not been built');
    q.child.kill('SIGINT');
    expect((await q.exited).code).toBe(0);
  });

  it.skipIf(!hasOpenssl)('serves HTTPS when given a certificate and key', async () => {
    const d = tmp('tls');
    const cert = join(d, 'cert.pem');
    const key = join(d, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const p = startHomeNode(d, undefined, { args: ['--tls-cert', cert, '--tls-key', key] });
    const [, url] = (await p.waitFor(/Serving the app at (\S+)/)) as unknown as [string, string];
    expect(url).toMatch(/^https:\/\//);
    const body = await new Promise<string>((resolve, reject) => {
      get(new URL('/healthz', url), { rejectUnauthorized: false }, (r) => {
        let s = '';
        r.on('data', (c: Buffer) => (s += c.toString()));
        r.on('end', () => resolve(s));
      }).on('error', reject);
    });
    expect(body).toBe('ok\n');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });
});
