/**
 * Scenario 1: two devices edit the same album while disconnected (one renames it, both add
 * different photos, one favorites a photo the other archives), then reconnect, in either
 * order: all three peers (separate processes, real libp2p over TCP on 127.0.0.1) end
 * identical and nothing is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAssetId, sampleAsset } from '@hearth/sync/testing';
import { pairedPeers, stopAllPeers, type PeerProcess } from './support/spawn-peer.ts';

const id = fakeAssetId;

async function scenario(order: 'phone-first' | 'laptop-first') {
  const { home, devices } = await pairedPeers(3);
  const [phone, laptop] = devices as [PeerProcess, PeerProcess];
  for (const p of [home, phone, laptop]) await p.call('catalog-start');

  await home.call('catalog-add', { assets: [1, 2].map((n) => sampleAsset(n)) });
  const album = await home.call<string>('catalog-op', { op: 'createAlbum', args: ['Trip'] });
  await home.call('catalog-op', { op: 'addToAlbum', args: [album, [id(1), id(2)]] });
  const shared = { album: { id: album, title: 'Trip', assets: [id(1), id(2)] } };
  for (const d of [phone, laptop]) await d.call('catalog-wait', { expect: shared });

  // Both devices go offline.
  for (const d of [phone, laptop]) {
    expect(await d.call<string[]>('hangup', { peer: home.peerId })).not.toContain(home.peerId);
  }

  // Offline edits. Each device imports its own new photo (same month as the others, so both
  // write the same month shard concurrently) and adds it to the album.
  await phone.call('catalog-op', { op: 'renameAlbum', args: [album, 'Trip to the Alps'] });
  await phone.call('catalog-add', { assets: [sampleAsset(3)] });
  await phone.call('catalog-op', { op: 'addToAlbum', args: [album, [id(3)]] });
  await phone.call('catalog-op', { op: 'setFavorite', args: [id(1), true] });
  await laptop.call('catalog-add', { assets: [sampleAsset(4)] });
  await laptop.call('catalog-op', { op: 'addToAlbum', args: [album, [id(4)]] });
  await laptop.call('catalog-op', { op: 'setArchived', args: [id(1), true] });
  // Still apart: the home node has seen none of it.
  const homeBefore = await home.call<{ albums: Array<{ title: string }> }>('catalog-snapshot');
  expect(homeBefore.albums[0]?.title).toBe('Trip');

  const [first, second] = order === 'phone-first' ? [phone, laptop] : [laptop, phone];
  for (const d of [first, second]) {
    await d.call('dial', { addr: home.addrs.tcp });
    await d.call('wait-sync-peer', { peer: home.peerId });
  }

  const final = {
    assets: [1, 2, 3, 4].map(id),
    favorite: [id(1)],
    archived: [id(1)],
    album: { id: album, title: 'Trip to the Alps', assets: [1, 2, 3, 4].map(id) },
  };
  const snaps = [];
  for (const p of [home, phone, laptop])
    snaps.push(await p.call('catalog-wait', { expect: final, timeoutMs: 60_000 }));
  // Identical everywhere (the list order of the two concurrent album additions included).
  expect(snaps[1]).toEqual(snaps[0]);
  expect(snaps[2]).toEqual(snaps[0]);
  const fresh = await home.call('catalog-snapshot');
  expect(fresh).toEqual(snaps[0]);
}

describe('scenario 1: album edited on two disconnected devices', () => {
  afterEach(stopAllPeers);
  it('converges when the phone reconnects first', () => scenario('phone-first'));
  it('converges when the laptop reconnects first', () => scenario('laptop-first'));
});
