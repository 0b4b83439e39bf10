/**
 * What the home node's replicator reports (`/api/status`, `hearth status`): the status shape
 * and its lines for `hearth status`.
 */
import type { ReplicationProgress } from '@hearth/sync';
import { formatBytes } from './commands/common.ts';
import type { ReplicaImports } from './replica-import.ts';

/** What `/api/status` and `hearth status` show about replication. */
export interface ReplicationStatus extends ReplicationProgress {
  /** Originals in the synced catalog, and how many some other device or node also holds. */
  originals: number;
  originalsHeldElsewhere: number;
  /** … of which another home node holds (a second server: a backup). */
  originalsOnOtherNodes: number;
  /** Bytes of those originals. */
  originalBytes: number;
  /**
   * Each home node of the library (this one, `self`, and any second one): the originals it
   * holds as the catalog's holders say, out of `originals`.
   */
  homeNodes: HomeNodeHolding[];
  /** Fetched originals imported into the node's library (absent without an importer). */
  imports?: ReplicaImports;
}

/** What one home node holds, for status ("N of M originals held, behind by …"). */
export interface HomeNodeHolding {
  deviceId: string;
  name: string;
  self: boolean;
  originals: number;
  bytes: number;
}

/** `hearth status` lines for replication (from the daemon's /api/status). */
export function replicationLines(r: ReplicationStatus | null | undefined): string[] {
  if (!r) return ['replication: no paired device or node connected yet'];
  const out = [`replication: ${r.held} of ${r.pinned} pinned blobs held`];
  if (r.running || r.filesLeft > 0) {
    const rate = r.rate > 0 ? `, ${formatBytes(r.rate)}/s` : '';
    const eta = r.eta !== undefined ? `, about ${Math.ceil(r.eta)} s left` : '';
    out.push(
      `  fetching: ${r.filesDone} files (${formatBytes(r.bytesDone)}) done, ${r.filesLeft} (${formatBytes(r.bytesLeft)}) left${rate}${eta}`,
    );
  }
  if (r.failed) out.push(`  ${r.failed} failed (retried when a peer holding them connects)`);
  const im = r.imports;
  if (im && (im.imported || im.duplicates || im.failed)) {
    const failed = im.failed ? `, ${im.failed} not importable (last: ${im.lastError ?? '?'})` : '';
    out.push(`  fetched originals imported into the library: ${im.imported + im.duplicates}${failed}`);
  }
  out.push(
    `originals also held by another device or node: ${r.originalsHeldElsewhere} of ${r.originals} (by another home node: ${r.originalsOnOtherNodes})`,
  );
  out.push(...homeNodeLines(r));
  return out;
}

/**
 * One line per home node when the library has more than one: how many originals each holds,
 * and how far behind it is (in files and bytes).
 */
export function homeNodeLines(
  r: Pick<ReplicationStatus, 'homeNodes' | 'originals' | 'originalBytes'>,
): string[] {
  const nodes = r.homeNodes ?? [];
  if (nodes.length < 2) return [];
  return nodes.map((n) => {
    const who = `${n.self ? 'this home node' : 'other home node'} "${n.name}" (${n.deviceId.slice(-8)})`;
    const behind = r.originals - n.originals;
    const gap =
      behind > 0
        ? `, behind by ${behind} (${formatBytes(Math.max(0, r.originalBytes - n.bytes))})`
        : ', up to date';
    return `${who}: ${n.originals} of ${r.originals} originals held${gap}`;
  });
}
