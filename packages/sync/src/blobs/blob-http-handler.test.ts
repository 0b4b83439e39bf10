import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { createBlobTokenIssuer } from './blob-token.ts';
import { createBlobHttpHandler, parseRange } from './blob-http-handler.ts';
import { toNodeListener } from './blob-http-handler.node.ts';
import { nodeHashing } from './hashing.node.ts';
import { sha256Hex } from './hashing.ts';

const DEVICE = '12D3KooWDevice';
const key = crypto.getRandomValues(new Uint8Array(32));

async function setup(opts: { paired?: Set<string>; now?: () => number } = {}) {
  const store = createMemoryBlobStore({ hashing: nodeHashing });
  const data = crypto.getRandomValues(new Uint8Array(50_000));
  const { hash } = await store.put(data);
  const paired = opts.paired ?? new Set([DEVICE]);
  let clock = Date.now();
  const now = opts.now ?? (() => clock);
  const tokens = createBlobTokenIssuer({ key, ttlSeconds: 60, isPaired: (d) => paired.has(d), now });
  const handler = createBlobHttpHandler({ store, tokens, contentType: () => 'video/mp4' });
  const unknown = await sha256Hex(nodeHashing, new Uint8Array([1, 2, 3]));
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    handler(new Request(`http://home${path}`, { method, headers }));
  return { store, data, hash, unknown, tokens, handler, get, paired, advance: (ms: number) => (clock += ms) };
}

describe('blob HTTP endpoint', () => {
  it('answers 401 without a token and 403 with a wrong, forged, expired or revoked one, the same for known and unknown blobs', async () => {
    const s = await setup();
    const { token } = await s.tokens.mint(DEVICE);
    const other = createBlobTokenIssuer({ key: crypto.getRandomValues(new Uint8Array(32)) });
    const forged = (await other.mint(DEVICE)).token;
    const tampered = token.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'));
    for (const h of [s.hash, s.unknown]) {
      const missing = await s.get(`/blobs/${h}`);
      expect(missing.status).toBe(401);
      expect(await missing.text()).toBe('a blob token is required');
      for (const bad of ['nonsense', forged, tampered, `${token}.x`]) {
        const r = await s.get(`/blobs/${h}?token=${encodeURIComponent(bad)}`);
        expect(r.status).toBe(403);
        expect(await r.text()).toBe('token not accepted');
      }
    }
    s.advance(61_000);
    expect((await s.get(`/blobs/${s.hash}`, { authorization: `Bearer ${token}` })).status).toBe(403);
    const fresh = (await s.tokens.mint(DEVICE)).token;
    expect((await s.get(`/blobs/${s.hash}`, { authorization: `Bearer ${fresh}` })).status).toBe(200);
    s.paired.delete(DEVICE);
    expect((await s.get(`/blobs/${s.hash}`, { authorization: `Bearer ${fresh}` })).status).toBe(403);
  });

  it('serves the whole blob, HEAD, ETag/304 and 404 for an unknown hash with a valid token', async () => {
    const s = await setup();
    const { token } = await s.tokens.mint(DEVICE);
    const auth = { authorization: `Bearer ${token}` };
    const r = await s.get(`/blobs/${s.hash}`, auth);
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe(`"${s.hash}"`);
    expect(r.headers.get('content-length')).toBe('50000');
    expect(r.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(s.data);
    const head = await s.get(`/blobs/${s.hash}`, auth, 'HEAD');
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '50000', '']);
    expect((await s.get(`/blobs/${s.hash}`, { ...auth, 'if-none-match': `"${s.hash}"` })).status).toBe(304);
    expect((await s.get(`/blobs/${s.unknown}`, auth)).status).toBe(404);
    expect((await s.get(`/blobs/../etc/passwd`, auth)).status).toBe(404);
    expect((await s.get(`/blobs/${s.hash}`, auth, 'DELETE')).status).toBe(405);
  });

  it('answers Range requests with 206 and Content-Range, and 416 outside the blob', async () => {
    const s = await setup();
    const { token } = await s.tokens.mint(DEVICE);
    const auth = { authorization: `Bearer ${token}` };
    for (const [range, start, end] of [
      ['bytes=0-0', 0, 1],
      ['bytes=100-199', 100, 200],
      ['bytes=49000-', 49000, 50000],
      ['bytes=-500', 49500, 50000],
      ['bytes=49990-60000', 49990, 50000],
    ] as const) {
      const r = await s.get(`/blobs/${s.hash}`, { ...auth, range });
      expect(r.status).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end - 1}/50000`);
      expect(r.headers.get('content-length')).toBe(String(end - start));
      expect(new Uint8Array(await r.arrayBuffer())).toEqual(s.data.subarray(start, end));
    }
    const bad = await s.get(`/blobs/${s.hash}`, { ...auth, range: 'bytes=50000-' });
    expect([bad.status, bad.headers.get('content-range')]).toEqual([416, 'bytes */50000']);
    expect((await s.get(`/blobs/${s.hash}`, { ...auth, range: 'bytes=0-1,5-6' })).status).toBe(200);
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
  });

  it('serves ranges through node:http for a real fetch', async () => {
    const s = await setup();
    const server = createServer(toNodeListener(s.handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { token } = await s.tokens.mint(DEVICE);
      const r = await fetch(`http://127.0.0.1:${port}/blobs/${s.hash}?token=${token}`, {
        headers: { range: 'bytes=1000-1999' },
      });
      expect(r.status).toBe(206);
      expect(new Uint8Array(await r.arrayBuffer())).toEqual(s.data.subarray(1000, 2000));
      expect((await fetch(`http://127.0.0.1:${port}/blobs/${s.hash}`)).status).toBe(401);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
