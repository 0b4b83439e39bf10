import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { handleRevocationNotices, type PeerNode } from '@hearth/sync';
import { followAuditLog } from './audit-follow.ts';
import type { Library } from './library.ts';
import { writeMembership } from './membership.ts';

/** A running link; `stop()` stops redialling. */
export interface HomeLink {
  stop(): void;
}

/**
 * The daemon's part for a second home node (nothing for the node that created the library):
 * the link to the node that admitted it, a replica of the library's audit log pulled from it
 * (`audit-follow.ts`), and the revocation notice from that node. A revoked
 * node records it in `membership.json` (status shows it), stops dialling, and does not dial
 * again on later starts; its access check refuses it everywhere once the root document says so.
 */
export async function startHomeLink(opts: {
  lib: Library;
  node: PeerNode;
  log: (line: string) => void;
}): Promise<{ stop(): Promise<void> } | undefined> {
  const { lib, node, log } = opts;
  const m = lib.membership;
  if (!m) return undefined;
  if (m.revokedAt !== undefined) {
    log(
      `this node was revoked from the library on ${new Date(m.revokedAt).toISOString()}; it no longer syncs`,
    );
    return undefined;
  }
  const link = keepHomeLink({ node, homeNode: m.homeNode, addrs: m.homeAddrs, log });
  const audit = followAuditLog({ lib, node, homeNode: m.homeNode, log });
  const unhandle = await handleRevocationNotices({
    node,
    deviceId: node.peerId.toString(),
    homeNode: m.homeNode,
    libraryPublicKey: lib.info.publicKey,
    onRevoked(rev) {
      link.stop();
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
      link.stop();
      await audit.stop();
      await unhandle();
    },
  };
}

/**
 * A second home node keeps a connection to the home node that admitted it: nobody else
 * dials it (devices know the first node's address from their pairing link), and without the
 * link it neither syncs the catalog nor pulls blobs. Dials on start and again after each
 * disconnect, backing off from `minMs` to `maxMs`, at the pairing link's addresses (a home
 * node's ports are fixed by its config).
 */
export function keepHomeLink(opts: {
  node: PeerNode;
  homeNode: string;
  addrs: readonly string[];
  log: (line: string) => void;
  minMs?: number;
  maxMs?: number;
}): HomeLink {
  const { node } = opts;
  const minMs = opts.minMs ?? 1000;
  const maxMs = opts.maxMs ?? 30_000;
  const known: Multiaddr[] = opts.addrs.map((a) =>
    multiaddr(a.includes('/p2p/') ? a : `${a}/p2p/${opts.homeNode}`),
  );
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
      await node.dial(known);
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
  };
}
