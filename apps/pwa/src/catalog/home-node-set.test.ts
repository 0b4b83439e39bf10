// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import {
  createCatalog,
  deviceIdOf,
  generateDeviceKey,
  generateLibraryKey,
  issueCertificate,
  issueRevocation,
  type AssetId,
} from '@hearth/sync';
import { createTestRoot } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryChange } from '../library/library-client.ts';
import { createCatalogLibrary } from './catalog-library.ts';
import { followHomeNodes, type HomeNodeSet } from './home-node-set.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A root document under a real library key, with home node A certified; B and a phone not yet. */
async function library() {
  const key = await generateLibraryKey();
  const [a, b, phone] = await Promise.all([1, 2, 3].map(() => generateDeviceKey()));
  const [idA, idB, idPhone] = [a!, b!, phone!].map(deviceIdOf);
  const repo = new Repo({ network: [] });
  cleanups.push(() => repo.shutdown());
  const root = createTestRoot(repo);
  const certA = await issueCertificate(key, { deviceId: idA!, name: 'home', role: 'home-node' });
  root.change((d) => void (d.devices[idA!] = certA));
  const join = async (id: string, name: string, role: 'home-node' | 'device') => {
    const c = await issueCertificate(key, { deviceId: id as never, name, role });
    root.change((d) => void (d.devices[id] = c));
  };
  const revoke = async (id: string) => {
    const r = await issueRevocation(key, id as never);
    root.change((d) => void (d.revocations[id] = r));
  };
  return { key, repo, root, idA: idA!, idB: idB!, idPhone: idPhone!, join, revoke };
}

/** Collects the set's change events; `next()` resolves at the next one. */
function events(set: HomeNodeSet) {
  let count = 0;
  let wake: (() => void) | undefined;
  cleanups.push(
    set.onChange(() => {
      count++;
      wake?.();
    }),
  );
  return {
    count: () => count,
    next: () => new Promise<void>((r) => (wake = r)),
  };
}

describe('home node set', () => {
  it('tells when a home node joins or is revoked, not on other root edits', async () => {
    const lib = await library();
    const set = followHomeNodes(lib.root, lib.key.publicKey);
    cleanups.push(() => set.stop());
    const seen = events(set);
    expect([...(await set.names())]).toEqual([[lib.idA, 'home']]);

    // Unrelated edits: a phone pairs, a setting changes. Compared, and no event.
    await lib.join(lib.idPhone, 'phone', 'device');
    lib.root.change((d) => void (d.settings['theme'] = 'dark'));
    await set.settled();
    expect(seen.count()).toBe(0);

    // B joins: one event, and the names now include it.
    let next = seen.next();
    await lib.join(lib.idB, 'backup', 'home-node');
    await next;
    expect(seen.count()).toBe(1);
    expect(new Map(await set.names())).toEqual(
      new Map([
        [lib.idA, 'home'],
        [lib.idB, 'backup'],
      ]),
    );

    // Revoking the phone is no home-node change; revoking A is.
    await lib.revoke(lib.idPhone);
    await set.settled();
    expect(seen.count()).toBe(1);
    next = seen.next();
    await lib.revoke(lib.idA);
    await next;
    expect(seen.count()).toBe(2);
    expect([...(await set.names())]).toEqual([[lib.idB, 'backup']]);

    // Stopped: a revocation is no longer followed.
    set.stop();
    await lib.revoke(lib.idB);
    await set.settled();
    expect(seen.count()).toBe(2);
  });

  it('the library client passes it on as a `homeNodes` change, and a catalog edit is no such change', async () => {
    const lib = await library();
    const set = followHomeNodes(lib.root, lib.key.publicKey);
    cleanups.push(() => set.stop());
    const catalog = createCatalog({ repo: lib.repo, root: lib.root, deviceId: lib.idPhone as never });
    const media = await openIdbMediaCache(`home-node-set-${Math.random()}`);
    const client = createCatalogLibrary({
      catalog,
      media,
      deviceId: lib.idPhone as never,
      homeNodes: set.names,
      onHomeNodesChange: set.onChange,
    });
    await client.start();
    cleanups.push(() => client.stop());
    const changes: LibraryChange[] = [];
    let wake: (() => void) | undefined;
    const off = client.onChange((c) => {
      changes.push(c);
      wake?.();
    });
    cleanups.push(off);

    const id = 'a'.repeat(64) as AssetId;
    let next = new Promise<void>((r) => (wake = r));
    await client.addAssets([
      { id, type: 'image', mime: 'image/jpeg', size: 1, capturedAt: 0, width: 1, height: 1 },
    ]);
    await next;
    await set.settled();
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.some((c) => c.homeNodes)).toBe(false);

    changes.length = 0;
    next = new Promise<void>((r) => (wake = r));
    await lib.join(lib.idB, 'backup', 'home-node');
    await next;
    await set.settled();
    expect(changes.filter((c) => c.homeNodes)).toEqual([
      { assets: [], albums: [], months: [], homeNodes: true },
    ]);
    expect((await client.backupSummary!()).homeNodes).toBe(2);

    // Unsubscribed: a revocation reaches no listener.
    off();
    await lib.revoke(lib.idB);
    await set.settled();
    expect(changes.filter((c) => c.homeNodes)).toHaveLength(1);
  });
});
