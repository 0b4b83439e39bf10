// @vitest-environment node
import {
  deviceIdOf,
  generateDeviceKey,
  generateLibraryKey,
  issueCertificate,
  issueRevocation,
  signHomeNodeAddresses,
} from '@hearth/sync';
import { describe, expect, it } from 'vitest';
import { knownHomes, learnHomeNodes } from './home-nodes.ts';
import type { PairingInfo } from './peer-protocol.ts';

async function setup() {
  const lib = await generateLibraryKey();
  const [a, b] = await Promise.all([generateDeviceKey(), generateDeviceKey()]);
  const [idA, idB] = [deviceIdOf(a), deviceIdOf(b)];
  const doc = {
    devices: {
      [idA]: await issueCertificate(lib, { deviceId: idA, name: 'home node', role: 'home-node' }),
      [idB]: await issueCertificate(lib, { deviceId: idB, name: 'node B', role: 'home-node' }),
    } as Record<string, unknown>,
    revocations: {} as Record<string, unknown>,
    homeNodes: {} as Record<string, unknown>,
  };
  const info: PairingInfo = {
    libraryId: lib.id,
    deviceId: 'me',
    deviceName: 'Laptop',
    role: 'device',
    homeNode: idA,
    homeAddrs: ['/ip4/127.0.0.1/tcp/4002/ws'],
    homeHttpUrl: 'http://127.0.0.1:8080/',
    rootDocUrl: 'automerge:x',
    libraryPublicKey: lib.publicKey,
    pairedAt: 1,
  };
  return { lib, a, b, idA, idB, doc, info };
}

describe('the home nodes a device knows', () => {
  it('learns a second home node from the root document, keeps the latest announcement, drops a revoked node', async () => {
    const { lib, b, idA, idB, doc, info } = await setup();
    expect(knownHomes(info, 'http://app.test').map((h) => [h.id, h.addrs, h.httpUrl])).toEqual([
      [idA, [`/ip4/127.0.0.1/tcp/4002/ws/p2p/${idA}`], 'http://127.0.0.1:8080/'],
    ]);
    const announce = (port: number, at: number) =>
      signHomeNodeAddresses(b, {
        deviceId: idB,
        addrs: [`/ip4/127.0.0.1/tcp/${port}`, `/ip4/127.0.0.1/tcp/${port + 1}/ws`],
        httpUrls: [`http://127.0.0.1:${port + 2}/`],
        at,
      });
    doc.homeNodes[idB] = await announce(5000, 1000);
    const logged: string[] = [];
    const first = await learnHomeNodes(doc, info, (l) => logged.push(l));
    expect(first?.map((h) => h.deviceId)).toEqual([idB]);
    const learnt = { ...info, homeNodes: first! };
    // Only WebSocket addresses: a browser cannot dial TCP.
    expect(knownHomes(learnt, 'http://app.test')[1]).toEqual({
      id: idB,
      addrs: [`/ip4/127.0.0.1/tcp/5001/ws/p2p/${idB}`],
      httpUrl: 'http://127.0.0.1:5002/',
    });
    expect(await learnHomeNodes(doc, learnt)).toBeUndefined(); // nothing new
    // An older copy of the document does not send the device back to a port B left.
    doc.homeNodes[idB] = await announce(4000, 500);
    expect(await learnHomeNodes(doc, learnt)).toBeUndefined();
    // A newer one wins.
    doc.homeNodes[idB] = await announce(6000, 2000);
    const moved = await learnHomeNodes(doc, learnt);
    expect(knownHomes({ ...info, homeNodes: moved! }, 'http://app.test')[1]!.addrs).toEqual([
      `/ip4/127.0.0.1/tcp/6001/ws/p2p/${idB}`,
    ]);
    // Garbage is logged and left out.
    doc.homeNodes['junk'] = 'x'.repeat(5000);
    await learnHomeNodes(doc, learnt, (l) => logged.push(l));
    expect(logged).toEqual([expect.stringMatching(/ignored the addresses of junk: not a home node/)]);
    // B revoked: forgotten.
    doc.revocations[idB] = await issueRevocation(lib, idB);
    expect(await learnHomeNodes(doc, { ...info, homeNodes: moved! })).toEqual([]);
    // A document not loaded yet changes nothing.
    expect(await learnHomeNodes({}, { ...info, homeNodes: moved! })).toBeUndefined();
  });
});
