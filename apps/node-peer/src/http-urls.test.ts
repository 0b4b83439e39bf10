import { describe, expect, it } from 'vitest';
import { advertisedHttpUrls } from './http-urls.ts';

describe('advertisedHttpUrls', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [
      { address: '192.168.1.10', family: 'IPv4', internal: false },
      { address: 'fe80::1', family: 'IPv6', internal: false },
    ],
  } as never;

  it('names the LAN addresses first when bound to all interfaces', () => {
    expect(advertisedHttpUrls('https://127.0.0.1:8420/', '0.0.0.0', ifaces)).toEqual([
      'https://192.168.1.10:8420/',
      'https://127.0.0.1:8420/',
    ]);
  });

  it('is the server URL itself on a specific host, and nothing before the server listens', () => {
    expect(advertisedHttpUrls('http://127.0.0.1:8420/', '127.0.0.1', ifaces)).toEqual([
      'http://127.0.0.1:8420/',
    ]);
    expect(advertisedHttpUrls('', '0.0.0.0', ifaces)).toEqual([]);
  });
});
