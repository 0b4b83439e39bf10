import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssetRecord } from './asset-record.ts';
import type { AuditEntry } from './audit-log.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** The file where the daemon remembers which paired node last pulled the audit log. */
const PULLS_FILE = 'audit-pulls.json';

/** A paired node that replicated this library's audit log (`hearth audit pull` on a second node). */
export interface AuditPull {
  peer: string;
  /** When it last pulled (ms). */
  at: number;
  /** Entries the log had then. */
  length: number;
}

/**
 * What protects this library beyond this node's own disk, for `hearth status`:
 * - `exports`: `hearth export` runs (from the audit log). Hard-linked files share this disk,
 *   so only copied files are a second copy; assets imported after the last export are not in it.
 * - `auditReplicas`: second home nodes that pulled the audit log, with the length they got.
 * - `replicasHeld`: libraries whose audit log this node keeps a replica of.
 */
export interface BackupStatus {
  exports: {
    count: number;
    last: { at: number; dir: string; assets: number; linked: number | null; copied: number | null } | null;
    /** Assets imported after the last export started (not in it); all assets when never exported. */
    importedSinceLastExport: number;
  };
  auditReplicas: (AuditPull & { behind: number })[];
  replicasHeld: string[];
}

/** Remember that `peer` pulled the audit log (best effort: a failed write only loses this note). */
export async function recordAuditPull(dataDir: string, peer: string, length: number): Promise<void> {
  const pulls = await readAuditPulls(dataDir);
  const rest = pulls.filter((p) => p.peer !== peer);
  await writeFileAtomic(
    join(dataDir, PULLS_FILE),
    JSON.stringify([...rest, { peer, at: Date.now(), length }], null, 2) + '\n',
  );
}

export async function readAuditPulls(dataDir: string): Promise<AuditPull[]> {
  try {
    const v = JSON.parse(await readFile(join(dataDir, PULLS_FILE), 'utf8')) as unknown;
    return Array.isArray(v) ? (v as AuditPull[]) : [];
  } catch {
    return [];
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export async function backupStatus(
  dataDir: string,
  audit: readonly AuditEntry[],
  assets: Iterable<AssetRecord>,
): Promise<BackupStatus> {
  const exports = audit.filter((e) => e.type === 'export');
  const lastEntry = exports.at(-1);
  let since = 0;
  for (const a of assets) if (!lastEntry || a.importedAt > lastEntry.at) since++;
  const replicasHeld = await readdir(join(dataDir, 'audit-replicas')).catch(() => [] as string[]);
  return {
    exports: {
      count: exports.length,
      last: lastEntry
        ? {
            at: lastEntry.at,
            dir: String(lastEntry.data['dir'] ?? ''),
            assets: num(lastEntry.data['assets']) ?? 0,
            linked: num(lastEntry.data['linked']),
            copied: num(lastEntry.data['copied']),
          }
        : null,
      importedSinceLastExport: since,
    },
    auditReplicas: (await readAuditPulls(dataDir)).map((p) => ({
      ...p,
      behind: Math.max(0, audit.length - p.length),
    })),
    replicasHeld: replicasHeld.sort(),
  };
}

/** `hearth status` lines for the backups section. */
export function backupLines(b: BackupStatus, now = Date.now()): string[] {
  const ago = (t: number) => {
    const h = (now - t) / 3_600_000;
    return h < 1
      ? `${Math.round(h * 60)} min ago`
      : h < 48
        ? `${Math.round(h)} h ago`
        : `${Math.round(h / 24)} days ago`;
  };
  const out: string[] = [];
  const l = b.exports.last;
  if (!l) out.push('backups: never exported (`hearth export <dir>` writes a plain copy, e.g. to a USB disk)');
  else {
    const sameDisk =
      l.linked !== null && l.linked > 0 && !l.copied ? ' — hard links on this disk, not a second copy' : '';
    out.push(
      `backups: last export ${ago(l.at)} to ${l.dir} (${l.assets} assets${sameDisk}); ${b.exports.importedSinceLastExport} imported since`,
    );
  }
  if (!b.auditReplicas.length)
    out.push('audit log: no second node has pulled it (`hearth audit pull` there)');
  for (const r of b.auditReplicas)
    out.push(
      `audit log replica: ${r.peer} pulled ${ago(r.at)} (${r.length} entries${r.behind ? `, ${r.behind} behind` : ', up to date'})`,
    );
  if (b.replicasHeld.length) out.push(`this node keeps audit log replicas of: ${b.replicasHeld.join(', ')}`);
  return out;
}
