import { describe, expect, it } from 'vitest';
import { encodePairingLink, parsePairingLink } from './pairing-link.ts';
import { PairingLinkError } from './pairing-errors.ts';

const peerId = '12D3KooWGzh6ZV9ikZWXHGbCSgyxiTvUGvTdLyRYS8zG3idNjy2V';
const addrs = ['/ip4/192.168.1.20/tcp/4001', '/ip4/192.168.1.20/tcp/4002/ws'];

describe('pairing link', () => {
  it('round-trips code, PeerId and addresses', () => {
    const text = encodePairingLink({ code: '7KQ2-M9XD', peerId, addrs });
    expect(text.startsWith('hearth://pair?c=7KQ2-M9XD&p=12D3Koo')).toBe(true);
    expect(parsePairingLink(text)).toEqual({ code: '7KQ2M9XD', peerId, addrs });
  });

  it.each([
    ['not a link', 'hello'],
    ['wrong scheme', `https://pair?c=7KQ2M9XD&p=${peerId}&a=${encodeURIComponent(addrs[0]!)}`],
    ['bad code', `hearth://pair?c=ILOU&p=${peerId}&a=${encodeURIComponent(addrs[0]!)}`],
    ['bad peer id', `hearth://pair?c=7KQ2M9XD&p=nope&a=${encodeURIComponent(addrs[0]!)}`],
    ['no address', `hearth://pair?c=7KQ2M9XD&p=${peerId}`],
    ['bad address', `hearth://pair?c=7KQ2M9XD&p=${peerId}&a=%2Fnope%2F1`],
  ])('rejects %s with PairingLinkError', (_what, text) => {
    expect(() => parsePairingLink(text)).toThrow(PairingLinkError);
  });
});
