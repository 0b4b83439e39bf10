import { describe, expect, it } from 'vitest';
import { issueRevocation } from '../identity/certificates.ts';
import { deviceIdOf } from '../identity/device-key.ts';
import { homeNodesLibrary } from './home-nodes-fixture.ts';
import { MERGED_ICE_LIMIT, mergeIceServers, readAllIceServers, signHomeNodeIce } from './home-node-ice.ts';
import { signIceServers } from './webrtc-ice.ts';

const library = () => homeNodesLibrary('homeNodeIce');

const stunA = { urls: ['stun:a.example:3478'] };
const stunB = { urls: ['stun:b.example:3478'] };
const turn = { urls: ['turn:t.example:3478'], username: 'u', credential: 'p' };

describe('home nodes’ own ICE lists in the root document', () => {
  it('merges the library list first with every validly signed node list, deduplicated', async () => {
    const { key, a, b, root } = await library();
    const [idA, idB] = [deviceIdOf(a), deviceIdOf(b)];
    (root as Record<string, unknown>)['iceServers'] = await signIceServers(key, [turn, stunA]);
    root['homeNodeIce']![idA] = await signHomeNodeIce(a, { deviceId: idA, servers: [stunA] });
    root['homeNodeIce']![idB] = await signHomeNodeIce(b, { deviceId: idB, servers: [stunB, turn] });
    const read = await readAllIceServers(root, key.publicKey);
    expect(read.servers).toEqual([turn, stunA, stunB]);
    expect(read.nodes.map((n) => n.deviceId).sort()).toEqual([idA, idB].sort());
    // Only the old library-signed entry (older nodes): still read.
    expect((await readAllIceServers({ ...root, homeNodeIce: {} }, key.publicKey)).servers).toEqual([
      turn,
      stunA,
    ]);
    // Only a node's list (a joined node, no library entry): read too.
    delete (root as Record<string, unknown>)['iceServers'];
    expect((await readAllIceServers(root, key.publicKey)).servers).toEqual(
      idA < idB ? [stunA, stunB, turn] : [stunB, turn, stunA],
    );
  });

  it('ignores a bad signature, a device that is not a home node, a revoked node and an oversize list', async () => {
    const { key, a, b, phone, root } = await library();
    const [idA, idB, idPhone] = [deviceIdOf(a), deviceIdOf(b), deviceIdOf(phone)];
    const ice = root['homeNodeIce']!;
    const ignored: [string, string][] = [];
    const read = async () =>
      (await readAllIceServers(root, key.publicKey, [], (id, why) => ignored.push([id, why]))).servers;
    ice[idA] = await signHomeNodeIce(a, { deviceId: idA, servers: [stunA] });
    // B's list altered after B signed it: a TURN server of someone else's choosing.
    const goodB = await signHomeNodeIce(b, { deviceId: idB, servers: [stunB] });
    ice[idB] = { ...goodB, servers: [{ ...turn, urls: ['turn:evil.example'] }] };
    // A phone signing its own list with its own key: not a home node.
    ice[idPhone] = await signHomeNodeIce(phone, { deviceId: idPhone, servers: [turn] });
    expect(await read()).toEqual([stunA]);
    expect(Object.fromEntries(ignored)).toEqual({
      [idB]: 'bad signature',
      [idPhone]: 'not a home node of the library (or revoked)',
    });
    // A's list filed under B (a valid signature, but by another node).
    delete ice[idPhone];
    ice[idB] = { ...(ice[idA] as object), deviceId: idB };
    ignored.length = 0;
    expect(await read()).toEqual([stunA]);
    expect(ignored).toEqual([[idB, 'bad signature']]);

    // Oversize, validly signed (past the bounds by hand: signing checks them): ignored whole.
    const many = Array.from({ length: 17 }, (_, i) => ({ urls: [`stun:s${i}.example:3478`] }));
    await expect(signHomeNodeIce(b, { deviceId: idB, servers: many })).rejects.toThrow(/at most 16/);
    ice[idB] = { ...goodB, servers: many };
    ignored.length = 0;
    expect(await read()).toEqual([stunA]);
    expect(ignored).toEqual([[idB, 'servers malformed or past the size limits']]);
    ice[idB] = { ...goodB, servers: [{ urls: ['stun:' + 'x'.repeat(600)] }] };
    ignored.length = 0;
    expect(await read()).toEqual([stunA]);
    expect(ignored).toEqual([[idB, 'servers malformed or past the size limits']]);

    // The good one counts; once B is revoked, neither the document's nor a kept copy does.
    ice[idB] = goodB;
    const both = await readAllIceServers(root, key.publicKey);
    expect(both.servers).toEqual(idA < idB ? [stunA, stunB] : [stunB, stunA]);
    root['revocations']![idB] = await issueRevocation(key, idB);
    ignored.length = 0;
    const after = await readAllIceServers(root, key.publicKey, both.nodes, (id, why) =>
      ignored.push([id, why]),
    );
    expect(after.servers).toEqual([stunA]);
    expect(after.nodes.map((n) => n.deviceId)).toEqual([idA]);
    expect(ignored).toEqual([[idB, 'not a home node of the library (or revoked)']]);
    expect((await readAllIceServers(null, key.publicKey)).servers).toEqual([]);
    expect((await readAllIceServers({ homeNodeIce: [] }, key.publicKey)).servers).toEqual([]);
  });

  it('keeps the later list of a node when a peer writes back an older signed one', async () => {
    const { key, b, root } = await library();
    const idB = deviceIdOf(b);
    const old = await signHomeNodeIce(b, { deviceId: idB, servers: [stunA], at: 1000 });
    const now = await signHomeNodeIce(b, { deviceId: idB, servers: [stunB], at: 2000 });
    root['homeNodeIce']![idB] = now;
    const first = await readAllIceServers(root, key.publicKey);
    expect(first.servers).toEqual([stunB]);
    root['homeNodeIce']![idB] = old; // replayed by some paired device
    expect((await readAllIceServers(root, key.publicKey, first.nodes)).servers).toEqual([stunB]);
    // Without what it kept, a device can only go by the document.
    expect((await readAllIceServers(root, key.publicKey)).servers).toEqual([stunA]);
  });

  it('bounds the merged list', () => {
    const lists = [0, 1, 2].map((n) =>
      Array.from({ length: 16 }, (_, i) => ({ urls: [`stun:n${n}-${i}.example:3478`] })),
    );
    const merged = mergeIceServers(lists);
    expect(merged).toHaveLength(MERGED_ICE_LIMIT);
    expect(merged[0]).toEqual(lists[0]![0]);
    // The same server twice (its URLs in another order) counts once.
    const two = { urls: ['stun:x:1', 'stun:y:1'] };
    expect(mergeIceServers([[two], [{ urls: ['stun:y:1', 'stun:x:1'] }]])).toEqual([two]);
  });
});
