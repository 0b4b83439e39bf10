import { Repo } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import {
  deviceIdOf,
  generateDeviceKey,
  generateLibraryKey,
  issueCertificate,
  readAllIceServers,
  readIceServers,
} from '@hearth/sync';
import { createTestRoot } from '@hearth/sync/testing';
import { guardHomeNodeIce, publishIceServers } from './ice-servers.ts';

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
      // A joined node (no library key) leaves the library's list alone.
      expect(await publishIceServers({ root, key: null, servers: [], log })).toBe(false);
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

describe("a joined home node's own ICE servers", () => {
  it('are signed by its node key, read beside the library list, and warned about while uncertified', async () => {
    const repo = new Repo({ network: [] });
    try {
      const root = createTestRoot(repo);
      const libKey = await generateLibraryKey();
      const nodeKey = await generateDeviceKey();
      const deviceId = deviceIdOf(nodeKey);
      const node = { key: nodeKey, deviceId, libraryPublicKey: libKey.publicKey };
      const read = async () => (await readAllIceServers(root.doc(), libKey.publicKey)).servers;
      const stun = [{ urls: ['stun:second.example:3478'] }];
      const lines: string[] = [];
      const log = (l: string) => lines.push(l);

      // Not yet certified in this document: written, but devices ignore it, and the node says so.
      expect(await publishIceServers({ root, key: null, node, servers: stun, log })).toBe(true);
      expect(await read()).toEqual([]);
      expect(lines.pop()).toMatch(/^warning: this node's ICE servers are not used by devices yet/);
      const cert = await issueCertificate(libKey, { deviceId, name: 'B', role: 'home-node' });
      root.change((d) => void (d.devices[deviceId] = JSON.parse(JSON.stringify(cert)) as never));
      expect(await read()).toEqual(stun);
      lines.length = 0;
      expect(await publishIceServers({ root, key: null, node, servers: stun, log })).toBe(false);
      expect(lines).toEqual([]);
      // The library-signed list (from the first node) comes first; the same server counts once.
      const turn = [{ urls: ['turn:t.example:3478'], username: 'u', credential: 'p' }];
      expect(await publishIceServers({ root, key: libKey, servers: [...turn, ...stun], log })).toBe(true);
      expect(await read()).toEqual([...turn, ...stun]);
      // Removing the setting on the joined node reaches devices.
      expect(await publishIceServers({ root, key: null, node, servers: [], log })).toBe(true);
      expect((await readAllIceServers(root.doc(), libKey.publicKey)).nodes[0]!.servers).toEqual([]);
      expect(await publishIceServers({ root, key: null, node, servers: [], log })).toBe(false);
      // Neither key: nothing written, a warning.
      lines.length = 0;
      expect(await publishIceServers({ root, key: null, servers: stun, log })).toBe(false);
      expect(lines).toEqual([expect.stringMatching(/^warning: ICE servers setting not published/)]);
    } finally {
      await repo.shutdown();
    }
  });

  it('are put back when a peer overwrites or removes them', async () => {
    const repo = new Repo({ network: [] });
    try {
      const root = createTestRoot(repo);
      const libKey = await generateLibraryKey();
      const nodeKey = await generateDeviceKey();
      const deviceId = deviceIdOf(nodeKey);
      const cert = await issueCertificate(libKey, { deviceId, name: 'B', role: 'home-node' });
      root.change((d) => void (d.devices[deviceId] = JSON.parse(JSON.stringify(cert)) as never));
      const node = { key: nodeKey, deviceId, libraryPublicKey: libKey.publicKey };
      const stun = [{ urls: ['stun:second.example:3478'] }];
      const read = async () => (await readAllIceServers(root.doc(), libKey.publicKey)).servers;
      // Nothing published yet: nothing to guard.
      guardHomeNodeIce(root, deviceId)();
      await publishIceServers({ root, key: null, node, servers: stun });
      const unguard = guardHomeNodeIce(root, deviceId);
      const ice = (d: unknown) =>
        (d as { homeNodeIce: Record<string, { servers: { urls: string[] }[] }> }).homeNodeIce;
      root.change((d) => void (ice(d)[deviceId]!.servers[0]!.urls[0] = 'stun:evil.example'));
      expect(await read()).toEqual(stun);
      root.change((d) => void delete ice(d)[deviceId]);
      expect(await read()).toEqual(stun);
      unguard();
      root.change((d) => void delete ice(d)[deviceId]);
      expect(await read()).toEqual([]);
    } finally {
      await repo.shutdown();
    }
  });
});
