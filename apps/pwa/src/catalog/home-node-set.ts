/**
 * The library's home nodes (not revoked) as the synced root document certifies them, and an
 * event when that set changes: a node joins (its certificate arrives) or is revoked. Nothing in
 * the catalog changes then, yet "on one home node" counts and "backed up on" names do, so the
 * views that show them listen here (through the library client's `onChange`, `homeNodes`).
 */
import type { DocHandle } from '@automerge/automerge-repo';
import { listLibraryDevices, type RootDoc } from '@hearth/sync';
import { homeNodeNames, type HomeNodeNames } from './backup-copies.ts';

/** See the file comment. `stop()` stops following the root document. */
export interface HomeNodeSet {
  /** the home nodes of the root document as it is now, id → name */
  names(): Promise<HomeNodeNames>;
  /** Called after the set (ids or names) changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** resolves once every root change seen so far has been compared (tests wait on it) */
  settled(): Promise<void>;
  stop(): void;
}

const key = (names: HomeNodeNames) =>
  JSON.stringify([...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function followHomeNodes(root: DocHandle<RootDoc>, libraryPublicKey: string): HomeNodeSet {
  const listeners = new Set<() => void>();
  // Certificates are checked once per root document version, not once per asset read.
  let known: { doc: unknown; names: Promise<HomeNodeNames> } | undefined;
  const names = () => {
    const doc = root.doc();
    if (known?.doc !== doc)
      known = { doc, names: listLibraryDevices(doc, libraryPublicKey).then(homeNodeNames) };
    return known.names;
  };
  // The set as last told, read at once: a change that lands before the first read still differs.
  let last = names().then(key);
  let checking: Promise<void> = last.then(() => undefined);
  const onRootChange = () => {
    checking = checking
      .then(async () => {
        const now = key(await names());
        if (now === (await last)) return;
        last = Promise.resolve(now);
        for (const l of [...listeners]) l();
      })
      .catch((e: unknown) => console.warn(`home nodes: ${String(e)}`));
  };
  root.on('change', onRootChange);
  return {
    names,
    onChange(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    settled: () => checking,
    stop: () => void root.off('change', onRootChange),
  };
}
