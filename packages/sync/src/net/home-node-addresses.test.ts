import { describe, expect, it } from 'vitest';
import { issueRevocation } from '../identity/certificates.ts';
import { deviceIdOf } from '../identity/device-key.ts';
import { homeNodesLibrary } from './home-nodes-fixture.ts';
import {
  dialAddrsOf,
  mergeHomeNodeAddresses,
  readHomeNodeAddresses,
  signHomeNodeAddresses,
} from './home-node-addresses.ts';

const library = () => homeNodesLibrary('homeNodes');

describe('home node addresses in the root document', () => {
  it('keeps signed entries of home nodes and ignores garbage, oversized and forged ones with a reason', async () => {
    const { key, a, b, phone, root } = await library();
    const idA = deviceIdOf(a);
    const idB = deviceIdOf(b);
    const idPhone = deviceIdOf(phone);
    const homeNodes = root['homeNodes']!;
    homeNodes[idA] = await signHomeNodeAddresses(a, {
      deviceId: idA,
      addrs: ['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws'],
      httpUrls: ['http://127.0.0.1:8080/'],
    });
    // B's entry altered by some peer after B signed it: another port.
    const good = await signHomeNodeAddresses(b, {
      deviceId: idB,
      addrs: ['/ip4/127.0.0.1/tcp/5001'],
      httpUrls: [],
    });
    homeNodes[idB] = { ...good, addrs: ['/ip4/10.6.6.6/tcp/5001'] };
    // A phone (not a home node) announcing itself, validly signed by its own key.
    homeNodes[idPhone] = await signHomeNodeAddresses(phone, {
      deviceId: idPhone,
      addrs: ['/x'],
      httpUrls: [],
    });
    homeNodes['garbage'] = 'x'.repeat(10_000) as never;
    const ignored: [string, string][] = [];
    const read = await readHomeNodeAddresses(root, key.publicKey, (id, why) => ignored.push([id, why]));
    expect(read.map((r) => r.deviceId)).toEqual([idA]);
    expect(read[0]!.addrs).toHaveLength(2);
    expect(dialAddrsOf(read[0]!)[0]).toBe(`/ip4/127.0.0.1/tcp/4001/p2p/${idA}`);
    expect(Object.fromEntries(ignored)).toEqual({
      [idB]: 'bad signature',
      [idPhone]: 'not a home node of the library (or revoked)',
      garbage: 'not a home node of the library (or revoked)',
    });

    // Oversized (validly signed by B) and malformed entries are ignored too.
    homeNodes[idB] = await signHomeNodeAddresses(b, {
      deviceId: idB,
      addrs: Array.from({ length: 33 }, (_, i) => `/ip4/127.0.0.1/tcp/${5000 + i}`),
      httpUrls: [],
    });
    ignored.length = 0;
    await readHomeNodeAddresses(root, key.publicKey, (id, why) => ignored.push([id, why]));
    expect(ignored).toContainEqual([idB, 'addresses malformed or past the size limits']);
    homeNodes[idB] = await signHomeNodeAddresses(b, {
      deviceId: idB,
      addrs: ['/ip4/127.0.0.1/tcp/5001'],
      httpUrls: ['javascript:alert(1)'],
    });
    ignored.length = 0;
    await readHomeNodeAddresses(root, key.publicKey, (id, why) => ignored.push([id, why]));
    expect(ignored).toContainEqual([idB, 'an HTTP URL is not http(s)']);
    homeNodes[idB] = { ...good, deviceId: idA };
    ignored.length = 0;
    await readHomeNodeAddresses(root, key.publicKey, (id, why) => ignored.push([id, why]));
    expect(ignored).toContainEqual([idB, 'names another node']);

    // A valid one counts; once B is revoked it no longer does.
    homeNodes[idB] = good;
    expect((await readHomeNodeAddresses(root, key.publicKey)).map((r) => r.deviceId).sort()).toEqual(
      [idA, idB].sort(),
    );
    root['revocations']![idB] = await issueRevocation(key, idB);
    expect((await readHomeNodeAddresses(root, key.publicKey)).map((r) => r.deviceId)).toEqual([idA]);
    expect(await readHomeNodeAddresses(null, key.publicKey)).toEqual([]);
    expect(await readHomeNodeAddresses({ homeNodes: [] }, key.publicKey)).toEqual([]);
  });

  it('lets the later announcement of a node win when merging what a device kept', async () => {
    const { b } = await library();
    const idB = deviceIdOf(b);
    const old = await signHomeNodeAddresses(b, { deviceId: idB, addrs: ['/old'], httpUrls: [], at: 1000 });
    const now = await signHomeNodeAddresses(b, { deviceId: idB, addrs: ['/new'], httpUrls: [], at: 2000 });
    expect(mergeHomeNodeAddresses([now], [old]).map((x) => x.addrs)).toEqual([['/new']]);
    expect(mergeHomeNodeAddresses([old], [now]).map((x) => x.addrs)).toEqual([['/new']]);
  });
});
