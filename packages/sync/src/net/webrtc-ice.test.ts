import { describe, expect, it } from 'vitest';
import { generateLibraryKey } from '../identity/library-key.ts';
import { rtcConfigurationOf } from './webrtc-config.ts';
import { checkIceServers, parseIceServers, readIceServers, signIceServers } from './webrtc-ice.ts';

const turn = { urls: ['turn:turn.example.org:3478?transport=udp'], username: 'u', credential: 'p' };

describe('ICE server settings', () => {
  it('reads STUN URLs separated by commas or spaces, or a JSON list with TURN credentials', () => {
    expect(parseIceServers('')).toEqual([]);
    expect(parseIceServers(' stun:a.example:3478, stun:b.example  stuns:c.example ')).toEqual([
      { urls: ['stun:a.example:3478'] },
      { urls: ['stun:b.example'] },
      { urls: ['stuns:c.example'] },
    ]);
    expect(
      parseIceServers(
        '[{"urls":"turn:turn.example.org:3478?transport=udp","username":"u","credential":"p"},"stun:x"]',
      ),
    ).toEqual([turn, { urls: ['stun:x'] }]);
  });

  it('refuses what a browser would refuse, with a typed error naming the entry', () => {
    const bad = (v: unknown) => {
      try {
        checkIceServers(v);
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
      return 'accepted';
    };
    expect(bad('stun:x')).toMatch(/^ICE_SERVER_INVALID: ICE servers must be a list/);
    expect(bad(['http://x'])).toMatch(/ICE server 1: "http:\/\/x" is not a stun:/);
    expect(bad(['stun:x', 'turn:y'])).toMatch(/ICE server 2: a TURN server needs a username/);
    expect(bad([{ urls: 'turn:y', username: 'u' }])).toMatch(/username and credential must both/);
    expect(bad([{ urls: [] }])).toMatch(/urls must be/);
    expect(bad(Array.from({ length: 17 }, () => 'stun:x'))).toMatch(/at most 16/);
    expect(() => parseIceServers('[oops')).toThrow(/not valid JSON/);
  });
});

describe('ICE servers in the root document', () => {
  it('are read only when signed by the library key', async () => {
    const key = await generateLibraryKey();
    const other = await generateLibraryKey();
    const signed = await signIceServers(key, [turn, { urls: ['stun:s.example'] }]);
    expect(await readIceServers({ iceServers: signed }, key.publicKey)).toEqual([
      turn,
      { urls: ['stun:s.example'] },
    ]);
    // Another key's list, an edited list, garbage and absence all read as none.
    expect(await readIceServers({ iceServers: await signIceServers(other, [turn]) }, key.publicKey)).toEqual(
      [],
    );
    const edited = { ...signed, servers: [{ urls: ['turn:evil.example'], username: 'a', credential: 'b' }] };
    expect(await readIceServers({ iceServers: edited }, key.publicKey)).toEqual([]);
    expect(await readIceServers({ iceServers: { ...signed, at: signed.at + 1 } }, key.publicKey)).toEqual([]);
    expect(await readIceServers({ iceServers: 'x' }, key.publicKey)).toEqual([]);
    expect(await readIceServers({}, key.publicKey)).toEqual([]);
    expect(await readIceServers(null, key.publicKey)).toEqual([]);
    // An empty list is a list too (the node clears what it published before).
    expect(await readIceServers({ iceServers: await signIceServers(key, []) }, key.publicKey)).toEqual([]);
  });
});

describe('RTCConfiguration of each peer connection', () => {
  it('is a fresh object with the servers read at that moment', () => {
    let now: { urls: string[] }[] = [];
    const config = rtcConfigurationOf({ iceServers: () => now });
    const first = config();
    expect(first).toEqual({ iceServers: [] });
    now = [{ urls: ['stun:later.example'] }];
    expect(config()).toEqual({ iceServers: [{ urls: ['stun:later.example'] }] });
    // libp2p adds its defaults to an empty object it is given: that must not stick.
    first.iceServers.push({ urls: 'stun:l.google.com:19302' });
    now = [];
    expect(config()).toEqual({ iceServers: [] });
    expect(rtcConfigurationOf({})()).toEqual({ iceServers: [] });
    expect(rtcConfigurationOf({ iceServers: [turn] })()).toEqual({ iceServers: [turn] });
  });
});
