import { describe, expect, it } from 'vitest';
import { Repo, type Chunk, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo';
import { shutdownRepo } from './shutdown-repo.ts';

/** automerge-repo storage in a Map (what was saved, by key). */
function memoryStorage(): StorageAdapterInterface & { keys(): string[] } {
  const data = new Map<string, Uint8Array>();
  const k = (key: StorageKey) => key.join('/');
  const range = (prefix: StorageKey): Chunk[] =>
    [...data]
      .filter(([key]) => key.startsWith(k(prefix)))
      .map(([key, d]) => ({ key: key.split('/'), data: d }));
  return {
    keys: () => [...data.keys()],
    load: (key) => Promise.resolve(data.get(k(key))),
    save: (key, d) => Promise.resolve(void data.set(k(key), d)),
    remove: (key) => Promise.resolve(void data.delete(k(key))),
    loadRange: (prefix) => Promise.resolve(range(prefix)),
    removeRange: (prefix) => Promise.resolve(void range(prefix).forEach((c) => data.delete(k(c.key)))),
  };
}

describe('shutdownRepo', () => {
  it('saves the ready documents when another is unavailable (repo.shutdown() rejects there)', async () => {
    const storage = memoryStorage();
    const repo = new Repo({ storage, network: [] });
    const handle = repo.create<{ n: number }>({ n: 1 });
    handle.change((d) => void (d.n = 2));
    // A document no peer has: its handle ends up unavailable, and stays in the repo's cache.
    const missing = new Repo({ network: [] }).create<{ x: number }>({ x: 1 }).url;
    await expect(repo.find(missing)).rejects.toThrow(/unavailable/i);

    await expect(shutdownRepo(repo)).resolves.toBeUndefined();
    expect(storage.keys().some((key) => key.startsWith(handle.documentId))).toBe(true);
    // What was saved is the last change.
    const again = new Repo({ storage, network: [] });
    expect((await again.find<{ n: number }>(handle.url)).doc().n).toBe(2);
  });
});
