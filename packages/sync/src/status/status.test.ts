import * as lp from 'it-length-prefixed';
import { encode } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPeerNode } from '../net/create-peer-node.node.ts';
import { LOOPBACK_TCP } from '../net/loopback-stream.ts';
import type { PeerNode } from '../net/peer-node.ts';
import { MAX_STATUS_FRAME, parseNodeStatus, type NodeStatus } from './node-status.ts';
import { STATUS_PROTOCOL } from './status-protocol.ts';
import { createStatusServer } from './status-server.ts';
import { watchNodeStatus } from './status-client.ts';

function status(done: number, current?: string): NodeStatus {
  return {
    at: Date.now(),
    assets: 10,
    devicesOnline: 1,
    reconcile: {
      idle: done === 10,
      kinds: {
        images: {
          done,
          pending: 10 - done,
          running: done < 10 ? 1 : 0,
          failed: 0,
          ...(current ? { current } : {}),
        },
      },
    },
    import: { done, total: 10, startedAt: 1, ...(done === 10 ? { finishedAt: 2 } : {}) },
    backups: { lastExportAt: null, notExported: 10, auditCopies: 0 },
  };
}

describe('/hearth/status/1', () => {
  const nodes: PeerNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
  });

  async function setup(paired: (id: string) => boolean) {
    const [home, device] = await Promise.all([createPeerNode(LOOPBACK_TCP), createPeerNode(LOOPBACK_TCP)]);
    nodes.push(home, device);
    let now = status(0, 'a.jpg');
    const server = createStatusServer({
      node: home,
      access: { isPaired: paired },
      status: () => now,
      intervalMs: 20,
    });
    await server.start();
    await device.dial(home.getMultiaddrs());
    return { home, device, server, set: (s: NodeStatus) => (now = s) };
  }

  it('a paired device gets the status at once and each change, and stops watching on abort', async () => {
    const { home, device, server, set } = await setup(() => true);
    const seen: NodeStatus[] = [];
    const ac = new AbortController();
    let changed!: () => void;
    const second = new Promise<void>((r) => (changed = r));
    const watching = watchNodeStatus(
      device,
      home.peerId,
      (s) => {
        seen.push(s);
        if (seen.length === 1) set(status(4, 'b.jpg'));
        if (seen.length === 2) changed();
      },
      { signal: ac.signal },
    );
    await second;
    expect(
      seen.map((s) => [s.reconcile.kinds['images']?.done, s.reconcile.kinds['images']?.current]),
    ).toEqual([
      [0, 'a.jpg'],
      [4, 'b.jpg'],
    ]);
    expect(seen[1]!.import).toEqual({ done: 4, total: 10, startedAt: 1 });
    expect(server.watchers).toBe(1);
    ac.abort();
    await watching;
    await expect.poll(() => server.watchers).toBe(0);
  });

  it('an unpaired peer is told nothing', async () => {
    const { home, device } = await setup(() => false);
    const seen: NodeStatus[] = [];
    await watchNodeStatus(device, home.peerId, (s) => seen.push(s)).catch(() => undefined);
    expect(seen).toEqual([]);
  });

  it('the watch ends when the node stops serving', async () => {
    const { home, device, server } = await setup(() => true);
    let first!: () => void;
    const got = new Promise<void>((r) => (first = r));
    const watching = watchNodeStatus(device, home.peerId, () => first());
    await got;
    await server.stop();
    await expect(watching).resolves.toBeUndefined();
  });

  it('an oversized or malformed frame is a protocol violation, not a status', async () => {
    const [home, device] = await Promise.all([createPeerNode(LOOPBACK_TCP), createPeerNode(LOOPBACK_TCP)]);
    nodes.push(home, device);
    let frame: Uint8Array = new Uint8Array(MAX_STATUS_FRAME + 10);
    await home.handle(STATUS_PROTOCOL, (stream) => {
      stream.send(lp.encode.single(frame));
    });
    await device.dial(home.getMultiaddrs());
    await expect(watchNodeStatus(device, home.peerId, () => undefined)).rejects.toMatchObject({
      code: 'PROTOCOL_VIOLATION',
    });
    frame = encode({ at: 'yesterday' });
    await expect(watchNodeStatus(device, home.peerId, () => undefined)).rejects.toMatchObject({
      code: 'PROTOCOL_VIOLATION',
    });
  });

  it('parseNodeStatus keeps known fields, cuts long texts and refuses wrong types', () => {
    const s = status(3, 'x'.repeat(1000));
    const parsed = parseNodeStatus({ ...s, extra: 1 });
    expect(parsed?.reconcile.kinds['images']?.current).toHaveLength(300);
    expect(parsed).not.toHaveProperty('extra');
    expect(parseNodeStatus({ ...s, assets: -1 })).toBeUndefined();
    expect(parseNodeStatus({ ...s, import: 'busy' })).toBeUndefined();
    expect(parseNodeStatus({ ...s, import: null })?.import).toBeNull();
    expect(
      parseNodeStatus({ ...s, reconcile: { idle: true, kinds: { images: { done: 1 } } } }),
    ).toBeUndefined();
  });
});
