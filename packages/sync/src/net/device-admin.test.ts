import { afterEach, describe, expect, it } from 'vitest';
import { issueCertificate, issueRevocation } from '../identity/certificates.ts';
import type { DeviceCertificate, DeviceRevocation } from '../identity/device-certificate.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { asDeviceId, type DeviceId } from '../ids.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import { requestRevocation } from './device-admin-client.ts';
import {
  CannotRevokeHomeNodeError,
  DeviceAdminFailedError,
  DeviceAdminNotPairedError,
  DeviceAdminUnknownDeviceError,
} from './device-admin-errors.ts';
import { createDeviceAdminServer } from './device-admin-server.ts';
import { createLibraryAccess } from './library-access.ts';
import { listLibraryDevices } from './library-devices.ts';
import type { PeerNode } from './peer-node.ts';

describe('device admin over /hearth/device-admin/1', () => {
  const nodes: PeerNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
  });

  /**
   * A home node holding the library key, devices A and B paired, C not. `gate` false builds
   * the home node without the revocation gater, so the handler's own check is what refuses.
   */
  async function setup(gate = true) {
    const key = await generateLibraryKey();
    const root: {
      devices: Record<string, DeviceCertificate>;
      revocations: Record<string, DeviceRevocation>;
    } = { devices: {}, revocations: {} };
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => createPeerNode(LOOPBACK_TCP)));
    const otherNode = await createPeerNode(LOOPBACK_TCP); // a second home-node certificate
    nodes.push(a!, b!, c!, otherNode);
    const certify = async (n: PeerNode, name: string, role: 'home-node' | 'device') => {
      const id = n.peerId.toString();
      root.devices[id] = await issueCertificate(key, { deviceId: asDeviceId(id), name, role });
    };
    const access = createLibraryAccess({ libraryPublicKey: key.publicKey });
    const home = await createPeerNode({ ...LOOPBACK_TCP, ...(gate ? { access } : {}) });
    nodes.push(home);
    await certify(home, 'home', 'home-node');
    await certify(otherNode, 'second node', 'home-node');
    await certify(a!, 'phone A', 'device');
    await certify(b!, 'laptop B', 'device');
    await access.update(root);
    const revoked: [DeviceId, DeviceId][] = [];
    const server = createDeviceAdminServer({
      node: home,
      access,
      async revoke(deviceId, by) {
        revoked.push([deviceId, by]);
        root.revocations[deviceId] = await issueRevocation(key, deviceId);
        await access.update(root);
      },
    });
    await server.start();
    const dialable = async (n: PeerNode) => n.dial(home.getMultiaddrs());
    await Promise.all([a!, b!, c!].map(dialable));
    return { key, root, home, a: a!, b: b!, c: c!, otherNode, access, revoked, server };
  }

  it('a paired device revokes another: the node signs it and the root document lists it revoked', async () => {
    const { key, root, home, a, b, access, revoked } = await setup();
    const bId = b.peerId.toString();
    await requestRevocation(a, home.peerId, bId);
    expect(revoked).toEqual([[bId, a.peerId.toString()]]);
    expect(access.isRevoked(bId)).toBe(true);
    const list = await listLibraryDevices(root, key.publicKey);
    expect(list.map((d) => [d.name, d.revokedAt !== undefined])).toEqual([
      ['home', false],
      ['second node', false],
      ['phone A', false],
      ['laptop B', true],
    ]);
    // Asking again is not an error and signs nothing new.
    await requestRevocation(a, home.peerId.toString(), bId);
    expect(revoked).toHaveLength(1);
  });

  it('an unpaired peer is refused before its request is read', async () => {
    const { home, b, c, revoked } = await setup();
    await expect(requestRevocation(c, home.peerId, b.peerId.toString())).rejects.toThrow(
      DeviceAdminNotPairedError,
    );
    expect(revoked).toEqual([]);
  });

  it('a revoked device is refused: by the handler, and by the gater once it applies', async () => {
    for (const gate of [false, true]) {
      const { home, a, b, revoked } = await setup(gate);
      await requestRevocation(a, home.peerId, b.peerId.toString());
      const err = await requestRevocation(b, home.peerId, a.peerId.toString()).catch((e: unknown) => e);
      // With the gater B cannot even reach the node; without, the handler says why.
      expect(err).toBeInstanceOf(gate ? DeviceAdminFailedError : DeviceAdminNotPairedError);
      expect(revoked).toHaveLength(1);
      await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
    }
  });

  it('no device can revoke the key-holding home node; a second home node is revoked like a device', async () => {
    const { home, a, otherNode, access, revoked } = await setup();
    await expect(requestRevocation(a, home.peerId, home.peerId.toString())).rejects.toThrow(
      CannotRevokeHomeNodeError,
    );
    expect(revoked).toEqual([]);
    expect(access.isRevoked(home.peerId.toString())).toBe(false);
    const second = otherNode.peerId.toString();
    await requestRevocation(a, home.peerId, second);
    expect(revoked).toEqual([[second, a.peerId.toString()]]);
    expect(access.isRevoked(second)).toBe(true);
    expect(access.isRevoked(home.peerId.toString())).toBe(false);
  });

  it('an unknown device id is a typed error, and nothing is signed', async () => {
    const { home, a, c, revoked } = await setup();
    const err = await requestRevocation(a, home.peerId, c.peerId.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceAdminUnknownDeviceError);
    expect((err as DeviceAdminUnknownDeviceError).code).toBe('UNKNOWN_DEVICE');
    expect(revoked).toEqual([]);
  });

  it('a failure of the node to revoke reaches the device as its code', async () => {
    const { home, a, b, access, server: first } = await setup();
    await first.stop();
    const server = createDeviceAdminServer({
      node: home,
      access,
      revoke: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'WRITE_FAILED' })),
    });
    await server.start();
    const err = await requestRevocation(a, home.peerId, b.peerId.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceAdminFailedError);
    expect((err as Error).message).toContain('WRITE_FAILED');
  });
});

describe('listLibraryDevices', () => {
  it('leaves out forged entries and lists a revoked device without a certificate by id', async () => {
    const key = await generateLibraryKey();
    const other = await generateLibraryKey();
    const id = (n: number) => asDeviceId(`12D3KooW${'x'.repeat(44)}${n}`);
    const good = await issueCertificate(key, { deviceId: id(1), name: 'good', role: 'device' });
    const forged = await issueCertificate(other, { deviceId: id(2), name: 'forged', role: 'device' });
    const rev = await issueRevocation(key, id(3), 1234);
    const list = await listLibraryDevices(
      { devices: { [id(1)]: good, [id(2)]: forged, junk: 7 }, revocations: { [id(3)]: rev } },
      key.publicKey,
    );
    expect(list).toEqual([
      { deviceId: id(3), name: '', role: 'device', issuedAt: 0, revokedAt: 1234 },
      { deviceId: id(1), name: 'good', role: 'device', issuedAt: good.issuedAt },
    ]);
    expect(await listLibraryDevices(null, key.publicKey)).toEqual([]);
  });
});
