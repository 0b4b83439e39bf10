import { afterEach, describe, expect, it } from 'vitest';
import { issueRevocation } from '../identity/certificates.ts';
import type { DeviceRevocation } from '../identity/device-certificate.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { asDeviceId } from '../ids.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import type { PeerNode } from './peer-node.ts';
import { handleRevocationNotices, sendRevocationNotice } from './revocation-notice.ts';

const LOOPBACK = { listen: ['/ip4/127.0.0.1/tcp/0'], relayServer: false };

describe('revocation notice over /hearth/revoked/1', () => {
  const nodes: PeerNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
  });

  async function setup() {
    const key = await generateLibraryKey();
    const [home, device, stranger] = await Promise.all([1, 2, 3].map(() => createPeerNode(LOOPBACK)));
    nodes.push(home!, device!, stranger!);
    const heard: DeviceRevocation[] = [];
    await handleRevocationNotices({
      node: device!,
      deviceId: device!.peerId.toString(),
      homeNode: home!.peerId.toString(),
      libraryPublicKey: key.publicKey,
      onRevoked: (r) => heard.push(r),
    });
    await Promise.all([home!, stranger!].map((n) => n.dial(device!.getMultiaddrs())));
    return { key, home: home!, device: device!, stranger: stranger!, heard };
  }

  it('the device hears its own revocation, signed by the library key, from the home node', async () => {
    const { key, home, device, heard } = await setup();
    const rev = await issueRevocation(key, asDeviceId(device.peerId.toString()));
    expect(await sendRevocationNotice(home, device.peerId, rev)).toBe(true);
    expect(heard).toEqual([rev]);
  });

  it('refuses a notice from anyone but the home node, about another device, or not signed by the library key', async () => {
    const { key, home, device, stranger, heard } = await setup();
    const mine = await issueRevocation(key, asDeviceId(device.peerId.toString()));
    expect(await sendRevocationNotice(stranger, device.peerId, mine)).toBe(false);
    const other = await issueRevocation(key, asDeviceId(stranger.peerId.toString()));
    expect(await sendRevocationNotice(home, device.peerId, other)).toBe(false);
    const forged = await issueRevocation(await generateLibraryKey(), asDeviceId(device.peerId.toString()));
    expect(await sendRevocationNotice(home, device.peerId, { ...forged, libraryId: key.id })).toBe(false);
    expect(heard).toEqual([]);
  });

  it('a device that does not listen (an older app) costs the sender a false, not an error', async () => {
    const { key, home, stranger } = await setup();
    await home.dial(stranger.getMultiaddrs());
    const rev = await issueRevocation(key, asDeviceId(stranger.peerId.toString()));
    expect(await sendRevocationNotice(home, stranger.peerId, rev)).toBe(false);
  });
});
