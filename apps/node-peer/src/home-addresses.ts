import type { DocHandle } from '@automerge/automerge-repo';
import type { PrivateKey } from '@libp2p/interface';
import {
  readHomeNodeAddresses,
  signHomeNodeAddresses,
  type HomeNodeAddresses,
  type RootDoc,
} from '@hearth/sync';

const same = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Writes this home node's current addresses (libp2p and HTTP), signed by its node key, into
 * the root document under `homeNodes[<its id>]`, so every device and the other home node learn
 * where it is (a node restarted on other ports announces again; the later entry wins). Nothing
 * is written when the entry already says the same. Returns whether it wrote.
 */
export async function announceHomeAddresses(opts: {
  root: DocHandle<RootDoc>;
  key: PrivateKey;
  deviceId: string;
  addrs: string[];
  httpUrls: string[];
}): Promise<HomeNodeAddresses | undefined> {
  const had = opts.root.doc().homeNodes?.[opts.deviceId];
  if (same(had?.addrs, opts.addrs) && same(had?.httpUrls, opts.httpUrls)) return undefined;
  const rec = await signHomeNodeAddresses(opts.key, {
    deviceId: opts.deviceId,
    addrs: opts.addrs,
    httpUrls: opts.httpUrls,
    // Never behind an entry already there (a clock stepped back would otherwise lose to it).
    at: Math.max(Date.now(), (had?.at ?? 0) + 1),
  });
  write(opts.root, rec);
  return rec;
}

function write(root: DocHandle<RootDoc>, rec: HomeNodeAddresses): void {
  root.change((d) => {
    d.homeNodes ??= {};
    d.homeNodes[rec.deviceId] = rec;
  });
}

/**
 * Puts this node's announcement back whenever the synced root document arrives with its entry
 * changed: any paired device can write the document, and readers ignore a forged entry, but
 * the forgery would still have replaced the real one. Returns the unsubscribe function.
 */
export function guardHomeAddresses(root: DocHandle<RootDoc>, rec: () => HomeNodeAddresses | undefined) {
  const onChange = ({ doc }: { doc: RootDoc }) => {
    const mine = rec();
    if (!mine) return;
    const there = doc.homeNodes?.[mine.deviceId];
    const intact =
      there?.signature === mine.signature &&
      there.at === mine.at &&
      same(there.addrs, mine.addrs) &&
      same(there.httpUrls, mine.httpUrls);
    if (!intact) write(root, mine);
  };
  root.on('change', onChange);
  return () => void root.off('change', onChange);
}

/**
 * The other home nodes' announced addresses, as the root document says now (signatures and
 * certificates checked; an ignored entry is logged once per reason).
 */
export function otherHomeNodes(opts: {
  root: DocHandle<RootDoc>;
  libraryPublicKey: string;
  self: string;
  log: (line: string) => void;
}): () => Promise<HomeNodeAddresses[]> {
  const told = new Set<string>();
  return async () =>
    (
      await readHomeNodeAddresses(opts.root.doc(), opts.libraryPublicKey, (id, why) => {
        const k = `${id} ${why}`;
        if (told.has(k)) return;
        told.add(k);
        opts.log(`root document: ignored the addresses of ${id.slice(0, 60)}: ${why}`);
      })
    ).filter((a) => a.deviceId !== opts.self);
}
