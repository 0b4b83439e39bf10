// @vitest-environment node
import { Repo } from '@automerge/automerge-repo';
import { generateLibraryKey, rtcConfigurationOf, signIceServers } from '@hearth/sync';
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
});
