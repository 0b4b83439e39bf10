import type { DocHandle } from '@automerge/automerge-repo';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { dialAddrsOf, handleRevocationNotices, type PeerNode, type RootDoc } from '@hearth/sync';
import { followAuditLog } from './audit-follow.ts';
import { otherHomeNodes } from './home-addresses.ts';
import type { Library } from './library.ts';
import { writeMembership } from './membership.ts';

/** A running link; `stop()` stops redialling, `kick()` dials now (new addresses). */
export interface HomeLink {
  stop(): void;
  kick(): void;
}

/**
 * The daemon's links to the library's other home nodes. Every home node keeps dialling every
 * other one at the addresses it announced in the root document (`homeNodes`, the latest
 * announcement), so two home nodes find each other again after either restarts on other
 * ports, as long as one of them is still where it last said. A second home node also dials
 * the node that admitted it at its pairing link's addresses, pulls a replica of the library's
 * audit log from it (`audit-follow.ts`) and listens for its revocation notice. A revoked
 * node records it in `membership.json` (status shows it), stops dialling, and does not dial
 * again on later starts; its access check refuses it everywhere once the root document says
 * so. A home node revoked in the root document is no longer dialled.
 */
export async function startHomeLink(opts: {
  lib: Library;
  node: PeerNode;
  root: DocHandle<RootDoc>;
  log: (line: string) => void;
}): Promise<{ stop(): Promise<void> } | undefined> {
  const { lib, node, log } = opts;
  const m = lib.membership;
  if (m?.revokedAt !== undefined) {
    log(
      `this node was revoked from the library on ${new Date(m.revokedAt).toISOString()}; it no longer syncs`,
    );
    return undefined;
  }
  const self = node.peerId.toString();
  const known = otherHomeNodes({ root: opts.root, libraryPublicKey: lib.info.publicKey, self, log });
  /** node id → where to dial it now, and its link */
  const links = new Map<string, { addrs: string[]; link: HomeLink }>();
  let stopped = false;
  const sync = async () => {
    const want = new Map<string, string[]>();
    if (m) want.set(m.homeNode, [...m.homeAddrs]);
    for (const a of await known()) want.set(a.deviceId, [...dialAddrsOf(a), ...(want.get(a.deviceId) ?? [])]);
    if (stopped) return;
    for (const [id, l] of links)
      if (!want.has(id) && id !== m?.homeNode) {
        l.link.stop();
        links.delete(id);
      }
    for (const [id, addrs] of want) {
      const had = links.get(id);
      if (had) {
        const changed = had.addrs.join(' ') !== addrs.join(' ');
        had.addrs = addrs;
        if (changed) had.link.kick();
        continue;
      }
      const entry = { addrs, link: undefined as unknown as HomeLink };
      entry.link = keepHomeLink({ node, homeNode: id, addrs: () => entry.addrs, log });
      links.set(id, entry);
    }
  };
  let syncing = Promise.resolve();
  const onChange = () => {
    syncing = syncing.then(sync).catch((err: unknown) => log(`home links: ${(err as Error).message}`));
  };
  opts.root.on('change', onChange);
  onChange();
  const stopLinks = () => {
    stopped = true;
    opts.root.off('change', onChange);
    for (const l of links.values()) l.link.stop();
  };
  if (!m)
    return {
      async stop() {
        stopLinks();
        await syncing;
      },
    };
  const audit = followAuditLog({ lib, node, homeNode: m.homeNode, log });
  const unhandle = await handleRevocationNotices({
    node,
    deviceId: self,
    homeNode: m.homeNode,
    libraryPublicKey: lib.info.publicKey,
    onRevoked(rev) {
      stopLinks();
      void audit.stop();
      m.revokedAt = rev.revokedAt;
      log(`this node was revoked from the library by ${m.homeNode}; it no longer syncs`);
      writeMembership(lib.layout.membershipJson, m).catch((err: unknown) =>
        log(`membership: ${(err as Error).message}`),
      );
    },
  });
  return {
    async stop() {
      stopLinks();
      await syncing;
      await audit.stop();
      await unhandle();
    },
  };
}

/**
 * Keeps a connection to another home node: without it a second home node neither syncs the
 * catalog nor pulls blobs while no device is around to carry changes. Dials on start and
 * again after each disconnect, backing off from `minMs` to `maxMs`, at `addrs()` as they are
 * at each attempt (the pairing link's, and the node's latest announcement).
 */
export function keepHomeLink(opts: {
  node: PeerNode;
  homeNode: string;
  addrs: () => readonly string[];
  log: (line: string) => void;
  minMs?: number;
  maxMs?: number;
}): HomeLink {
  const { node } = opts;
  const minMs = opts.minMs ?? 1000;
  const maxMs = opts.maxMs ?? 30_000;
  const known = (): Multiaddr[] =>
    [...new Set(opts.addrs())].map((a) => multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${opts.homeNode}`));
  let delay = minMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let failedOnce = false;
  const connected = () =>
    node.getConnections().some((c) => c.status === 'open' && c.remotePeer.toString() === opts.homeNode);

  async function dial(): Promise<void> {
    timer = undefined;
    if (stopped || connected()) return;
    try {
      await node.dial(known());
      delay = minMs;
      if (failedOnce) opts.log(`reconnected to home node ${opts.homeNode}`);
      failedOnce = false;
    } catch (err) {
      if (!failedOnce)
        opts.log(`cannot reach home node ${opts.homeNode} (retrying): ${(err as Error).message}`);
      failedOnce = true;
      schedule();
    }
  }
  function schedule(): void {
    if (stopped || timer) return;
    timer = setTimeout(() => void dial(), delay);
    timer.unref();
    delay = Math.min(delay * 2, maxMs);
  }
  const onDisconnect = (e: Event) => {
    if ((e as CustomEvent<{ toString(): string }>).detail.toString() === opts.homeNode) schedule();
  };
  node.addEventListener('peer:disconnect', onDisconnect);
  void dial();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      node.removeEventListener('peer:disconnect', onDisconnect);
    },
    kick() {
      if (stopped || connected()) return;
      clearTimeout(timer);
      timer = undefined;
      delay = minMs;
      void dial();
    },
  };
}
