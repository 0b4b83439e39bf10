import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { browserDialAllowed } from './create-peer-node.browser.ts';

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
