/**
 * Scenario 2: an unpaired peer that knows the root and an album document URL gets
 * neither, and cannot tell them from a random URL. Separate processes, real TCP and
 * WebSockets on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAutomergeUrl } from '@automerge/automerge-repo';
import { pairedPeers, spawnPeer, stopAllPeers, type PeerProcess } from './support/spawn-peer.ts';

interface ReadResult {
  found: boolean;
  doc?: unknown;
}
interface Probe {
  opened: boolean;
  bytes: number;
  closed?: boolean;
  error?: string;
}

describe('an unpaired peer gets nothing', () => {
  let home: PeerProcess;
  let phone: PeerProcess;
  let stranger: PeerProcess;
  let rootUrl: string;
  let albumUrl: string;

  beforeAll(async () => {
    const lib = await pairedPeers(2);
    home = lib.home;
    phone = lib.devices[0]!;
    rootUrl = lib.rootUrl;
    ({ url: albumUrl } = await home.call<{ url: string }>('create-doc', {
      content: { title: 'Private album' },
    }));
    stranger = await spawnPeer('stranger');
  });
  afterAll(stopAllPeers);

  it('a paired device does get the album (control)', async () => {
    const r = await phone.call<ReadResult>('read-doc', { url: albumUrl, timeoutMs: 15_000, wait: true });
    expect(r).toEqual({ found: true, doc: { title: 'Private album' } });
  });

  for (const transport of ['tcp', 'ws'] as const) {
    it(`over ${transport}: root, album and a random URL all come back unavailable`, async () => {
      await stranger.call('dial', { addr: home.addrs[transport] });
      const randomUrl = generateAutomergeUrl();
      const results = await Promise.all(
        [rootUrl, albumUrl, randomUrl].map((url) =>
          stranger.call<ReadResult>('read-doc', { url, timeoutMs: 10_000 }),
        ),
      );
      for (const r of results) expect(r.found).toBe(false);
      // Same answer for all three, except the URL it names.
      const shapes = results.map((r, i) =>
        String(r.doc).replace([rootUrl, albumUrl, randomUrl][i]!, '<url>'),
      );
      expect(new Set(shapes).size).toBe(1);
    });
  }

  it('speaking /hearth/automerge/1 by hand: not one byte back, for a real or a random document', async () => {
    await stranger.call('dial', { addr: home.addrs.tcp });
    const probes = await Promise.all(
      [rootUrl, albumUrl, generateAutomergeUrl()].map((url) =>
        stranger.call<Probe>('probe-automerge', { peer: home.peerId, url }),
      ),
    );
    // Not one byte, and the stream is reset whatever was asked. Whether the reset lands
    // before or after the prober's own write (StreamStateError vs StreamResetError) is a
    // race on the prober's side, not something the home node says.
    for (const p of probes) {
      expect(p.opened).toBe(true);
      expect(p.bytes).toBe(0);
      expect(['StreamResetError', 'StreamStateError']).toContain(p.error);
    }
    // The home node never treated the stranger as a sync partner.
    expect(home.events.some((e) => e.event === 'adapter-drop' && e['peer'] === stranger.peerId)).toBe(false);
  });
});
