import { afterEach, describe, expect, it } from 'vitest';
import { issueCertificate, verifyCertificate } from '../identity/certificates.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { asDeviceId } from '../ids.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import { pairWithCode } from './pairing-client.ts';
import { createPairingCodes } from './pairing-codes.ts';
import {
  PairingCodeInvalidError,
  PairingCodeUsedError,
  PairingFailedError,
  PairingRoleMismatchError,
} from './pairing-errors.ts';
import { createPairingServer } from './pairing-server.ts';
import type { PeerNode } from './peer-node.ts';

describe('pairing over /hearth/pair/1', () => {
  const nodes: PeerNode[] = [];
  const nodeServers: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    nodeServers.length = 0;
    await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
  });

  async function setup(extra: { httpUrls?: unknown } = {}) {
    const key = await generateLibraryKey();
    const home = await createPeerNode(LOOPBACK_TCP);
    const device = await createPeerNode(LOOPBACK_TCP);
    nodes.push(home, device);
    const codes = createPairingCodes();
    const admitted: string[] = [];
    const server = createPairingServer({
      node: home,
      codes,
      async admit({ deviceId, name, role }) {
        admitted.push(deviceId);
        const certificate = await issueCertificate(key, { deviceId: asDeviceId(deviceId), name, role });
        return {
          certificate,
          rootDocUrl: 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ',
          libraryPublicKey: key.publicKey,
          ...(extra as { httpUrls?: string[] }),
        };
      },
    });
    await server.start();
    nodeServers.push(server);
    const link = (code: string) => ({
      code,
      peerId: home.peerId.toString(),
      addrs: home.getMultiaddrs().map((a) => a.toString()),
    });
    return { key, home, device, codes, admitted, link };
  }

  it('a correct code yields a certificate that verifies; the code then counts as used', async () => {
    const { key, device, codes, admitted, link } = await setup();
    const { code } = codes.issue();
    const res = await pairWithCode(device, link(code), { name: 'phone' });
    expect(res.certificate.deviceId).toBe(device.peerId.toString());
    await expect(verifyCertificate(res.certificate, key.publicKey)).resolves.toEqual(res.certificate);
    expect(res.libraryPublicKey).toBe(key.publicKey);
    expect(admitted).toEqual([device.peerId.toString()]);
    await expect(pairWithCode(device, link(code), { name: 'phone' })).rejects.toThrow(PairingCodeUsedError);
  });

  it('a home-node code admits a second home node, and only one asking for that role', async () => {
    const { device, codes, admitted, link } = await setup();
    const nodeCode = codes.issue({ role: 'home-node' }).code;
    // A device (no role in its proof) with a home node's code: refused, the code still usable.
    const asDevice = pairWithCode(device, link(nodeCode), { name: 'phone' });
    await expect(asDevice).rejects.toThrow(PairingRoleMismatchError);
    await expect(asDevice).rejects.toThrow(/for joining a second home node/);
    expect(admitted).toEqual([]);
    const res = await pairWithCode(device, link(nodeCode), { name: 'node 2', role: 'home-node' });
    expect(res.certificate.role).toBe('home-node');
    // A device's code cannot make a home node.
    const asNode = pairWithCode(device, link(codes.issue().code), { name: 'node 3', role: 'home-node' });
    await expect(asNode).rejects.toThrow(PairingRoleMismatchError);
    await expect(asNode).rejects.toThrow(/pair --home-node/);
  });

  it('the grant carries the home node HTTP URLs; non-http(s) ones are dropped; older nodes send none', async () => {
    const { device, codes, link } = await setup({
      httpUrls: [
        'https://home.example:8420',
        'javascript:alert(1)',
        'http://u:p@x/',
        7,
        'http://192.168.1.10:8420/',
      ],
    });
    const res = await pairWithCode(device, link(codes.issue().code), { name: 'phone' });
    expect(res.httpUrls).toEqual(['https://home.example:8420/', 'http://192.168.1.10:8420/']);
    const old = await setup();
    const res2 = await pairWithCode(old.device, old.link(old.codes.issue().code), { name: 'phone' });
    expect(res2.httpUrls).toBeUndefined();
  });

  it('a wrong code fails with PairingCodeInvalidError and admits nobody', async () => {
    const { device, codes, admitted, link } = await setup();
    codes.issue();
    await expect(pairWithCode(device, link('ZZZZ-ZZZZ'), { name: 'phone' })).rejects.toThrow(
      PairingCodeInvalidError,
    );
    expect(admitted).toEqual([]);
  });

  it('refuses a home node whose certificate is not for us', async () => {
    const key = await generateLibraryKey();
    const home = await createPeerNode(LOOPBACK_TCP);
    const device = await createPeerNode(LOOPBACK_TCP);
    nodes.push(home, device);
    const codes = createPairingCodes();
    const other = asDeviceId(home.peerId.toString());
    await createPairingServer({
      node: home,
      codes,
      admit: async () => ({
        certificate: await issueCertificate(key, { deviceId: other, name: 'x', role: 'device' }),
        rootDocUrl: 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ',
        libraryPublicKey: key.publicKey,
      }),
    }).start();
    const { code } = codes.issue();
    await expect(
      pairWithCode(
        device,
        { code, peerId: home.peerId.toString(), addrs: home.getMultiaddrs().map(String) },
        { name: 'p' },
      ),
    ).rejects.toThrow(PairingFailedError);
  });

  it('after stop() the pairing protocol is gone: a valid code no longer pairs', async () => {
    const { device, codes, admitted, link } = await setup();
    const { code } = codes.issue();
    await nodeServers.pop()!.stop();
    await expect(pairWithCode(device, link(code), { name: 'phone' })).rejects.toThrow(PairingFailedError);
    expect(admitted).toEqual([]);
  });
});
