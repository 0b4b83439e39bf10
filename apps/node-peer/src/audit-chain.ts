import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-log.ts';
import type { LibraryKey } from './library-key.ts';

/** `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);

/** The bytes an entry's signature covers; a fixed array order makes them canonical. */
export function signedBytes(e: Omit<AuditEntry, 'sig'>): Buffer {
  return Buffer.from(JSON.stringify([e.seq, e.at, e.type, e.data, e.prev]));
}

/** What the next entry's `prev` must be. */
export function entryDigest(e: Omit<AuditEntry, 'sig'>): string {
  const { seq, at, type, data, prev } = e;
  return createHash('sha256').update(signedBytes({ seq, at, type, data, prev })).digest('hex');
}

/** Make the next signed entry after `last`. */
export function makeEntry(
  key: Pick<LibraryKey, 'sign'>,
  last: AuditEntry | undefined,
  type: AuditEntry['type'],
  data: AuditEntry['data'],
  at = Date.now(),
): AuditEntry {
  const body = { seq: last ? last.seq + 1 : 0, at, type, data, prev: last ? entryDigest(last) : GENESIS };
  return { ...body, sig: key.sign(signedBytes(body)) };
}

/** Check sequence, hash chain and signatures; returns the problems found (none = intact). */
export function verifyChain(entries: readonly unknown[], key: Pick<LibraryKey, 'verify'>): string[] {
  const problems: string[] = [];
  let prev = GENESIS;
  entries.forEach((raw, i) => {
    const e = raw as AuditEntry | null;
    if (!e || typeof e !== 'object' || typeof e.sig !== 'string') {
      problems.push(`entry ${i}: missing or unreadable`);
      return;
    }
    if (e.seq !== i) problems.push(`entry ${i}: sequence number ${e.seq}`);
    if (e.prev !== prev) problems.push(`entry ${i}: chain broken (an earlier entry was altered or removed)`);
    if (!key.verify(signedBytes(e), e.sig))
      problems.push(`entry ${i}: bad signature (altered, or not signed by this library)`);
    prev = entryDigest(e);
  });
  return problems;
}
