import { Repo } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { generateLibraryKey, readIceServers } from '@hearth/sync';
import { createTestRoot } from '@hearth/sync/testing';
import { publishIceServers } from './ice-servers.ts';

describe('ICE servers published in the root document', () => {
  it('are signed by the library key, written only when they change, and cleared when the setting is removed', async () => {
    const repo = new Repo({ network: [] });
    try {
      const root = createTestRoot(repo);
      const key = await generateLibraryKey();
      const read = () => readIceServers(root.doc(), key.publicKey);
      const stun = [{ urls: ['stun:stun.example:3478'] }];
      const lines: string[] = [];
      const log = (l: string) => lines.push(l);

      // Nothing configured, nothing there: nothing written.
      expect(await publishIceServers({ root, key, servers: [], log })).toBe(false);
      expect('iceServers' in root.doc()).toBe(false);
      expect(await publishIceServers({ root, key, servers: stun, log })).toBe(true);
      expect(await read()).toEqual(stun);
      expect(await publishIceServers({ root, key, servers: stun, log })).toBe(false);
      const turn = [{ urls: ['turn:t.example:3478'], username: 'u', credential: 'p' }];
      expect(await publishIceServers({ root, key, servers: turn, log })).toBe(true);
      expect(await read()).toEqual(turn);
      // A forged edit by a device is not read; the node puts its own list back on its next start.
      root.change((d) => {
        const e = (d as unknown as { iceServers: { servers: { urls: string[] }[] } }).iceServers;
        e.servers[0]!.urls[0] = 'turn:evil.example';
      });
      expect(await read()).toEqual([]);
      expect(await publishIceServers({ root, key, servers: turn, log })).toBe(true);
      expect(await read()).toEqual(turn);
      // Removed from the config: an empty signed list replaces it.
      expect(await publishIceServers({ root, key, servers: [], log })).toBe(true);
      expect(await read()).toEqual([]);
      expect('iceServers' in root.doc()).toBe(true);
      // A joined node (no library key) leaves the list alone.
      expect(await publishIceServers({ root, key: null, servers: stun, log })).toBe(false);
      expect(lines).toEqual([
        "ICE servers for devices' WebRTC: stun:stun.example:3478",
        "ICE servers for devices' WebRTC: turn:t.example:3478",
        "ICE servers for devices' WebRTC: turn:t.example:3478",
        'ICE servers for devices: none (host candidates only)',
      ]);
    } finally {
      await repo.shutdown();
    }
  });
});
