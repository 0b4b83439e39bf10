import { runNetworkAdapterTests } from '@automerge/automerge-repo/helpers/tests/network-adapter-tests.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Repo } from '@automerge/automerge-repo';
import * as lp from 'it-length-prefixed';
import { generateLibraryKey } from '../identity/library-key.ts';
import { AUTOMERGE_PROTOCOL } from './automerge-frames.ts';
import { connectPeers } from './connect-peers.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import { createLibraryAccess } from './library-access.ts';
import { Libp2pNetworkAdapter } from './libp2p-network-adapter.ts';
import type { PeerNode } from './peer-node.ts';
import { withTimeout } from './with-timeout.ts';

async function connectedNodes(n: number): Promise<PeerNode[]> {
  const nodes = await Promise.all(Array.from({ length: n }, () => createPeerNode(LOOPBACK_TCP)));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) await connectPeers(nodes[i]!, nodes[j]!);
  return nodes;
}

runNetworkAdapterTests(async () => {
  const nodes = await connectedNodes(3);
  const key = await generateLibraryKey();
  const access = createLibraryAccess({
    libraryPublicKey: key.publicKey,
    trusted: nodes.map((n) => n.peerId.toString()),
  });
  const adapters = nodes.map((node) => new Libp2pNetworkAdapter({ node, access, readyTimeoutMs: 20_000 }));
  return {
    adapters: [adapters[0]!, adapters[1]!, adapters[2]!],
    teardown: () => void Promise.all(nodes.map(async (n) => n.stop())),
  };
}, 'Libp2pNetworkAdapter');

describe('Libp2pNetworkAdapter access and limits', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map(async (f) => f()));
  });

  it('an unpaired peer gets its stream closed without a single byte', async () => {
    const [home, stranger] = await connectedNodes(2);
    cleanup.push(
      () => home!.stop(),
      () => stranger!.stop(),
    );
    const key = await generateLibraryKey();
    const access = createLibraryAccess({
      libraryPublicKey: key.publicKey,
      trusted: [home!.peerId.toString()],
    });
    const repo = new Repo({ network: [new Libp2pNetworkAdapter({ node: home!, access })] });
    cleanup.push(() => repo.shutdown());
    const doc = repo.create({ secret: 1 });
    const stream = await stranger!.dialProtocol(home!.peerId, AUTOMERGE_PROTOCOL);
    try {
      stream.send(lp.encode.single(new TextEncoder().encode('anything')));
    } catch {
      // already reset by the home node
    }
    const got: Uint8Array[] = [];
    await withTimeout(
      (async () => {
        try {
          for await (const c of stream) got.push(c.subarray());
        } catch {
          // reset by the home node: expected
        }
      })(),
      5000,
      'stream close',
    );
    expect(got).toEqual([]);
    expect(doc.doc()).toEqual({ secret: 1 });
  });

  it('a paired peer sending an oversize or malformed frame is dropped, the node keeps running', async () => {
    const [home, peer] = await connectedNodes(2);
    cleanup.push(
      () => home!.stop(),
      () => peer!.stop(),
    );
    const key = await generateLibraryKey();
    const access = createLibraryAccess({
      libraryPublicKey: key.publicKey,
      trusted: [peer!.peerId.toString()],
    });
    const drops: string[] = [];
    const adapter = new Libp2pNetworkAdapter({
      node: home!,
      access,
      maxFrameBytes: 1024,
      onDrop: (_p, r) => drops.push(r),
    });
    adapter.connect('home' as never);
    cleanup.push(async () => adapter.disconnect());
    for (const payload of [new Uint8Array(4096), new Uint8Array([0xff, 0x00, 0x13])]) {
      const stream = await peer!.dialProtocol(home!.peerId, AUTOMERGE_PROTOCOL);
      stream.send(lp.encode.single(payload));
      await withTimeout(
        (async () => {
          try {
            for await (const _ of stream) void _;
          } catch {
            // dropped: expected
          }
        })(),
        5000,
        'drop',
      );
    }
    expect(drops).toHaveLength(2);
    expect(drops[0]).toMatch(/stream failed|length/i);
    expect(home!.status).toBe('started');
  });

  it("a paired device cannot take over another device's repo peer id", async () => {
    const [home, a, b] = await connectedNodes(3);
    cleanup.push(
      () => home!.stop(),
      () => a!.stop(),
      () => b!.stop(),
    );
    const key = await generateLibraryKey();
    const access = createLibraryAccess({
      libraryPublicKey: key.publicKey,
      trusted: [home!, a!, b!].map((n) => n.peerId.toString()),
    });
    let dropped: (reason: string) => void = () => {};
    const drop = new Promise<string>((resolve) => (dropped = resolve));
    const hub = new Libp2pNetworkAdapter({ node: home!, access, onDrop: (_p, r) => dropped(r) });
    const first = new Libp2pNetworkAdapter({ node: a!, access });
    const second = new Libp2pNetworkAdapter({ node: b!, access });
    const candidates: string[] = [];
    hub.on('peer-candidate', ({ peerId }) => candidates.push(peerId));
    hub.connect('hub' as never);
    first.connect('same' as never);
    await withTimeout(hub.whenPeer(a!.peerId.toString()), 10_000, 'first link');
    second.connect('same' as never);
    expect(await withTimeout(drop, 10_000, 'drop of the second claimant')).toMatch(/taken/);
    expect(candidates).toEqual(['same']);
    for (const x of [hub, first, second]) cleanup.push(() => x.disconnect());
  });
});
