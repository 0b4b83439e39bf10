import { join } from 'node:path';
import type { PeerNode } from '@hearth/sync';
import { AUDIT_PROTOCOL, pullAuditLog } from './audit-replica.ts';
import type { Library } from './library.ts';
import { streamToDuplex } from './stream-duplex.ts';

/** A running follower; `stop()` waits for a pull in progress. */
export interface AuditFollower {
  /** Pull now (when connected to the home node and no pull is running). */
  pull(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A second home node keeps a verified replica of the library's audit log (the first node's,
 * signed by the library key) in `audit-replicas/<library id>`, as `hearth audit pull` does by
 * hand: on each connection to the home node and every `everyMs` while connected. The home node
 * records each pull, so its `hearth status` shows the replica and how far behind it is.
 */
export function followAuditLog(opts: {
  lib: Library;
  node: PeerNode;
  homeNode: string;
  log: (line: string) => void;
  /** Default 5 minutes: entries are rare (pairing, revocation, imports, exports). */
  everyMs?: number;
  /** A pull taking longer is abandoned (default 30 s). */
  timeoutMs?: number;
}): AuditFollower {
  const { lib, node, homeNode, log } = opts;
  const dir = join(lib.layout.root, 'audit-replicas', lib.info.id);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  let last = '';

  async function once(): Promise<void> {
    const conn = node
      .getConnections()
      .find((c) => c.status === 'open' && c.remotePeer.toString() === homeNode);
    if (!conn || stopped) return;
    const stream = await node.dialProtocol(conn.remotePeer, AUDIT_PROTOCOL);
    // Replication ends when the stream does: aborting it bounds a pull that stalls.
    const timer = setTimeout(
      () => stream.abort(new Error(`audit pull took over ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      const r = await pullAuditLog(dir, lib.info.publicKey, streamToDuplex(stream));
      const line = r.ok
        ? `audit log replica: ${r.length} entries, verified`
        : `audit log replica: BROKEN (${r.problems.join('; ')})`;
      if (line !== last) log(line);
      last = line;
    } finally {
      clearTimeout(timer);
    }
  }
  function pull(): Promise<void> {
    running ??= once()
      .catch((err: unknown) => log(`audit log replica: ${(err as Error).message}`))
      .finally(() => (running = undefined));
    return running;
  }
  const onConnect = (e: Event) => {
    if ((e as CustomEvent<{ toString(): string }>).detail.toString() === homeNode) void pull();
  };
  node.addEventListener('peer:connect', onConnect);
  const timer = setInterval(() => void pull(), opts.everyMs ?? 5 * 60_000);
  timer.unref();
  void pull();
  return {
    pull,
    async stop() {
      stopped = true;
      clearInterval(timer);
      node.removeEventListener('peer:connect', onConnect);
      await running;
    },
  };
}
