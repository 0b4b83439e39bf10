import { afterEach, describe, expect, it } from 'vitest';
import { issueRevocation } from '../identity/certificates.ts';
import type { DeviceRevocation } from '../identity/device-certificate.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { asDeviceId } from '../ids.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import type { PeerNode } from './peer-node.ts';
import {
  handleRevocationNotices,
  readRevocation,
  sendRevocationNotice,
  tellRevokedPeer,
} from './revocation-notice.ts';

describe('revocation notice over /hearth/revoked/1', () => {
  const nodes: PeerNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
  });

  async function setup() {
    const key = await generateLibraryKey();
    const [home, device, stranger] = await Promise.all([1, 2, 3].map(() => createPeerNode(LOOPBACK_TCP)));
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

  it('takes the signed revocation from any peer (the signature is the proof), but refuses one about another device or not signed by the library key', async () => {
    const { key, home, device, stranger, heard } = await setup();
    const mine = await issueRevocation(key, asDeviceId(device.peerId.toString()));
    const other = await issueRevocation(key, asDeviceId(stranger.peerId.toString()));
    expect(await sendRevocationNotice(home, device.peerId, other)).toBe(false);
    const forged = await issueRevocation(await generateLibraryKey(), asDeviceId(device.peerId.toString()));
    expect(await sendRevocationNotice(home, device.peerId, { ...forged, libraryId: key.id })).toBe(false);
    expect(await sendRevocationNotice(stranger, device.peerId, { ...forged, libraryId: key.id })).toBe(false);
    expect(heard).toEqual([]);
    // Another peer carrying the library's real revocation of this device: told.
    expect(await sendRevocationNotice(stranger, device.peerId, mine)).toBe(true);
    expect(heard).toEqual([mine]);
  });

  it('a device that does not listen (an older app) costs the sender a false, not an error', async () => {
    const { key, home, stranger } = await setup();
    await home.dial(stranger.getMultiaddrs());
    const rev = await issueRevocation(key, asDeviceId(stranger.peerId.toString()));
    expect(await sendRevocationNotice(home, stranger.peerId, rev)).toBe(false);
  });

  it("tells a connected peer from the root document's signed revocation; never dials, never sends a forged one", async () => {
    const { key, home, device, stranger, heard } = await setup();
    const id = device.peerId.toString();
    const rev = await issueRevocation(key, asDeviceId(id));
    const forged = await issueRevocation(await generateLibraryKey(), asDeviceId(id));
    expect(await readRevocation({ revocations: { [id]: forged } }, id, key.publicKey)).toBeUndefined();
    expect(await readRevocation({ revocations: {} }, id, key.publicKey)).toBeUndefined();
    expect(await tellRevokedPeer(home, id, { revocations: { [id]: forged } }, key.publicKey)).toBe(false);
    expect(await tellRevokedPeer(home, id, {}, key.publicKey)).toBe(false);
    // Not connected: nothing is dialled.
    const away = await createPeerNode(LOOPBACK_TCP);
    nodes.push(away);
    expect(await tellRevokedPeer(away, id, { revocations: { [id]: rev } }, key.publicKey)).toBe(false);
    expect(away.getConnections()).toHaveLength(0);
    expect(heard).toEqual([]);
    expect(await tellRevokedPeer(stranger, id, { revocations: { [id]: rev } }, key.publicKey)).toBe(true);
    expect(heard).toEqual([rev]);
  });
});
