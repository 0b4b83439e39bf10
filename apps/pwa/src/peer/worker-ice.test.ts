// @vitest-environment node
import { Repo } from '@automerge/automerge-repo';
import {
  deviceIdOf,
  generateDeviceKey,
  generateLibraryKey,
  issueCertificate,
  issueRevocation,
  rtcConfigurationOf,
  signHomeNodeIce,
  signIceServers,
} from '@hearth/sync';
import { createTestRoot } from '@hearth/sync/testing';
import { describe, expect, it } from 'vitest';

import { createIceServersFollower } from './worker-ice.ts';

const until = async (ok: () => boolean) => {
  // Each look waits for the follower's pending verification (a microtask chain), not a clock.
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  expect(ok()).toBe(true);
};

describe('ICE servers from the root document', () => {
  it('reach each new RTCConfiguration once signed by the library key; a forged list reads as none', async () => {
    const repo = new Repo({ network: [] });
    const follower = createIceServersFollower();
    try {
      const root = createTestRoot(repo);
      const key = await generateLibraryKey();
      // What the worker gives its peer node: read at each new peer connection.
      const config = rtcConfigurationOf({ iceServers: () => follower.current() });
      await follower.follow(root, key.publicKey);
      expect(config()).toEqual({ iceServers: [] });
      const turn = { urls: ['turn:t.example:3478'], username: 'u', credential: 'p' };
      const signed = await signIceServers(key, [turn]);
      root.change((d) => void ((d as unknown as Record<string, unknown>)['iceServers'] = signed));
      await until(() => follower.current().length === 1);
      expect(config()).toEqual({ iceServers: [turn] });
      // Another key's list (a paired device editing the document) is not used.
      const forged = await signIceServers(await generateLibraryKey(), [
        { ...turn, urls: ['turn:evil.example'] },
      ]);
      root.change((d) => void ((d as unknown as Record<string, unknown>)['iceServers'] = forged));
      await until(() => follower.current().length === 0);
      expect(config()).toEqual({ iceServers: [] });
      follower.stop();
      root.change((d) => void ((d as unknown as Record<string, unknown>)['iceServers'] = signed));
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
      expect(follower.current()).toEqual([]);
    } finally {
      follower.stop();
      await repo.shutdown();
    }
  });

  it("adds a joined home node's own list after the library's, keeps its later one, and drops it once revoked", async () => {
    const repo = new Repo({ network: [] });
    const follower = createIceServersFollower();
    try {
      const root = createTestRoot(repo);
      const key = await generateLibraryKey();
      const nodeKey = await generateDeviceKey();
      const id = deviceIdOf(nodeKey);
      const set = (path: 'devices' | 'revocations' | 'homeNodeIce', v: unknown) =>
        root.change((d) => {
          const doc = d as unknown as Record<string, Record<string, unknown>>;
          doc[path] ??= {};
          doc[path][id] = JSON.parse(JSON.stringify(v)) as unknown;
        });
      const config = rtcConfigurationOf({ iceServers: () => follower.current() });
      set('devices', await issueCertificate(key, { deviceId: id, name: 'B', role: 'home-node' }));
      const stun = { urls: ['stun:a.example:3478'] };
      const turn = { urls: ['turn:b.example:3478'], username: 'u', credential: 'p' };
      const libList = await signIceServers(key, [stun]);
      root.change((d) => void ((d as unknown as Record<string, unknown>)['iceServers'] = libList));
      await follower.follow(root, key.publicKey);
      const older = await signHomeNodeIce(nodeKey, { deviceId: id, servers: [stun], at: 1000 });
      set('homeNodeIce', await signHomeNodeIce(nodeKey, { deviceId: id, servers: [turn, stun], at: 2000 }));
      // The library's list first, then the node's; the same server once.
      await until(() => follower.current().length === 2);
      expect(config()).toEqual({ iceServers: [stun, turn] });
      // A paired device writing back the node's older list: the later one stays in use.
      set('homeNodeIce', older);
      set('homeNodeIce', older); // a second change event, so a read has surely run on it
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
      expect(config()).toEqual({ iceServers: [stun, turn] });
      set('revocations', await issueRevocation(key, id));
      await until(() => follower.current().length === 1);
      expect(config()).toEqual({ iceServers: [stun] });
    } finally {
      follower.stop();
      await repo.shutdown();
    }
  });
});
