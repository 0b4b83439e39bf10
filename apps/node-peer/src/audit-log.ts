import type { Duplex } from 'node:stream';

/** What security-relevant things the node records. */
export type AuditEventType =
  | 'library.created'
  | 'library.joined'
  | 'device.paired'
  | 'device.revoked'
  | 'asset.deleted'
  | 'asset.purged'
  | 'export'
  | 'import'
  | 'share-link.created'
  | 'share-link.used'
  | 'share-link.revoked';

/**
 * One entry: signed by the library key over (seq, at, type, data, prev), where `prev` is
 * the SHA-256 of the previous entry's signed bytes, so an entry cannot be altered,
 * dropped or reordered without `verify` noticing.
 */
export interface AuditEntry {
  seq: number;
  at: number;
  type: AuditEventType;
  data: Record<string, string | number | boolean>;
  prev: string;
  sig: string;
}

/** The result of checking the whole log. */
export interface AuditVerifyResult {
  ok: boolean;
  length: number;
  /** What is wrong, entry by entry, when not ok. */
  problems: string[];
}

/** An append-only, signed log of security events. */
export interface AuditLog {
  append(type: AuditEventType, data: AuditEntry['data']): Promise<AuditEntry>;
  entries(): Promise<AuditEntry[]>;
  verify(): Promise<AuditVerifyResult>;
  /** Replicate with a peer over a byte stream (hypercore protocol) until it ends. */
  replicate(transport: Duplex, isInitiator: boolean): Promise<void>;
}
