// @vitest-environment node
/**
 * The worker's catalog peer tells its page when a home node connects (`media` changes): a
 * reloaded page paints tiles from IndexedDB before the worker has dialled, their asks for
 * thumbnails fail (HOME_OFFLINE), and only this change makes them ask again. The real
 * `openCatalogPeer` over IndexedDB storage (fake-indexeddb) with a stand-in libp2p node whose
 * events the test raises: dials never complete, so no sync runs.
 */
import 'fake-indexeddb/auto';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { createSwitchableAccess, type PeerNode } from '@hearth/sync';
import { createCatalogStorage } from '@hearth/sync/platform';
import { createTestRoot } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryChange } from '../library/library-client.ts';
import type { PairingInfo } from '../peer/peer-protocol.ts';
import { openCatalogPeer, type CatalogPeer } from './open-catalog-peer.ts';

const HOME = '12D3KooWHomeNodeA';
const SECOND_HOME = '12D3KooWHomeNodeB';
const OTHER_DEVICE = '12D3KooWPhone';
let n = 0;

/** A root document in the storage the catalog peer opens (as a device that synced it once). */
async function storedRoot(libraryId: string): Promise<AutomergeUrl> {
  const repo = new Repo({ network: [], storage: createCatalogStorage(`hearth-catalog-${libraryId}`) });
  const root = createTestRoot(repo, libraryId);
  await repo.flush();
  await repo.shutdown();
  return root.url;
}

/** A libp2p node stand-in: no connections, dials that never complete, events raised by `connect`. */
function stubNode() {
  const events = new EventTarget();
  const node = {
    peerId: { toString: () => '12D3KooWThisDevice' },
    getPeers: () => [],
    getConnections: () => [],
    handle: () => Promise.resolve(),
    unhandle: () => Promise.resolve(),
    dialProtocol: () => new Promise(() => {}),
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
  } as unknown as PeerNode;
  const connect = (peer: string) =>
    events.dispatchEvent(new CustomEvent('peer:connect', { detail: { toString: () => peer } }));
  return { node, connect };
}

const peers: CatalogPeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.stop();
});

describe('openCatalogPeer', () => {
  it('raises a media change when a home node connects — not another device, not once unsubscribed', async () => {
    const libraryId = `lib-${n++}`;
    const pairing: PairingInfo = {
      libraryId,
      deviceId: '12D3KooWThisDevice',
      deviceName: 'Laptop',
      role: 'device',
      homeNode: HOME,
      homeAddrs: [],
      rootDocUrl: await storedRoot(libraryId),
      pairedAt: 0,
      libraryPublicKey: 'test-library-key',
    };
    const { node, connect } = stubNode();
    const peer = await openCatalogPeer({
      node,
      access: createSwitchableAccess(),
      pairing,
      blobBaseUrl: 'http://127.0.0.1:1',
      homes: () => [
        { id: HOME, httpUrl: undefined },
        { id: SECOND_HOME, httpUrl: undefined },
      ],
    });
    peers.push(peer);
    const changes: LibraryChange[] = [];
    const off = peer.library.onChange((c) => changes.push(c));
    const media = () => changes.filter((c) => c.media);

    connect(OTHER_DEVICE);
    expect(media()).toEqual([]);
    connect(SECOND_HOME);
    expect(media()).toEqual([{ assets: [], albums: [], months: [], media: true }]);
    connect(HOME);
    expect(media()).toHaveLength(2);

    // Unsubscribed: the node's listener went with it.
    off();
    connect(HOME);
    expect(media()).toHaveLength(2);
  });
});
