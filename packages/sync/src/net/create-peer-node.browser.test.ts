import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { browserDialAllowed, createPeerNode as createBrowserNode } from './create-peer-node.browser.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import type { PeerNode } from './peer-node.ts';

describe('browser dial policy', () => {
  const home = '/ip4/192.168.1.20/tcp/4002/ws';
  it("allows the home node's private /ws address when listed, with or without /p2p", () => {
    expect(browserDialAllowed(multiaddr(home), [home])).toBe(true);
    expect(
      browserDialAllowed(multiaddr(`${home}/p2p/12D3KooWGzh6ZV9ikZWXHGbCSgyxiTvUGvTdLyRYS8zG3idNjy2V`), [
        home,
      ]),
    ).toBe(true);
  });
  it('refuses unlisted plain /ws and raw TCP, allows wss and relayed addresses', () => {
    expect(browserDialAllowed(multiaddr('/ip4/192.168.1.21/tcp/4002/ws'), [home])).toBe(false);
    expect(browserDialAllowed(multiaddr('/ip4/192.168.1.20/tcp/4001'), [home])).toBe(false);
    expect(browserDialAllowed(multiaddr('/dns4/example.org/tcp/443/wss'), [])).toBe(true);
    expect(
      browserDialAllowed(
        multiaddr(
          '/dns4/example.org/tcp/443/wss/p2p/12D3KooWGzh6ZV9ikZWXHGbCSgyxiTvUGvTdLyRYS8zG3idNjy2V/p2p-circuit',
        ),
        [],
      ),
    ).toBe(true);
  });
});

// The browser factory's libp2p stack also runs in Node (WebSockets transport), which lets
// the DESIGN.md §4 gotcha be checked here; the real browser runs it in the PWA e2e.
describe('browser node factory against a home node on loopback /ws', () => {
  const nodes: PeerNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async (n) => n.stop()));
  });

  it('dials the listed loopback /ws address and is refused an unlisted one', async () => {
    const home = await createPeerNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], relayServer: false });
    nodes.push(home);
    const ws = home.getMultiaddrs()[0]!;
    const allowed = await createBrowserNode({
      listen: [],
      allowDial: [ws.toString().replace(/\/p2p\/.*$/, '')],
    });
    const plain = await createBrowserNode({ listen: [] });
    nodes.push(allowed, plain);
    const conn = await allowed.dial(ws);
    expect(conn.remotePeer.toString()).toBe(home.peerId.toString());
    await expect(plain.dial(ws)).rejects.toMatchObject({ name: 'DialDeniedError' });
  });
});
