/**
 * What the home node tells paired devices about its work, over `/hearth/status/1`: the same
 * things `hearth status` shows while the daemon runs (the reconcile loop per kind, an import
 * in progress, backups). Plain JSON-able data; every field is checked on receipt.
 */
export interface NodeStatus {
  /** the node's clock when this was made (ms since epoch) */
  at: number;
  /** assets in the node's library */
  assets: number;
  /** paired devices connected to the node now */
  devicesOnline: number;
  reconcile: {
    /** nothing queued or running */
    idle: boolean;
    /** per kind of derived output (`images`, `video`, `faces`…) */
    kinds: Record<string, KindProgress>;
  };
  /** the latest `hearth import` (or device upload batch); null: none since the node started */
  import: ImportProgress | null;
  backups: BackupSummary;
}

/** One kind of the reconcile loop's work. */
export interface KindProgress {
  done: number;
  /** queued, not started */
  pending: number;
  running: number;
  failed: number;
  /** the file it is working on now (the newest started job), when it is busy */
  current?: string;
}

/** An import's progress, as its progress bar shows it. */
export interface ImportProgress {
  /** files handled (imported, duplicate, skipped or failed) */
  done: number;
  /** files found to import */
  total: number;
  /** the file being imported now */
  current?: string;
  startedAt: number;
  /** when it ended; absent while it runs */
  finishedAt?: number;
  /** ended without finishing (stopped, or its process died) */
  stopped?: boolean;
}

/** Where copies of the library are, in brief. */
export interface BackupSummary {
  /** the last `hearth export` (ms since epoch), or null */
  lastExportAt: number | null;
  /** assets added since that export (all of them when there was none) */
  notExported: number;
  /** second home nodes that pulled the audit log */
  auditCopies: number;
}

/** The status frame's size limit: a few KB in practice, so a bigger one is refused. */
export const MAX_STATUS_FRAME = 64 * 1024;
const MAX_KINDS = 32;
const MAX_TEXT = 300;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : undefined);

/**
 * A NodeStatus from untrusted input (a decoded frame), or undefined when a required field is
 * missing or of the wrong type. Unknown fields are dropped; texts are cut to 300 characters.
 */
export function parseNodeStatus(v: unknown): NodeStatus | undefined {
  if (!isObj(v) || !isObj(v['reconcile']) || !isObj(v['backups'])) return undefined;
  const at = count(v['at']);
  const assets = count(v['assets']);
  const devicesOnline = count(v['devicesOnline']);
  const r = v['reconcile'];
  const b = v['backups'];
  if (at === undefined || assets === undefined || devicesOnline === undefined) return undefined;
  if (typeof r['idle'] !== 'boolean' || !isObj(r['kinds'])) return undefined;
  const kinds: Record<string, KindProgress> = {};
  for (const [name, k] of Object.entries(r['kinds']).slice(0, MAX_KINDS)) {
    if (!isObj(k)) return undefined;
    const [done, pending, running, failed] = ['done', 'pending', 'running', 'failed'].map((f) => count(k[f]));
    if (done === undefined || pending === undefined || running === undefined || failed === undefined)
      return undefined;
    const current = text(k['current']);
    kinds[name.slice(0, MAX_TEXT)] = { done, pending, running, failed, ...(current ? { current } : {}) };
  }
  let imp: ImportProgress | null = null;
  const i = v['import'];
  if (isObj(i)) {
    const [done, total, startedAt] = ['done', 'total', 'startedAt'].map((f) => count(i[f]));
    if (done === undefined || total === undefined || startedAt === undefined) return undefined;
    const current = text(i['current']);
    const finishedAt = count(i['finishedAt']);
    imp = {
      done,
      total,
      startedAt,
      ...(current ? { current } : {}),
      ...(finishedAt !== undefined ? { finishedAt } : {}),
      ...(i['stopped'] === true ? { stopped: true } : {}),
    };
  } else if (i !== null && i !== undefined) return undefined;
  const lastExportAt = b['lastExportAt'] === null ? null : count(b['lastExportAt']);
  const notExported = count(b['notExported']);
  const auditCopies = count(b['auditCopies']);
  if (lastExportAt === undefined || notExported === undefined || auditCopies === undefined) return undefined;
  return {
    at,
    assets,
    devicesOnline,
    reconcile: { idle: r['idle'], kinds },
    import: imp,
    backups: { lastExportAt, notExported, auditCopies },
  };
}
