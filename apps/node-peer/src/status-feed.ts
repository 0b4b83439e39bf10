import { createStatusServer, type NodeStatus, type StatusServer } from '@hearth/sync';
import { backupStatus } from './backups.ts';
import { readImportProgress } from './import-progress.ts';
import type { Library } from './library.ts';
import type { PeerServices } from './peer-services.ts';
import type { ReconcileLoop } from './reconcile-loop.ts';

/** Backups need the audit log (a hypercore open per read): refreshed at most this often. */
const BACKUPS_EVERY_MS = 30_000;

/**
 * The home node's status for paired devices (`/hearth/status/1`, @hearth/sync's server): what
 * `hearth status` shows while the daemon runs — the reconcile loop per kind with the file it
 * is on, the latest import's progress (from the importing process's note), backups in brief.
 * Computed only while a device watches.
 */
export function startStatusFeed(opts: {
  lib: Library;
  peers: PeerServices;
  loop: ReconcileLoop;
  log: (line: string) => void;
}): StatusServer {
  const { lib, peers, loop } = opts;
  // The audit-derived part (last export, audit copies) is re-read every 30 s; the count of
  // assets not in the last export follows the catalog at once.
  let audit = { lastExportAt: null as number | null, auditCopies: 0 };
  let auditAt = 0;
  let refreshing: Promise<void> | undefined;
  const refreshAudit = () =>
    (refreshing ??= (async () => {
      const b = await backupStatus(lib.layout.root, await lib.audit.entries(), []);
      audit = { lastExportAt: b.exports.last?.at ?? null, auditCopies: b.auditReplicas.length };
      auditAt = Date.now();
      counted = -1;
    })()
      .catch((err: unknown) => opts.log(`status: backups: ${(err as Error).message}`))
      .finally(() => (refreshing = undefined)));
  let counted = -1;
  let notExported = 0;
  const countNotExported = () => {
    if (counted === lib.catalog.version) return notExported;
    counted = lib.catalog.version;
    const since = audit.lastExportAt ?? -Infinity;
    notExported = 0;
    for (const a of lib.catalog.assets()) if (a.importedAt > since) notExported++;
    return notExported;
  };
  return createStatusServer({
    node: peers.node,
    access: peers.access,
    async status(): Promise<NodeStatus> {
      if (Date.now() - auditAt > BACKUPS_EVERY_MS) {
        // The first answer waits for it; later ones use the last figures while it refreshes.
        if (auditAt === 0) await refreshAudit();
        else void refreshAudit();
      }
      return {
        at: Date.now(),
        assets: lib.catalog.size,
        devicesOnline: peers.node
          .getPeers()
          .filter((p) => p.toString() !== peers.deviceId && peers.access.isPaired(p.toString())).length,
        reconcile: loop.status(),
        import: await readImportProgress(lib.layout.root),
        backups: { ...audit, notExported: countNotExported() },
      };
    },
  });
}
