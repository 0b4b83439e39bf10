/**
 * Replication policy and scrub between real peer processes over loopback TCP.
 */
import { afterEach, expect, it } from 'vitest';
import { open, rm } from 'node:fs/promises';
import { spawnBlobPeer, pair, type BlobPeerProcess } from './blob-support/spawn-blob-peer.ts';

const running: BlobPeerProcess[] = [];
async function start() {
  const p = await spawnBlobPeer({ transport: 'tcp' });
  running.push(p);
  return p;
}
afterEach(async () => {
  for (const p of running.splice(0)) {
    await p.stop('SIGKILL');
    await rm(p.store, { recursive: true, force: true });
  }
});

it('phone policy: a new original stays pinned until the home node has it, is freed, and opening fetches it back', async () => {
  const [phone, home] = await Promise.all([start(), start()]);
  await pair(phone, home);
  const put = async (size: number, seed: number) =>
    (await phone.call<{ hash: string }>('generate', { size, seed })).hash;
  const original = await put(3 * 1024 * 1024 + 17, 1);
  const preview = await put(200_000, 2);
  const thumbnail = await put(20_000, 3);
  const asset = {
    assetId: original,
    capturedAt: Date.now(),
    importedBy: phone.peerId,
    blobs: [
      { kind: 'original', hash: original, size: 3 * 1024 * 1024 + 17 },
      { kind: 'preview', hash: preview, size: 200_000 },
      { kind: 'thumbnail', hash: thumbnail, size: 20_000 },
    ],
  };
  expect(await phone.call('pins', { asset, home: home.peerId })).toEqual([
    'original',
    'preview',
    'thumbnail',
  ]);
  expect(await phone.call('free', { assets: [asset], home: home.peerId })).toEqual({ freed: [], bytes: 0 });

  const progress = await home.call<Record<string, unknown>>('replicate', { assets: [asset] });
  expect(progress).toMatchObject({ filesDone: 3, filesLeft: 0, failed: 0, bytesLeft: 0 });
  expect(await home.call('sha256', { hash: original })).toBe(original);

  expect(await phone.call('pins', { asset, home: home.peerId })).toEqual(['preview', 'thumbnail']);
  expect(await phone.call('free', { assets: [asset], home: home.peerId })).toEqual({
    freed: [original],
    bytes: 3 * 1024 * 1024 + 17,
  });
  expect(await phone.call('has', { hash: original })).toBe(false);
  expect(await phone.call('has', { hash: thumbnail })).toBe(true);
  expect(await phone.call('open', { hash: original })).toBe(original);
  expect(await phone.call('has', { hash: original })).toBe(true);
});

it('scrub finds a flipped bit in a stored blob and heals it from a peer', async () => {
  const [me, other] = await Promise.all([start(), start()]);
  await pair(me, other);
  const { hash } = await me.call<{ hash: string }>('generate', { size: 2 * 1024 * 1024, seed: 5 });
  await other.call('generate', { size: 2 * 1024 * 1024, seed: 5 });
  const file = await me.call<string>('path', { hash });
  const fh = await open(file, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, 1_234_567);
  b[0] = b[0]! ^ 0x04;
  await fh.write(b, 0, 1, 1_234_567);
  await fh.close();
  expect(await me.call('sha256', { hash })).not.toBe(hash);
  const report = await me.call<Record<string, unknown>>('scrub');
  expect(report).toMatchObject({ checked: 1, corrupt: [hash], healed: [hash], unhealed: [] });
  expect(await me.call('sha256', { hash })).toBe(hash);
});
