import { describe, expect, it } from 'vitest';
import { pickHomeHttpUrl } from './home-http-url.ts';

describe('pickHomeHttpUrl', () => {
  const urls = ['https://192.168.1.10:8420/', 'https://127.0.0.1:8420/'];

  it('takes the URL on the host the device dialed', () => {
    expect(pickHomeHttpUrl(urls, ['/ip4/127.0.0.1/tcp/8422/ws'], 'https://app.example')).toBe(
      'https://127.0.0.1:8420/',
    );
    expect(pickHomeHttpUrl(urls, ['/ip4/192.168.1.10/tcp/8422/ws/p2p/12D3KooW'], 'https://x')).toBe(
      'https://192.168.1.10:8420/',
    );
  });

  it("else the app's origin when it is one of them, else the node's first", () => {
    expect(pickHomeHttpUrl(urls, ['/dns4/home.example/tcp/443/wss'], 'https://127.0.0.1:8420')).toBe(
      'https://127.0.0.1:8420/',
    );
    expect(pickHomeHttpUrl(urls, ['/dns4/home.example/tcp/443/wss'], 'https://app.example')).toBe(urls[0]);
  });

  it("falls back to the app's origin for a grant without URLs (older node)", () => {
    expect(pickHomeHttpUrl(undefined, ['/ip4/127.0.0.1/tcp/1/ws'], 'http://localhost:8420')).toBe(
      'http://localhost:8420',
    );
  });
});
