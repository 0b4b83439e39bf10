import { join } from 'node:path';
import type { AuditEntry } from '../audit-log.ts';
import { createHypercoreAuditLog } from '../audit-log.hypercore.ts';
import { loadLibraryKey } from '../library-key.ts';

/**
 * The audit log entries of the library in `dataDir`, read as `hearth verify` reads them (the
 * log opens per call, so this works beside a running daemon).
 */
export async function readAuditEntries(dataDir: string): Promise<AuditEntry[]> {
  const key = await loadLibraryKey(join(dataDir, 'library.key'));
  return createHypercoreAuditLog(join(dataDir, 'audit'), key).entries();
}
